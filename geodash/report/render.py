"""Render the Sozialraumbericht: one template set for both files, HTML self-contained, PDF by WeasyPrint."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from geodash.dataset import Dataset
from geodash.errors import ParameterError
from geodash.export.atomic import write_bytes
from geodash.report.content import Report, area_report, city_report, css_string
from geodash.report.texts import TEXT
from geodash.web.i18n import translate


def _environment() -> Environment:
    return Environment(loader=PackageLoader("geodash.report", "templates"),
                       autoescape=select_autoescape(["html", "html.j2"]), undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


def build_report(dataset: Dataset, *, area: str | None = None, year: int | None = None, lang: str = "de",
                 created: date | None = None) -> Report:
    """The city-wide report, or with ``area`` one area's profile (see :mod:`geodash.report.content`)."""
    if lang not in TEXT:
        raise ParameterError(f"`lang` was {lang!r} but is expected to be one of {sorted(TEXT)}.")
    if area is not None:
        return area_report(dataset, area, year, lang, created)
    return city_report(dataset, year, lang, created)


def render_html(report: Report) -> str:
    """The report as one HTML document: CSS inlined, maps as inline SVG, nothing loaded from elsewhere."""
    env = _environment()
    css = env.get_template("report.css.j2").render(
        city=css_string(report.city), data_year=css_string(report.data_year),
        created=css_string(report.created), page=css_string(translate(TEXT, "page", report.lang)),
        of=css_string(translate(TEXT, "of", report.lang)))
    return env.get_template("report.html.j2").render(report=report, css=Markup(css))  # noqa: S704


def _refuse_fetch(url: str, *args, **kwargs):
    # Nothing leaves the machine: the report has no external resources, and none may be fetched.
    raise ValueError(f"geodash reports load nothing from elsewhere ({url})")


@contextmanager
def _quiet_svg_styles() -> Iterator[None]:
    """Keep WeasyPrint from logging a warning per SVG style declaration.

    Its CSS parser does not know SVG properties (``fill``, ``stroke``, …) in
    matplotlib's ``style`` attributes and says so for every element, while its
    SVG renderer applies them all the same: thousands of false warnings.
    """
    log = logging.getLogger("weasyprint")
    noise = logging.Filter()
    noise.filter = lambda record: "unknown property" not in record.getMessage()  # type: ignore[method-assign]
    log.addFilter(noise)
    try:
        yield
    finally:
        log.removeFilter(noise)


def render_pdf(report: Report) -> bytes:
    """The report as PDF: the same HTML laid out on A4 by WeasyPrint."""
    import weasyprint

    with _quiet_svg_styles():
        document = weasyprint.HTML(string=render_html(report), url_fetcher=_refuse_fetch)
        return document.write_pdf()


@dataclass(frozen=True)
class ReportFormat:
    """A report file format: suffix, media type and renderer."""

    suffix: str
    media_type: str
    render: Callable[[Report], bytes]


REPORT_FORMATS: dict[str, ReportFormat] = {
    "html": ReportFormat(".html", "text/html", lambda report: render_html(report).encode("utf-8")),
    "pdf": ReportFormat(".pdf", "application/pdf", render_pdf),
}


def report_format(name_or_path: str | Path) -> ReportFormat:
    """The format named by ``"pdf"`` or a file name such as ``bericht.pdf``."""
    text = str(name_or_path)
    key = (Path(text).suffix or text).lower().lstrip(".")
    if key not in REPORT_FORMATS:
        raise ParameterError(
            f"the report format was {key or text!r} but is expected to be one of "
            f"{', '.join('.' + k for k in REPORT_FORMATS)}.",
            fix="name the file bericht.pdf or bericht.html.")
    return REPORT_FORMATS[key]


def report_bytes(dataset: Dataset, fmt: str, *, area: str | None = None, year: int | None = None,
                 lang: str = "de", created: date | None = None) -> bytes:
    """The report in format ``fmt`` (``pdf`` or ``html``), for a download."""
    renderer = report_format(fmt)
    return renderer.render(build_report(dataset, area=area, year=year, lang=lang, created=created))


def write_report(dataset: Dataset, path: str | Path, *, area: str | None = None, year: int | None = None,
                 lang: str = "de", created: date | None = None) -> Path:
    """Write the report to ``path``, the format following its suffix; whole or not at all."""
    renderer = report_format(path)
    data = renderer.render(build_report(dataset, area=area, year=year, lang=lang, created=created))
    return write_bytes(path, data)
