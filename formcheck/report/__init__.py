"""HTML reports (issue 6): `write_html` for one analysis, `write_index` over many, and the `ReportCapture` sink that
keeps the few frames a report shows (and a small annotated WebM) while the video streams through the pipeline."""

from .capture import ReportCapture, ReportVideo, Thumbnail, ThumbnailCapture
from .html import IndexRow, render_html, report_context, write_html, write_index, write_report

__all__ = ["ReportCapture", "ReportVideo", "Thumbnail", "ThumbnailCapture", "IndexRow", "render_html",
           "report_context", "write_html", "write_index", "write_report"]
