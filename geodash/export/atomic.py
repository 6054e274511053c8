"""Write a whole file or nothing: a temporary file beside the target, fsynced, then renamed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from geodash.errors import ParameterError


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` so that a reader sees the old file or the whole new one.

    Parameters
    ----------
    path
        The file to write; its folder is created when missing.
    data
        The complete content.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    path = Path(path)
    if path.is_dir():
        raise ParameterError("is a folder, not a file name.", file=path,
                             fix="name the file to write, e.g. karte.pdf.")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return path
