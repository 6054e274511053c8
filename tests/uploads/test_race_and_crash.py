"""Many processes and kill -9: the workspace lock and atomic writes lose nothing and leave no debris.

Two (or three) processes accept versions of one layer at the same moment;
afterwards every version any of them was told was accepted is the current
file or in that layer's history, verified by SHA-256. A process killed at
random moments while accepting leaves a whole data file, a history whose
every entry matches its hash, and after the next start no ``.part`` file
and no half-staged upload.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import INDICATORS_CSV

from geodash.uploads import LayerHistory, StagedUploads, recover_workspace, staging_root
from geodash.uploads.staging import CLAIMED, _read

WORKER = Path(__file__).with_name("accept_worker.py")
ROOT = Path(__file__).resolve().parents[2]
ROUNDS = int(os.environ.get("GEODASH_RACE_ROUNDS", "100"))
KILLS = int(os.environ.get("GEODASH_CRASH_ROUNDS", "20"))

STEPS = ("kept previous version", "kept new version", "wrote temporary file", "renamed", "staged")

pytestmark = pytest.mark.slow


def start_worker(workspace: Path, worker: int, rounds: int, log: Path, workers: int = 1) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, str(WORKER), str(workspace), str(worker), str(rounds),
                             str(log), str(workers)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def wait_for(predicate, timeout: float, what: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if process.poll() is not None:
            raise AssertionError(f"the worker ended: {process.stderr.read().decode()[-2000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.001)


def sha_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_history_whole(workspace: Path) -> LayerHistory:
    history = LayerHistory(workspace, "data/ind.csv")
    for entry in history.entries():
        assert sha_file(history.path_of(entry)) == entry.sha256, entry
    return history


def test_processes_accepting_one_layer_at_once_lose_no_version(grid_workspace, tmp_path):
    (grid_workspace / "layers/workspace.toml").write_text(
        'kind = "workspace"\n[history]\nkeep_versions = 0\n', encoding="utf-8")
    logs = [tmp_path / f"p{w}.log" for w in (1, 2)]
    # Each round both stage, meet at a barrier, then accept at the same moment.
    workers = [start_worker(grid_workspace, w, ROUNDS, log, 2) for w, log in zip((1, 2), logs, strict=True)]
    for worker in workers:
        _, err = worker.communicate(timeout=900)
        assert worker.returncode == 0, err.decode()[-2000:]

    accepted = [line.split()[1] for log in logs for line in log.read_text().splitlines()
                if line.startswith("accepted")]
    history = assert_history_whole(grid_workspace)
    kept = {entry.sha256 for entry in history.entries()}
    current = sha_file(grid_workspace / "data/ind.csv")
    lost = [h for h in accepted if h not in kept and h != current]
    assert len(accepted) == 2 * ROUNDS and len(set(accepted)) == 2 * ROUNDS
    assert lost == []
    # one entry per accept plus the original: no accept overwrote another's history entry
    assert len(history.entries()) == 2 * ROUNDS + 1
    assert history.current().sha256 == current
    assert not list(grid_workspace.rglob("*.part"))


def test_kill_9_at_random_moments_leaves_whole_files_and_no_debris(grid_workspace, tmp_path):
    original = hashlib.sha256(INDICATORS_CSV.encode("cp1252")).hexdigest()
    rng = random.Random(13)
    landed = Counter()
    for round_ in range(KILLS):
        log = tmp_path / f"kill{round_}.log"
        log.touch()
        worker = start_worker(grid_workspace, 3 + round_, 0, log)
        try:
            wait_for(lambda: "ready" in log.read_text(), 120, "the worker to load the workspace",  # noqa: B023
                     worker)
            if round_ % 2:
                # Right after a step: most of the time is validation, where a random moment lands.
                step = f"step {STEPS[round_ // 2 % len(STEPS)]}"
                wait_for(lambda: step in log.read_text(), 120, step, worker)  # noqa: B023
            else:
                time.sleep(rng.uniform(0.0, 1.5))
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=60)
        lines = log.read_text().splitlines()
        last = lines[-1].split(" ", 1)
        landed[{"ready": "loading", "accepted": "between accepts"}.get(last[0], last[-1])] += 1

        # The next start: what the app does before it serves (see Uploads.recover).
        recover_workspace(grid_workspace)
        StagedUploads(staging_root(grid_workspace)).recover()

        history = assert_history_whole(grid_workspace)
        current = sha_file(grid_workspace / "data/ind.csv")
        assert current in {e.sha256 for e in history.entries()} | {original}
        assert not list(grid_workspace.rglob("*.part"))
        root = staging_root(grid_workspace)
        leftovers = list(root.iterdir()) if root.exists() else []
        # Only whole staged uploads may wait (for an editor to accept them); nothing half-made.
        assert all(_read(f) is not None and not f.name.startswith(CLAIMED) for f in leftovers), leftovers
        assert not root.exists() or leftovers  # never an empty staging folder
    print(f"kill -9 landed during: {dict(landed)}")
    assert sum(landed.values()) == KILLS
