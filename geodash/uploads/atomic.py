"""The one way geodash writes a file that must never be seen half-written.

A temporary ``.part`` file in the target's own folder (so the rename never
crosses a file system), flushed and fsynced, renamed over the target, and the
folder fsynced so that the rename itself survives a power cut. A crash at any
moment leaves either the old file or the new one, and at most a ``.part`` file
that :func:`remove_parts` clears at the next start.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

PART = ".part"
CHUNK = 1024 * 1024


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (renames, new files) to disk."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: str | Path, source: bytes | Path, *, mode: int | None = None,
                 before_rename: Callable[[], None] | None = None) -> Path:
    """Write ``source`` (bytes, or a file to copy) to ``path`` so that no reader sees it half-written.

    Parameters
    ----------
    path
        The file to write or replace.
    source
        The new content: bytes, or the path of a file whose content is copied.
    mode
        Permission bits of the new file (default: those ``mkstemp`` gives, 0600).
    before_rename
        Called after the temporary file is complete and synced, before the
        rename (tests use it to inject a crash).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=PART)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(source, bytes | bytearray | memoryview):
                handle.write(source)
            else:
                with open(source, "rb") as original:
                    shutil.copyfileobj(original, handle, CHUNK)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp_name, mode)
        if before_rename is not None:
            before_rename()
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    fsync_folder(path.parent)
    return path


def sha256_file(path: str | Path) -> str:
    """The SHA-256 hex digest of a file's content, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def remove_parts(folder: Path, name: str | None = None) -> list[Path]:
    """Delete the ``.part`` files an interrupted :func:`write_atomic` left in ``folder``.

    Only call this while no write can be under way (holding the workspace
    lock). With ``name``, only the parts of that file are removed.
    """
    if not folder.is_dir():
        return []
    pattern = f".{name}.*{PART}" if name else f".*{PART}"
    removed = []
    for part in folder.glob(pattern):
        if part.is_file():
            part.unlink(missing_ok=True)
            removed.append(part)
    return removed
