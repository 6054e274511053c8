"""Load test: concurrent users switching indicators on a running geodash server, on loopback only.

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
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from geodash.bench.dash_requests import (
    FIGURE,
    TRIGGER,
    UPDATE_PATH,
    LoadTestError,
    Server,
    SwitchCalls,
    discover,
    request,
)

MAX_USERS = 200
MAX_SECONDS = 600.0
MAX_REQUESTS = 1_000_000


@dataclass
class Tally:
    """What the users did: latencies of good answers, errors by kind."""

    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    sent: int = 0


def switch_once(conn: http.client.HTTPConnection, path: str, body: dict, figure_id: str
                ) -> str | None:
    """One switch; ``None`` if the answer carries the new figure, else what went wrong."""
    status, raw = request(conn, "POST", path, body)
    if status != 200:
        return f"HTTP {status}"
    try:
        answer = json.loads(raw)
    except ValueError:
        return "answer is not JSON"
    if figure_id not in answer.get("response", {}):
        return "answer without the figure"
    return None


async def user(number: int, server: Server, calls: SwitchCalls, tally: Tally, deadline: float,
               max_requests: int, timeout: float, think: float, pool: ThreadPoolExecutor) -> None:
    """One user: switch indicators on one connection until time or the request budget runs out.

    After each answer the user looks at the map for ``think`` seconds (0: clicks again at once).
    """
    loop = asyncio.get_running_loop()
    figure_id = calls.figure_id
    conn = server.connect(timeout)
    path = server.prefix + UPDATE_PATH
    step = number
    try:
        while time.perf_counter() < deadline and tally.sent < max_requests:
            tally.sent += 1
            step += 1
            body = calls.body(calls.indicators[step % len(calls.indicators)])
            start = time.perf_counter()
            try:
                problem = await loop.run_in_executor(pool, switch_once, conn, path, body, figure_id)
            except (OSError, http.client.HTTPException) as exc:
                problem = type(exc).__name__
                conn.close()
                conn = server.connect(timeout)
            if problem is None:
                tally.latencies.append(time.perf_counter() - start)
            else:
                tally.errors[problem] += 1
            if think > 0:
                await asyncio.sleep(think)
    finally:
        conn.close()


async def run_load(server: Server, calls: SwitchCalls, *, users: int, seconds: float,
                   max_requests: int, timeout: float, think: float = 0.0) -> tuple[Tally, float]:
    """Run ``users`` users for ``seconds``; return the tally and the seconds it really took."""
    tally = Tally()
    with ThreadPoolExecutor(max_workers=users, thread_name_prefix="user") as pool:
        start = time.perf_counter()
        deadline = start + seconds
        tasks = [user(i, server, calls, tally, deadline, max_requests, timeout, think, pool)
                 for i in range(users)]
        # The last requests may still be in flight at the deadline: allow them one timeout.
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=seconds + timeout + 5)
        return tally, time.perf_counter() - start


def summary(tally: Tally, elapsed: float, users: int, calls: SwitchCalls, think: float = 0.0) -> str:
    """The result as a small Markdown table, with the errors by kind."""
    done = len(tally.latencies)
    errors = sum(tally.errors.values())
    if done >= 2:
        cuts = statistics.quantiles(tally.latencies, n=100, method="inclusive")
        p50, p95, p99 = (f"{cuts[i] * 1000:.0f} ms" for i in (49, 94, 98))
        slowest = f"{max(tally.latencies) * 1000:.0f} ms"
    else:
        p50 = p95 = p99 = slowest = "n/a"
    lines = [
        f"Indicator switches ({len(calls.indicators)} indicators in turn, "
        + (f"{think:g} s between a user's switches" if think > 0 else "no pause between switches")
        + f") against `{calls.callback['output'][:60]}…`",
        "",
        "| users | seconds | requests | errors | requests/s | p50 | p95 | p99 | max |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| {users} | {elapsed:.1f} | {done + errors} | {errors} | {(done + errors) / elapsed:.1f} "
        f"| {p50} | {p95} | {p99} | {slowest} |",
    ]
    if tally.errors:
        lines += ["", "Errors: " + ", ".join(f"{kind} × {n}" for kind, n in tally.errors.most_common())]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """The load test's options."""
    parser = argparse.ArgumentParser(
        prog="python -m geodash.bench.load_test",
        description="Simulate users switching indicators on a geodash server on this machine.")
    parser.add_argument("--url", default="http://127.0.0.1:8050",
                        help="the server, on loopback only (default: %(default)s)")
    parser.add_argument("--users", type=int, default=50, help="concurrent users (default: 50)")
    parser.add_argument("--seconds", type=float, default=60.0, help="duration (default: 60)")
    parser.add_argument("--max-requests", type=int, default=100_000,
                        help="stop after this many requests (default: 100000)")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds before one request counts as failed (default: 30)")
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds a user waits after each answer before switching again "
                        "(default: 0, every user clicks again at once: a stress test)")
    parser.add_argument("--warmup", type=int, default=10,
                        help="untimed switches before the test (default: 10)")
    parser.add_argument("--figure", default=FIGURE,
                        help="output of the switch callback (default: %(default)s)")
    parser.add_argument("--trigger", default=TRIGGER, help="input the user changes (default: %(default)s)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the load test; exit status 0 without errors, 1 with errors, 2 when it cannot run."""
    args = build_parser().parse_args(argv)
    try:
        if not 1 <= args.users <= MAX_USERS:
            raise LoadTestError(f"`--users` was {args.users} but is expected to be 1–{MAX_USERS}")
        if not 0 < args.seconds <= MAX_SECONDS:
            raise LoadTestError(f"`--seconds` was {args.seconds} but is expected to be in "
                                f"(0, {MAX_SECONDS:g}]")
        if not 0 <= args.think <= args.seconds:
            raise LoadTestError(f"`--think` was {args.think} but is expected to be 0–{args.seconds:g}")
        if not 1 <= args.max_requests <= MAX_REQUESTS:
            raise LoadTestError(f"`--max-requests` was {args.max_requests} but is expected to be "
                                f"1–{MAX_REQUESTS:,}")
        server = Server.from_url(args.url)
        calls = discover(server, figure=args.figure, trigger=args.trigger, timeout=args.timeout)
        conn = server.connect(args.timeout)
        for i in range(args.warmup):
            request(conn, "POST", server.prefix + UPDATE_PATH,
                    calls.body(calls.indicators[i % len(calls.indicators)]))
        conn.close()
    except (LoadTestError, OSError, http.client.HTTPException, ValueError) as exc:
        print(f"load test: {exc}", file=sys.stderr)
        return 2
    print(f"load test: {args.users} users for {args.seconds:g} s against {args.url} …",
          file=sys.stderr, flush=True)
    tally, elapsed = asyncio.run(run_load(server, calls, users=args.users, seconds=args.seconds,
                                          max_requests=args.max_requests, timeout=args.timeout,
                                          think=args.think))
    print(summary(tally, elapsed, args.users, calls, args.think))
    return 1 if tally.errors else 0


if __name__ == "__main__":
    sys.exit(main())
