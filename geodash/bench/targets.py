"""The targets of issue 6, checked against the comparisons measured in the same run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from geodash.bench.results import Comparison, fmt_ratio


@dataclass(frozen=True)
class Target:
    """At most ``limit`` for the ratio of the comparisons of ``kind`` at ``n`` areas (and ``m`` sites)."""

    label: str
    kind: str
    n: int
    limit: float
    m: int | None = None
    # For a target on geodash alone (warm ÷ cold): the kind whose geodash figure divides.
    over_kind: str | None = None


TARGETS = (
    Target("indicator switch, bytes, 5,000 areas: ≤ 1/20 of the tutorial pattern",
           "switch_bytes", 5_000, 1 / 20),
    Target("indicator switch, server time, 5,000 areas: ≤ 1/10 of the tutorial pattern",
           "switch_time", 5_000, 1 / 10),
    Target("first map page, bytes, 5,000 areas: ≤ 1/2 of explore()", "page_bytes", 5_000, 1 / 2),
    Target("1,000,000 sites into 5,000 areas: locate_sites no slower than sjoin", "join", 5_000,
           1.0, m=1_000_000),
    Target("1,000,000 sites into 5,000 areas: ≥ 50× faster per site than the loop", "loop_per_site",
           5_000, 1 / 50, m=1_000_000),
    Target("warm start (cache) at 20,000 areas: ≤ 1/5 of the cold start", "load_warm", 20_000, 1 / 5,
           over_kind="load_cold"),
)


def _ratio(target: Target, rows: Sequence[Comparison]) -> list[tuple[Comparison, float]]:
    found = [r for r in rows if r.kind == target.kind and r.n == target.n
             and (target.m is None or r.m == target.m)]
    if target.over_kind is None:
        return [(r, r.ratio) for r in found]
    pairs = []
    for row in found:
        over = next((o for o in rows if o.kind == target.over_kind and o.n == row.n and o.m == row.m),
                    None)
        if over is not None:
            pairs.append((row, row.geodash.value / over.geodash.value))
    return pairs


def check_targets(rows: Sequence[Comparison]) -> list[str]:
    """One Markdown list item per target and size: met or missed, and by how much."""
    lines = []
    for target in TARGETS:
        found = _ratio(target, rows)
        if not found:
            lines.append(f"- {target.label}: **not measured** in this run (needs --sizes "
                         f"{target.n}{f' --sites {target.m}' if target.m else ''}).")
            continue
        for row, ratio in found:
            where = f" ({row.m:,} sites in the workspace)" if target.over_kind else ""
            if ratio <= target.limit:
                verdict = (f"**met**: {fmt_ratio(ratio)} (limit {fmt_ratio(target.limit)}, "
                           f"{target.limit / ratio:.1f}× margin)")
            else:
                verdict = (f"**missed**: {fmt_ratio(ratio)} (limit {fmt_ratio(target.limit)}, "
                           f"{ratio / target.limit:.2f}× too much)")
            lines.append(f"- {target.label}{where}: {verdict}")
    return lines
