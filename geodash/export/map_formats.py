"""The file formats of a static map, by suffix: PNG, SVG and PDF from matplotlib, HTML from the web map."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib

from geodash.dataset import Dataset
from geodash.errors import ParameterError
from geodash.export.atomic import write_bytes
from geodash.export.static_map import MapLayout, static_map
from geodash.web.state import ViewState

PNG_DPI = 200  # A4 landscape: 2339 × 1654 pixels, sharp in print
# Text stays text: selectable and searchable in the PDF (TrueType, Type 42), <text> in the SVG.
RC = {"pdf.fonttype": 42, "svg.fonttype": "none", "svg.hashsalt": "geodash", "font.family": "DejaVu Sans"}


def _figure_bytes(fmt: str) -> Callable[[Dataset, ViewState, MapLayout], bytes]:
    def render(dataset: Dataset, state: ViewState, layout: MapLayout) -> bytes:
        with matplotlib.rc_context(RC):
            figure = static_map(dataset, state, layout)
            buffer = io.BytesIO()
            metadata = {"Creator": "geodash"} if fmt in ("pdf", "svg") else {"Software": "geodash"}
            figure.savefig(buffer, format=fmt, dpi=PNG_DPI, metadata=metadata)
        return buffer.getvalue()

    render.__doc__ = f"The static map of a view as {fmt.upper()} bytes."
    return render


def _html_bytes(dataset: Dataset, state: ViewState, layout: MapLayout) -> bytes:
    """The interactive map of the view as one HTML file (the web map's export; layout does not apply)."""
    from geodash.export.html_map import html_map

    return html_map(dataset, state).encode("utf-8")


@dataclass(frozen=True)
class MapFormat:
    """A static map format: suffix, media type and renderer ``(dataset, state, layout) -> bytes``."""

    suffix: str
    media_type: str
    render: Callable[[Dataset, ViewState, MapLayout], bytes]


MAP_FORMATS: dict[str, MapFormat] = {
    "png": MapFormat(".png", "image/png", _figure_bytes("png")),
    "svg": MapFormat(".svg", "image/svg+xml", _figure_bytes("svg")),
    "pdf": MapFormat(".pdf", "application/pdf", _figure_bytes("pdf")),
    "html": MapFormat(".html", "text/html", _html_bytes),
}


def map_format(name_or_path: str | Path) -> MapFormat:
    """The format named by ``"pdf"``, ``".pdf"`` or a file name such as ``karte.pdf``.

    Examples
    --------
    >>> map_format("karte.PDF").media_type
    'application/pdf'
    """
    text = str(name_or_path)
    key = (Path(text).suffix or text).lower().lstrip(".")
    if key not in MAP_FORMATS:
        raise ParameterError(
            f"the map format was {key or text!r} but is expected to be one of "
            f"{', '.join('.' + k for k in MAP_FORMATS)}.",
            fix="end the output file name with one of these suffixes, e.g. karte.pdf.")
    return MAP_FORMATS[key]


def map_bytes(dataset: Dataset, state: ViewState, fmt: str, layout: MapLayout | None = None) -> bytes:
    """The map of a view in format ``fmt`` (``png``, ``svg``, ``pdf``, ``html``), for a download."""
    return map_format(fmt).render(dataset, state, layout or MapLayout())


def write_map(dataset: Dataset, state: ViewState, path: str | Path, layout: MapLayout | None = None) -> Path:
    """Write the map of a view to ``path``, the format following its suffix; whole or not at all."""
    fmt = map_format(path)
    return write_bytes(path, fmt.render(dataset, state, layout or MapLayout()))
