"""Reports: the self-contained HTML (and PDF) that carries an estimate with everything needed to check it."""

from uncounted.report.html import ReportInput, headline, render_report, write_report

__all__ = ["ReportInput", "headline", "render_report", "write_report"]
