"""The report as PDF, for courts and journalists who read PDFs: the same HTML laid out by WeasyPrint.

WeasyPrint shapes Arabic with HarfBuzz and renders the inline SVG figures; it is given no base URL, so nothing
outside the file can be fetched while rendering.
"""

from __future__ import annotations

import logging
from pathlib import Path


def write_pdf(html: str, path: str | Path) -> Path:
    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # font-fallback chatter is not the user's concern
    target = Path(path)
    temporary = target.with_suffix(".pdf.tmp")
    HTML(string=html, base_url=None).write_pdf(temporary)
    temporary.replace(target)
    return target
