"""Serve the default workspace: ``python app.py``, or ``gunicorn app:server`` in production."""

from __future__ import annotations

import os

from geodash.web import create_app
from geodash.workspace import load_workspace

app = create_app(load_workspace(os.environ.get("GEODASH_WORKSPACE") or None))
server = app.server

if __name__ == "__main__":
    host = os.environ.get("GEODASH_HOST", "127.0.0.1")
    port = int(os.environ.get("GEODASH_PORT", "8050"))
    print(f"geodash serves {app.title} at http://{host}:{port}/", flush=True)
    app.run(host=host, port=port)
