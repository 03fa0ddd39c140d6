"""The report as PDF, for courts and journalists who read PDFs: the same HTML laid out by WeasyPrint.

WeasyPrint shapes Arabic with HarfBuzz and renders the inline SVG figures; it is given no base URL, so nothing
outside the file can be fetched while rendering.
"""

from __future__ import annotations

import logging
from pathlib import Path

from uncounted.files import write_atomically


def write_pdf(html: str, path: str | Path) -> Path:
    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # font-fallback chatter is not the user's concern
    return write_atomically(path, HTML(string=html, base_url=None).write_pdf)
