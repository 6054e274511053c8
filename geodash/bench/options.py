"""The benchmark's command-line options, shared by ``geodash bench`` and ``python -m geodash.bench``.

Kept free of heavy imports so that ``geodash --help`` stays fast.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

SIZES = (15, 500, 5_000, 20_000)
SITES = (100, 10_000, 1_000_000)
QUICK_MAX_AREAS = 500
QUICK_MAX_SITES = 10_000
LOAD_SITES = 10_000  # sites in each load workspace; the largest city also loads the most sites
LOOP_SECONDS = 10.0
REPEATS = 3
SERVED_MAX_AREAS = 5_000  # the served steps (start-up, HTTP, browser, load) run at the largest size ≤ this


@dataclass(frozen=True)
class BenchOptions:
    """What to measure: city sizes, site counts, where to write the table."""

    sizes: tuple[int, ...] = SIZES
    sites: tuple[int, ...] = SITES
    output: Path | None = None
    loop_seconds: float = LOOP_SECONDS
    workdir: Path | None = None
    seed: int = 6
    repeats: int = REPEATS
    served: bool = True
    browser: bool = True
    port_base: int = 0
    load_users: int = 50
    load_seconds: float = 30.0
    served_timeout: float = 900.0
    play: tuple[Path, ...] = ()  # workspaces whose map is played through its years
    play_only: bool = False

    @property
    def served_size(self) -> int | None:
        """The city size at which the served steps run: the largest ≤ 5,000 areas."""
        fitting = [n for n in self.sizes if n <= SERVED_MAX_AREAS]
        return max(fitting) if fitting and self.served else None

    @property
    def load_sites(self) -> int:
        """Sites in the workspace of every size's load step."""
        return min(LOAD_SITES, max(self.sites))


def _counts(text: str) -> tuple[int, ...]:
    try:
        values = tuple(sorted({int(v.replace("_", "")) for v in text.split(",") if v.strip()}))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of whole numbers like 15,500") from None
    if not values or min(values) < 2:
        raise argparse.ArgumentTypeError(f"{text!r}: give numbers of at least 2, separated by commas")
    return values


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give at least 1")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the benchmark's options to a parser."""
    parser.add_argument("--sizes", type=_counts, default=SIZES, metavar="N,N,…",
                        help="numbers of areas of the synthetic cities (default: 15,500,5000,20000)")
    parser.add_argument("--sites", type=_counts, default=SITES, metavar="M,M,…",
                        help="numbers of sites to locate (default: 100,10000,1000000)")
    parser.add_argument("--quick", action="store_true",
                        help=f"only sizes ≤ {QUICK_MAX_AREAS} areas and ≤ {QUICK_MAX_SITES:,} sites "
                        "(about a minute)")
    parser.add_argument("-o", "--output", type=Path, help="also write the table as Markdown to FILE")
    parser.add_argument("--loop-seconds", type=float, default=LOOP_SECONDS,
                        help="time budget of the naive per-site loop per city (default: %(default)s)")
    parser.add_argument("--workdir", type=Path,
                        help="folder for the synthetic workspaces (default: the system's temporary "
                        "folder); they are removed afterwards")
    parser.add_argument("--seed", type=int, default=6, help="seed of the synthetic cities")
    parser.add_argument("--repeats", type=_positive, default=REPEATS,
                        help="runs of every step, for geodash and its naive peer alike; the median "
                        "is reported (default: %(default)s)")
    parser.add_argument("--no-served", dest="served", action="store_false",
                        help="skip the steps on running servers (start-up, HTTP, browser, load)")
    parser.add_argument("--no-browser", dest="browser", action="store_false",
                        help="skip headless Chromium (time to the drawn map and the repaint)")
    parser.add_argument("--port-base", type=int, default=0,
                        help="first port tried for the servers on 127.0.0.1 (default: any free port)")
    parser.add_argument("--load-users", type=_positive, default=50,
                        help="users of the load tests (default: %(default)s)")
    parser.add_argument("--load-seconds", type=float, default=None,
                        help="seconds of each load test (default: 30; 10 with --quick)")
    parser.add_argument("--play", type=Path, action="append", default=[], metavar="WORKSPACE",
                        help="also play the map through the years on this workspace (repeatable; "
                        "e.g. the demo and a real city): every year fetched once against one "
                        "server callback per step")
    parser.add_argument("--play-only", action="store_true",
                        help="only the --play case (default workspace: the demo)")
    parser.add_argument("--served-timeout", type=float, default=900.0,
                        help="seconds a server may take to answer, a browser to paint "
                        "(default: %(default)s)")


def options_from_args(args: argparse.Namespace) -> BenchOptions:
    """The options of parsed arguments; ``--quick`` caps the sizes and site counts."""
    sizes, sites = tuple(args.sizes), tuple(args.sites)
    if args.quick:
        sizes = tuple(n for n in sizes if n <= QUICK_MAX_AREAS) or (QUICK_MAX_AREAS,)
        sites = tuple(m for m in sites if m <= QUICK_MAX_SITES) or (QUICK_MAX_SITES,)
    load_seconds = args.load_seconds if args.load_seconds is not None else (10.0 if args.quick else 30.0)
    return BenchOptions(sizes=sizes, sites=sites, output=args.output,
                        loop_seconds=args.loop_seconds, workdir=args.workdir, seed=args.seed,
                        repeats=args.repeats, served=args.served, browser=args.browser,
                        port_base=args.port_base, load_users=args.load_users,
                        load_seconds=load_seconds, served_timeout=args.served_timeout,
                        play=tuple(getattr(args, "play", None) or ()),
                        play_only=bool(getattr(args, "play_only", False)))
