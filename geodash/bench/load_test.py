"""Load test: concurrent users on a running geodash server, on loopback only.

Run a server, then the test::

    pip install -e ".[serve]"
    gunicorn --preload -w 2 -b 127.0.0.1:8050 app:server      # one terminal
    python -m geodash.bench.load_test --url http://127.0.0.1:8050 --users 50 --seconds 60

``--preload`` loads the Dataset once in the master process before the
workers fork, so the workers share its memory pages instead of each loading
a copy. (``python app.py`` works too, but Flask's development server is not
meant for load.)

Each simulated user holds one HTTP connection (re-opened whenever the server
closes it, as gunicorn's sync workers do after each answer) and repeatedly POSTs the map
page's indicator-switch callback to ``/_dash-update-component``, with the
request body the Dash renderer sends (``output``, ``outputs``, ``inputs``,
``changedPropIds``, ``state``), switching to the next indicator each time.
The callback and the controls' current values are discovered from the
server itself (``/_dash-dependencies`` and the page the router builds), so
the test follows the page when its ids change. A browser would afterwards
also call the router callback for the new URL; that cheap call is not
simulated.

``--mix realistic`` lets every user go through a mix of what people do, in a
fixed order (:data:`REALISTIC`): page loads of every page (Karte, Profil,
Vergleich, Abdeckung, Daten: the HTML, ``/_dash-layout``,
``/_dash-dependencies`` and the router callback that builds the page; the
scripts are assumed cached), indicator switches, and profile openings (the
router building the profile of one area, as after a click on the map).
``--mix switch`` (the default) only switches indicators. Latency is reported
per kind of action; a page load's latency covers its four requests.

The test is bounded: at most ``--users`` requests in flight, at most
``--seconds`` seconds and ``--max-requests`` requests, and it refuses any
host but this machine. It prints requests per second, p50/p95/p99 latency
and the errors, and exits with status 1 when there were errors. Only the
standard library is used (``asyncio`` with ``http.client`` in threads).

By default every user clicks again the moment an answer arrives: a stress
test whose latency is mostly queueing (Little's law: users ÷ throughput).
``--think 1`` lets each user look at the map for a second between switches.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from geodash.bench.dash_requests import (
    DEPENDENCIES_PATH,
    FIGURE,
    ROUTER,
    TRIGGER,
    UPDATE_PATH,
    LoadTestError,
    Server,
    SwitchCalls,
    body_for,
    component_props,
    discover,
    find_callback,
    request,
)

MAX_USERS = 200
MAX_SECONDS = 600.0
MAX_REQUESTS = 1_000_000
LAYOUT_PATH = "/_dash-layout"
PROFILE_PATH = "/profil"
PROFILE_DROPDOWN = "profil-gebiet"  # its options are the areas a profile can be opened for
PAGES = ("/", "/profil", "/vergleich", "/abdeckung", "/daten")
# One user's round: 5 switches, 2 profile openings, 5 page loads (every page once).
REALISTIC = ("switch", "switch", "profile", "page /", "switch", "page /profil", "switch", "profile",
             "page /vergleich", "switch", "page /abdeckung", "page /daten")


@dataclass(frozen=True)
class Step:
    """One request of an action, and what its answer must carry (an output id) to count as good."""

    method: str
    path: str
    body: dict | None = None
    expect: str | None = None


@dataclass(frozen=True)
class Action:
    """What a user does in one go (a switch, a page load, a profile opening): one or more requests."""

    kind: str
    steps: tuple[Step, ...]


@dataclass
class Tally:
    """What the users did: latencies of good actions by kind, errors by kind."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    sent: int = 0

    @property
    def all_latencies(self) -> list[float]:
        """Every good action's latency, whatever its kind."""
        return [t for times in self.latencies.values() for t in times]


def percentiles(latencies: Sequence[float]) -> tuple[float, float, float] | None:
    """p50, p95 and p99 in seconds (inclusive method), or ``None`` below two values."""
    if len(latencies) < 2:
        return None
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def perform(conn: http.client.HTTPConnection, action: Action) -> str | None:
    """Run one action's requests in turn; ``None`` if every answer was good, else what went wrong."""
    for step in action.steps:
        status, raw = request(conn, step.method, step.path, step.body)
        if status != 200:
            return f"{action.kind}: HTTP {status}"
        if step.expect is not None:
            try:
                answer = json.loads(raw)
            except ValueError:
                return f"{action.kind}: answer is not JSON"
            if step.expect not in answer.get("response", {}):
                return f"{action.kind}: answer without {step.expect}"
    return None


def switch_actions(server: Server, calls: SwitchCalls) -> list[Action]:
    """One switch to each of the map's indicators in turn."""
    path = server.prefix + UPDATE_PATH
    return [Action("switch", (Step("POST", path, calls.body(indicator), calls.figure_id),))
            for indicator in calls.indicators]


def router_step(server: Server, router: dict, pathname: str, search: str = "") -> Step:
    """The router callback as the renderer sends it for a new URL (nothing rendered before)."""
    values = {f"{d['id']}.{d['property']}": {"pathname": pathname, "search": search}.get(d["property"])
              for d in [*router["inputs"], *router.get("state", [])]}
    changed = [f"{d['id']}.{d['property']}" for d in router["inputs"] if d["property"] == "pathname"][:1]
    return Step("POST", server.prefix + UPDATE_PATH, body_for(router, values, changed),
                ROUTER.split(".")[0])


def page_action(server: Server, router: dict, pathname: str) -> Action:
    """A full page load with the scripts cached: HTML, layout, dependencies, the page's content."""
    gets = [Step("GET", server.prefix + p) for p in (pathname, LAYOUT_PATH, DEPENDENCIES_PATH)]
    return Action(f"page {pathname}", (*gets, router_step(server, router, pathname)))


def area_keys(server: Server, router: dict, timeout: float = 60.0) -> list[str]:
    """The keys of the areas a profile can be opened for, from the profile page's dropdown."""
    conn = server.connect(timeout)
    try:
        step = router_step(server, router, PROFILE_PATH)
        status, raw = request(conn, step.method, step.path, step.body)
    finally:
        conn.close()
    if status != 200:
        raise LoadTestError(f"building the profile page answered {status}: {raw[:200]!r}")
    options = component_props(json.loads(raw).get("response", {})).get(PROFILE_DROPDOWN, {}).get("options")
    keys = [o["value"] for o in options or [] if isinstance(o, dict) and isinstance(o.get("value"), str)]
    if not keys:
        raise LoadTestError(f"the profile page has no areas in {PROFILE_DROPDOWN!r}")
    return keys


def realistic_actions(server: Server, calls: SwitchCalls, timeout: float = 60.0) -> list[Action]:
    """The actions of :data:`REALISTIC`, switches and profiles cycling through indicators and areas."""
    conn = server.connect(timeout)
    try:
        status, raw = request(conn, "GET", server.prefix + DEPENDENCIES_PATH)
    finally:
        conn.close()
    router = find_callback(json.loads(raw), ROUTER)
    keys = area_keys(server, router, timeout)
    switches = switch_actions(server, calls)
    actions = []
    for i, kind in enumerate(REALISTIC):
        if kind == "switch":
            actions.append(switches[i % len(switches)])
        elif kind == "profile":
            key = keys[(i * 7919) % len(keys)]  # spread over the areas, deterministically
            actions.append(Action("profile", (router_step(server, router, PROFILE_PATH,
                                                          f"?gebiete={key}"),)))
        else:
            actions.append(page_action(server, router, kind.split(" ", 1)[1]))
    return actions


MIXES = {"switch": lambda server, calls, timeout: switch_actions(server, calls),
         "realistic": realistic_actions}


async def user(number: int, server: Server, actions: Sequence[Action], tally: Tally, deadline: float,
               max_requests: int, timeout: float, think: float, pool: ThreadPoolExecutor) -> None:
    """One user: go through ``actions`` on one connection until time or the request budget runs out.

    After each answer the user looks at the page for ``think`` seconds (0: acts again at once).
    """
    loop = asyncio.get_running_loop()
    conn = server.connect(timeout)
    step = number
    try:
        while time.perf_counter() < deadline and tally.sent < max_requests:
            action = actions[step % len(actions)]
            tally.sent += len(action.steps)
            step += 1
            start = time.perf_counter()
            try:
                problem = await loop.run_in_executor(pool, perform, conn, action)
            except (OSError, http.client.HTTPException) as exc:
                problem = f"{action.kind}: {type(exc).__name__}"
                conn.close()
                conn = server.connect(timeout)
            if problem is None:
                tally.latencies[action.kind].append(time.perf_counter() - start)
            else:
                tally.errors[problem] += 1
            if think > 0:
                await asyncio.sleep(think)
    finally:
        conn.close()


async def run_load(server: Server, actions: Sequence[Action], *, users: int, seconds: float,
                   max_requests: int, timeout: float, think: float = 0.0) -> tuple[Tally, float]:
    """Run ``users`` users for ``seconds``; return the tally and the seconds it really took."""
    tally = Tally()
    with ThreadPoolExecutor(max_workers=users, thread_name_prefix="user") as pool:
        start = time.perf_counter()
        deadline = start + seconds
        tasks = [user(i, server, actions, tally, deadline, max_requests, timeout, think, pool)
                 for i in range(users)]
        # The last requests may still be in flight at the deadline: allow them one timeout.
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=seconds + timeout + 5)
        return tally, time.perf_counter() - start


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def summary(tally: Tally, elapsed: float, users: int, mix: str, think: float = 0.0) -> str:
    """The result as a small Markdown table (all actions, then each kind), with the errors by kind."""
    errors = sum(tally.errors.values())
    pause = f"{think:g} s between a user's actions" if think > 0 else "no pause between actions"
    lines = [
        f"Mix `{mix}` ({pause}); latency of whole actions (a page load = 4 requests; a switch = 1)",
        "",
        "| users | seconds | actions | errors | actions/s | p50 | p95 | p99 | max | kind |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for kind, times in [("all", tally.all_latencies), *sorted(tally.latencies.items())]:
        cuts = percentiles(times)
        p50, p95, p99 = (_ms(c) for c in cuts) if cuts else ("n/a",) * 3
        wrong = errors if kind == "all" else sum(n for k, n in tally.errors.items()
                                                 if k.startswith(f"{kind}:"))
        slowest = _ms(max(times)) if times else "n/a"
        lines.append(f"| {users} | {elapsed:.1f} | {len(times) + wrong} | {wrong} | "
                     f"{(len(times) + wrong) / elapsed:.1f} | {p50} | {p95} | {p99} | {slowest} | {kind} |")
    if tally.errors:
        lines += ["", "Errors: " + ", ".join(f"{kind} × {n}" for kind, n in tally.errors.most_common())]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """The load test's options."""
    parser = argparse.ArgumentParser(
        prog="python -m geodash.bench.load_test",
        description="Simulate users of a geodash server on this machine.")
    parser.add_argument("--url", default="http://127.0.0.1:8050",
                        help="the server, on loopback only (default: %(default)s)")
    parser.add_argument("--users", type=int, default=50, help="concurrent users (default: 50)")
    parser.add_argument("--seconds", type=float, default=60.0, help="duration (default: 60)")
    parser.add_argument("--mix", choices=sorted(MIXES), default="switch",
                        help="switch: indicator switches only; realistic: page loads of every page, "
                        "switches and profile openings (default: %(default)s)")
    parser.add_argument("--max-requests", type=int, default=100_000,
                        help="stop after this many requests (default: 100000)")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds before one request counts as failed (default: 30)")
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds a user waits after each answer before acting again "
                        "(default: 0, every user acts again at once: a stress test)")
    parser.add_argument("--warmup", type=int, default=10,
                        help="untimed actions before the test (default: 10)")
    parser.add_argument("--figure", default=FIGURE,
                        help="output of the switch callback (default: %(default)s)")
    parser.add_argument("--trigger", default=TRIGGER, help="input the user changes (default: %(default)s)")
    return parser


def check_bounds(users: int, seconds: float, think: float, max_requests: int) -> None:
    """Refuse a test that is not bounded as documented."""
    if not 1 <= users <= MAX_USERS:
        raise LoadTestError(f"`--users` was {users} but is expected to be 1–{MAX_USERS}")
    if not 0 < seconds <= MAX_SECONDS:
        raise LoadTestError(f"`--seconds` was {seconds} but is expected to be in (0, {MAX_SECONDS:g}]")
    if not 0 <= think <= seconds:
        raise LoadTestError(f"`--think` was {think} but is expected to be 0–{seconds:g}")
    if not 1 <= max_requests <= MAX_REQUESTS:
        raise LoadTestError(f"`--max-requests` was {max_requests} but is expected to be 1–{MAX_REQUESTS:,}")


def prepare(server: Server, mix: str, *, figure: str = FIGURE, trigger: str = TRIGGER,
            timeout: float = 30.0, warmup: int = 10) -> list[Action]:
    """Discover the callbacks, build the mix's actions and run ``warmup`` of them untimed."""
    calls = discover(server, figure=figure, trigger=trigger, timeout=timeout)
    actions = MIXES[mix](server, calls, timeout)
    conn = server.connect(timeout)
    try:
        for i in range(warmup):
            perform(conn, actions[i % len(actions)])
    finally:
        conn.close()
    return actions


def main(argv: Sequence[str] | None = None) -> int:
    """Run the load test; exit status 0 without errors, 1 with errors, 2 when it cannot run."""
    args = build_parser().parse_args(argv)
    try:
        check_bounds(args.users, args.seconds, args.think, args.max_requests)
        server = Server.from_url(args.url)
        actions = prepare(server, args.mix, figure=args.figure, trigger=args.trigger,
                          timeout=args.timeout, warmup=args.warmup)
    except (LoadTestError, OSError, http.client.HTTPException, ValueError) as exc:
        print(f"load test: {exc}", file=sys.stderr)
        return 2
    print(f"load test: {args.users} users for {args.seconds:g} s against {args.url} ({args.mix}) …",
          file=sys.stderr, flush=True)
    tally, elapsed = asyncio.run(run_load(server, actions, users=args.users, seconds=args.seconds,
                                          max_requests=args.max_requests, timeout=args.timeout,
                                          think=args.think))
    print(summary(tally, elapsed, args.users, args.mix, args.think))
    return 1 if tally.errors else 0


if __name__ == "__main__":
    sys.exit(main())
