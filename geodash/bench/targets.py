"""The targets of issues 6 and 9, checked against the comparisons measured in the same run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from geodash.bench.results import Comparison, Figure, fmt_ratio


@dataclass(frozen=True)
class Target:
    """A limit on the comparisons of ``kind`` at ``n`` areas (and ``m`` sites).

    By default the limit is on the ratio geodash ÷ naive peer. ``absolute``
    puts it on the geodash figure itself (in its unit: bytes or seconds), and
    ``no_errors`` also requires that no request failed (load tests).
    ``n=None`` matches any size (the demo).
    """

    label: str
    kind: str
    n: int | None
    limit: float
    m: int | None = None
    # For a target on geodash alone (warm ÷ cold): the kind whose geodash figure divides.
    over_kind: str | None = None
    absolute: bool = False
    no_errors: bool = False


ISSUE_6 = (
    Target("indicator switch, figure JSON bytes, 5,000 areas: ≤ 1/20 of the tutorial pattern",
           "switch_bytes", 5_000, 1 / 20),
    Target("indicator switch, server time, 5,000 areas: ≤ 1/10 of the tutorial pattern",
           "switch_time", 5_000, 1 / 10),
    Target("first map page, figure JSON bytes, 5,000 areas: ≤ 1/2 of explore()", "page_bytes", 5_000,
           1 / 2),
    Target("1,000,000 sites into 5,000 areas: locate_sites no slower than sjoin", "join", 5_000,
           1.0, m=1_000_000),
    Target("1,000,000 sites into 5,000 areas: ≥ 50× faster per site than the loop", "loop_per_site",
           5_000, 1 / 50, m=1_000_000),
    Target("warm start (cache) at 20,000 areas: ≤ 1/5 of the cold start", "load_warm", 20_000, 1 / 5,
           over_kind="load_cold"),
)

ISSUE_9 = (
    Target("`geodash serve` until the map answers, cold cache, 5,000 areas / 10,000 sites: ≤ 2× the "
           "tutorial app's start", "startup_cold", 5_000, 2.0, m=10_000),
    Target("`geodash serve` until the map answers, warm cache, 5,000 areas / 10,000 sites: ≤ 2× the "
           "tutorial app's start", "startup_warm", 5_000, 2.0, m=10_000),
    Target("first page, bytes on the wire, 5,000 areas: ≤ 1/5 of explore() on the same display geometry",
           "page_vs_explore", 5_000, 1 / 5),
    Target("indicator switch, bytes on the wire, 5,000 areas: ≤ 4 bytes per area", "switch_per_area",
           5_000, 4.0, absolute=True),
    Target("time to the drawn map in headless Chromium, 5,000 areas: ≤ 1/3 of the tutorial app",
           "drawn", 5_000, 1 / 3),
    Target("repaint after an indicator switch, 5,000 areas: ≤ 1/10 of the tutorial app", "repaint",
           5_000, 1 / 10),
    Target("demo, 50 users, no think time: p95 < 300 ms, 0 errors", "demo_load_switch", None, 0.3,
           absolute=True, no_errors=True),
)

TARGETS = ISSUE_6 + ISSUE_9


def _ratio(target: Target, rows: Sequence[Comparison]) -> list[tuple[Comparison, float]]:
    found = [r for r in rows if r.kind == target.kind and (target.n is None or r.n == target.n)
             and (target.m is None or r.m == target.m)]
    if target.absolute:
        return [(r, r.geodash.value) for r in found]
    if target.over_kind is None:
        return [(r, r.ratio) for r in found if r.naive is not None]
    pairs = []
    for row in found:
        over = next((o for o in rows if o.kind == target.over_kind and o.n == row.n and o.m == row.m),
                    None)
        if over is not None:
            pairs.append((row, row.geodash.value / over.geodash.value))
    return pairs


def _shown(value: float, like: Figure) -> str:
    return Figure(value, like.unit).text()


def verdict(target: Target, row: Comparison, value: float) -> str:
    """Met or missed, and by how much (a factor of the limit)."""
    if value != value:  # NaN: nothing was measured
        return "**not measured** (no value)"
    if target.absolute:
        shown, limit = _shown(value, row.geodash), _shown(target.limit, row.geodash)
    else:
        shown, limit = fmt_ratio(value), fmt_ratio(target.limit)
    errors = f", {row.errors} errors" if target.no_errors else ""
    if value <= target.limit and not (target.no_errors and row.errors):
        margin = f"{target.limit / value:.1f}× margin" if value > 0 else "no cost at all"
        return f"**met**: {shown}{errors} (limit {limit}, {margin})"
    if value > target.limit:
        return f"**missed**: {shown}{errors} (limit {limit}, {value / target.limit:.2f}× too much)"
    return f"**missed**: {shown}{errors} (limit {limit}, and no request may fail)"


def targets_table(rows: Sequence[Comparison], targets: Sequence[Target] = ISSUE_9) -> str:
    """The targets as one Markdown table: measure, geodash, naive peer, ratio, target, met or missed."""
    lines = ["| target | geodash | naive peer | ratio | limit | met? |", "|---|---|---|---|---|---|"]
    for target in targets:
        found = _ratio(target, rows)
        note = ""
        if not found and target.n is not None:
            # A smaller run (--quick): show the largest city measured with a peer, and say so.
            candidates = [r for r in rows if r.kind == target.kind
                          and (target.absolute or r.naive is not None)]
            if candidates:
                best = max(candidates, key=lambda r: (r.n, -r.m))
                found = _ratio(replace(target, n=best.n, m=best.m), rows)
                note = f"; at {best.n:,} areas, not {target.n:,}"
        if not found:
            lines.append(f"| {target.label} | — | — | — | {_limit(target)} | not measured |")
        for row, value in found:
            text = verdict(target, row, value)
            word = text.split("**")[1] if text.startswith("**") else text
            detail = text.split("(", 1)[1].rstrip(")").split(", ", 1)[-1] if "(" in text else ""
            naive = row.naive.text() if row.naive else "—"
            lines.append(f"| {target.label} | {row.geodash.text()} | {naive} | {fmt_ratio(row.ratio)} "
                         f"| {_limit(target, row)} | {word}{f' ({detail}{note})' if detail else note} |")
    return "\n".join(lines)


def _limit(target: Target, row: Comparison | None = None) -> str:
    if target.absolute:
        shown = _shown(target.limit, row.geodash) if row else f"{target.limit:g}"
        return f"≤ {shown}" + (", 0 errors" if target.no_errors else "")
    return f"≤ {fmt_ratio(target.limit)}"


def check_targets(rows: Sequence[Comparison], targets: Sequence[Target] = TARGETS) -> list[str]:
    """One Markdown list item per target and size: met or missed, and by how much."""
    lines = []
    for target in targets:
        found = _ratio(target, rows)
        if not found:
            needs = f" (needs --sizes {target.n}{f' --sites {target.m}' if target.m else ''})" \
                if target.n else ""
            lines.append(f"- {target.label}: **not measured** in this run{needs}.")
            continue
        for row, ratio in found:
            where = f" ({row.m:,} sites in the workspace)" if target.over_kind else ""
            lines.append(f"- {target.label}{where}: {verdict(target, row, ratio)}")
    return lines
