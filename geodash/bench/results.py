"""Benchmark results: one comparison per row, printed as one Markdown table with its notes.

Every number in the table comes from a :class:`Comparison` measured in the
same run; the ratio is always geodash ÷ naive peer, so below 1 means geodash
is faster or smaller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

HEADER = ("step", "geodash", "naive peer, same run", "ratio")


@dataclass(frozen=True)
class Figure:
    """One measured quantity: a time in seconds or a size in bytes, and how it was taken."""

    value: float
    unit: str  # "s" or "B"
    how: str = ""
    peak_rss: int | None = None

    def text(self) -> str:
        """The value with its unit, and how it was taken in brackets."""
        shown = fmt_seconds(self.value) if self.unit == "s" else fmt_bytes(self.value)
        return f"{shown} ({self.how})" if self.how else shown


@dataclass(frozen=True)
class Comparison:
    """A geodash figure beside the naive peer's figure for the same work."""

    kind: str
    step: str
    geodash: Figure
    naive: Figure | None  # None: no naive peer was run at this size (only geodash is reported)
    naive_label: str
    n: int = 0
    m: int = 0
    notes: tuple[str, ...] = field(default=())
    errors: int = 0  # failed requests behind the geodash figure (load tests)

    @property
    def ratio(self) -> float:
        """The geodash figure divided by the naive one (NaN without a naive figure)."""
        if self.naive is None:
            return float("nan")
        return self.geodash.value / self.naive.value if self.naive.value else float("inf")


def fmt_seconds(seconds: float) -> str:
    """``0.000012`` → ``12.0 µs``, ``0.25`` → ``250 ms``, ``12.3`` → ``12.3 s``."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"


def fmt_bytes(size: float) -> str:
    """``1234567`` → ``1.23 MB`` (decimal units, as network tools count); small values keep decimals."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size:.0f} B" if size >= 100 or size == int(size) else f"{size:.2f} B"


def fmt_ratio(ratio: float) -> str:
    """``0.05`` → ``1/20.0``, ``2.5`` → ``2.50×``; NaN (nothing to compare) → ``—``."""
    if ratio != ratio:
        return "—"
    if ratio == 0:
        return "0"
    return f"1/{1 / ratio:.1f}" if ratio < 1 else f"{ratio:.2f}×"


def memory_figure(figure: Figure) -> Figure:
    """The peak RSS growth of a measured step as a figure of its own."""
    return Figure(float(figure.peak_rss or 0), "B", "peak RSS growth")


def markdown_table(rows: Sequence[Comparison]) -> str:
    """The comparisons as one Markdown table."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for row in rows:
        naive = f"{row.naive.text()} — {row.naive_label}" if row.naive else f"not run — {row.naive_label}"
        cells = (row.step, row.geodash.text(), naive, fmt_ratio(row.ratio))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def memory_rows(rows: Sequence[Comparison], kinds: Sequence[str]) -> list[Comparison]:
    """Peak-memory rows for the largest size measured of each kind of step."""
    out = []
    for kind in kinds:
        of_kind = [r for r in rows if r.kind == kind]
        if not of_kind:
            continue
        row = max(of_kind, key=lambda r: (r.n, r.m))
        if row.naive is None or row.geodash.peak_rss is None or row.naive.peak_rss is None:
            continue
        out.append(Comparison(
            kind=f"memory:{kind}", step=f"peak memory: {row.step}",
            geodash=memory_figure(row.geodash), naive=memory_figure(row.naive),
            naive_label=row.naive_label, n=row.n, m=row.m))
    return out
