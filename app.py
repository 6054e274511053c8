"""Serve the default workspace: ``python app.py``, or ``gunicorn app:server`` in production.

Environment: ``GEODASH_WORKSPACE`` (another workspace), ``GEODASH_UPLOADS=1`` (let
users upload new tables on the Daten page; off by default, read-only),
``GEODASH_UPLOAD_MAX_MB`` (size limit of one upload, default 50),
``GEODASH_PUBLIC=1`` (serve only the public offer finder at ``/angebote/``),
``GEODASH_HOST`` and ``GEODASH_PORT`` (for ``python app.py``).
"""

from __future__ import annotations

import logging
import os
import time

from geodash import progress
from geodash.uploads import MB
from geodash.web import create_app
from geodash.web.public.app import create_public_app
from geodash.workspace import SERVE_ANALYSES, load_workspace

# The load's progress lines go through `logging` (logger "geodash.progress"). Show them on
# stderr unless logging is configured already (gunicorn --log-config, a test runner): then
# the root logger's handlers get them, at the level configured there.
if not logging.getLogger().handlers and not logging.getLogger("geodash.progress").handlers:
    progress.log_to_stderr(prefix="geodash [%(process)d]: ")
_start = time.perf_counter()
_public = os.environ.get("GEODASH_PUBLIC") == "1"
_dataset = load_workspace(os.environ.get("GEODASH_WORKSPACE") or None,
                          analyses=("areas_display",) if _public else SERVE_ANALYSES)
with progress.step("built the app"):
    app = create_public_app(_dataset) if _public else create_app(
        _dataset,
        uploads=os.environ.get("GEODASH_UPLOADS") == "1",
        upload_max_bytes=int(float(os.environ.get("GEODASH_UPLOAD_MAX_MB") or 50) * MB),
    )
progress.report(f"ready after {time.perf_counter() - _start:.1f} s")
server = app.server

if __name__ == "__main__":
    host = os.environ.get("GEODASH_HOST", "127.0.0.1")
    port = int(os.environ.get("GEODASH_PORT", "8050"))
    print(f"geodash serves {app.title} at http://{host}:{port}/", flush=True)
    app.run(host=host, port=port)
