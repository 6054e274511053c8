"""The Sozialraumbericht: city-wide or for one area, as self-contained HTML or as PDF."""

from geodash.report.render import (
    REPORT_FORMATS,
    build_report,
    render_html,
    render_pdf,
    report_bytes,
    report_format,
    write_report,
)

__all__ = ["REPORT_FORMATS", "build_report", "render_html", "render_pdf", "report_bytes", "report_format",
           "write_report"]
