"""A separate process that accepts uploads into a workspace (driven by the race and crash tests).

Usage: ``python accept_worker.py WORKSPACE WORKER ROUNDS LOG [WORKERS]``. Accepts
ROUNDS versions of the grid's indicator table (ROUNDS 0: until killed) through
the upload service, as editor ``p<WORKER>``, appending one line per event to
LOG: ``ready``, ``step <name>`` and ``accepted <sha256>`` after each accept
returned. With WORKERS, every round waits until all WORKERS have staged their
upload (files in LOG's folder) so that the accepts start at the same moment.
"""

from __future__ import annotations

import hashlib
import itertools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests folder, for conftest

from conftest import INDICATORS_CSV  # noqa: E402

from geodash.uploads import User, accept_upload, stage_upload  # noqa: E402
from geodash.uploads.service import Uploads  # noqa: E402
from geodash.workspace import load_workspace  # noqa: E402


class StaticLive:
    """The service's view of the data; reloading is not what these tests measure."""

    def __init__(self, dataset):
        self.current = dataset

    def reload(self):
        return self.current


def version_csv(n: int) -> bytes:
    return INDICATORS_CSV.replace("2.100", str(n)).encode("cp1252")


def barrier(folder: Path, round_: int, worker: int, workers: int) -> None:
    """Wait (at most a minute) until every worker has reached this round."""
    (folder / f"round{round_}-p{worker}").touch()
    deadline = time.monotonic() + 60
    while len(list(folder.glob(f"round{round_}-p*"))) < workers and time.monotonic() < deadline:
        time.sleep(0.001)


def main(workspace: str, worker: int, rounds: int, log_path: str, workers: int = 1) -> None:
    log = open(log_path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 - open until killed
    dataset = load_workspace(workspace, cache=False)
    service = Uploads(StaticLive(dataset), enabled=True)
    user = User(f"p{worker}", "editor")
    log.write("ready\n")
    counter = range(rounds) if rounds else itertools.count()
    for i in counter:
        data = version_csv(100_000 * worker + i)
        if rounds:  # the race: the service's own stage and accept
            staged = service.stage("indicators.toml", f"r{i}.csv", data, user=user)
            barrier(Path(log_path).parent, i, worker, workers)
            service.accept(staged.token, user=user)
        else:  # the crash loop: every step logged, so the test knows where the kill landed
            token, folder = service.staging.new("indicators.toml", f"r{i}.csv")
            log.write("step staging\n")
            preview = stage_upload(workspace, "indicators.toml", data, staging=folder)
            log.write("step staged\n")
            accept_upload(preview, workspace, by=user.name, upload=f"r{i}.csv",
                          after_step=lambda step: log.write(f"step {step}\n"))
            service.staging.remove(token)
        log.write(f"accepted {hashlib.sha256(data).hexdigest()}\n")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4],
         int(sys.argv[5]) if len(sys.argv) > 5 else 1)
