"""Accept and restore: the only two ways an upload service changes a workspace's data files.

Both run under the workspace lock (:mod:`geodash.uploads.lock`) as one step
"validate against the workspace as it is now → keep in the history → rename":

1. the candidate (a staged upload, or a verified history copy) is validated
   with the rest of the workspace as it is while locked;
2. the file there now is kept in its history if the history does not hold it
   yet (the first version, or one changed by hand), then the candidate is
   kept as a new version with who accepted it and from which upload;
3. the candidate is written beside the data file and renamed over it.

A crash at any moment leaves the data file whole (old or new), a history
whose every manifest entry names a whole copy, and at most ``.part`` files
that :func:`recover_workspace` removes at the next start.
"""

from __future__ import annotations

import getpass
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from geodash.catalog import DatabaseLocation, Settings, load_catalog
from geodash.errors import DataError, ParameterError
from geodash.uploads.atomic import remove_parts, sha256_file, write_atomic
from geodash.uploads.history import LayerHistory, Version, histories, migrate_legacy
from geodash.uploads.lock import workspace_lock
from geodash.uploads.staging import (
    UploadPreview,
    discard_upload,
    file_layers,
    layer_of_file,
    validate_staged,
)

Step = Callable[[str], None]


@dataclass(frozen=True)
class Change:
    """What an accept or restore did: the version now current and the one it replaced."""

    data_file: str
    current: Version
    previous: Version | None  # None when the file did not exist before
    kept_in: str = ""  # a database layer: the history table holding the replaced rows

    @property
    def kept(self) -> str:
        """Where the replaced version is kept, relative to the workspace (or the history table)."""
        if self.kept_in:
            return self.kept_in
        entry = self.previous or self.current
        return f"history/{self.data_file}/{entry.file}"


def command_line_user() -> str:
    """Who runs a command: the operating-system user, marked as such in the manifest."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = str(os.getuid())
    return f"{name} (command line)"


def accept_upload(preview: UploadPreview, workspace: str | Path, *, by: str, upload: str = "",
                  after_step: Step | None = None) -> Change:
    """Write a staged upload into the workspace, keeping every version in the layer's history.

    Parameters
    ----------
    preview
        The staged upload (from :func:`~geodash.uploads.stage_upload`).
    workspace
        The workspace folder.
    by
        Who accepts it (recorded in the manifest).
    upload
        The upload's file name as the user knows it (recorded in the manifest).
    after_step
        Called with the name of each step done (tests use it to inject a crash).

    Raises
    ------
    DataError
        When the upload no longer fits the workspace as it is now.
    """
    change = accept_staged(workspace, preview.layer_file, preview.staged, by=by, upload=upload,
                           after_step=after_step)
    discard_upload(preview)
    return change


def accept_staged(workspace: str | Path, layer_file: str, staged: Path, *, by: str, upload: str = "",
                  after_step: Step | None = None) -> Change:
    """Accept a file that passed the upload checks when it was staged (see :func:`accept_upload`).

    Under the workspace lock it is validated against the workspace as it is
    now, kept in the history and renamed over the layer's data file.
    """
    with workspace_lock(workspace):
        fresh = validate_staged(workspace, layer_file, staged)
        if isinstance(fresh.target, DatabaseLocation):
            return _commit_to_database(fresh.target, staged, by=by, upload=upload)
        return _commit(Path(workspace), fresh.target, staged, by=by, upload=upload,
                       action="accepted", after_step=after_step)


def _commit_to_database(target: DatabaseLocation, staged: Path, *, by: str, upload: str) -> Change:
    """Replace a database layer's rows in one transaction; the previous rows go to its history table.

    The database's own transaction and table lock keep two editors (and workers) from losing
    each other's changes (see :func:`geodash.sources.postgis_history.replace_rows`).
    """
    from geodash.sources import read_vector
    from geodash.sources.postgis_history import history_table, replace_rows

    rows = replace_rows(target, read_vector(staged), by or "geodash")
    now = datetime.now(UTC)
    current = Version(version=now.strftime("%Y%m%dT%H%M%S%fZ"), file="", time=now.isoformat(),
                      size=rows, sha256="", by=by, upload=upload)
    return Change(str(target), current, None, kept_in=history_table(target.table))


def restore_version(workspace: str | Path, data_file: str, version: str | None = None, *,
                    by: str | None = None) -> Change:
    """Put a kept version of a data file back; the version it replaces stays in the history.

    The copy's SHA-256 is checked against the manifest and the workspace
    validated with it before anything changes.

    Parameters
    ----------
    workspace
        The workspace folder.
    data_file
        The data file as its spec names it, e.g. ``geodata/indikatoren.csv``.
    version
        The version (id or file name from ``geodash restore --list``); default
        the newest version that differs from the file as it is now.
    by
        Who restores it (default: the operating-system user of a command line).

    Raises
    ------
    ParameterError
        When there is no such file or version.
    DataError
        When the copy is damaged (naming it and ``--version``) or does not
        fit the workspace.
    """
    workspace = Path(workspace)
    history = LayerHistory(workspace, data_file)
    with workspace_lock(workspace):
        catalog = load_catalog(workspace)
        layer_file = layer_of_file(catalog, history.data_file)
        entries = history.entries()
        if version is not None:
            entry = history.find(version)
        else:
            now = sha256_file(history.target) if history.target.is_file() else None
            entry = next((e for e in reversed(entries) if e.sha256 != now), None)
            if entry is None:
                raise ParameterError(f"there is no previous version of {history.data_file!r}.",
                                     fix="check the file name (as in the layer spec); "
                                     f"`geodash history list {workspace}` shows what is kept.")
        copy = history.verify(entry)
        with tempfile.TemporaryDirectory(prefix="geodash-restore-") as tmp:
            staged = Path(tmp) / f"upload{history.target.suffix}"
            write_atomic(staged, copy)
            try:
                fresh = validate_staged(workspace, layer_file, staged, catalog=catalog)
            except DataError as exc:
                raise DataError(f"(version {entry.version}) does not fit the workspace as it is now: "
                                f"{exc.problem}".replace(str(staged), history.relative(copy)),
                                file=history.relative(copy), where=exc.where,
                                fix="restore another version with --version, or fix the other "
                                "layer first.") from exc
            return _commit(workspace, fresh.target, staged, by=by or command_line_user(),
                           upload=entry.version, action="restored", after_step=None)


def _commit(workspace: Path, target: Path, source: Path, *, by: str, upload: str, action: str,
            after_step: Step | None) -> Change:
    """Keep the current and the new version in the history, then rename; the lock is held."""
    history = LayerHistory(workspace, target)
    entries = history.entries()
    previous = history.current(entries)
    if previous is None and target.is_file():
        # The first version, or one changed by hand: keep it before it is replaced.
        how = "original" if not entries else "changed outside geodash"
        previous = history.add(target, by="", action=how)
    _step(after_step, "kept previous version")
    current = history.add(source, by=by, upload=upload, action=action)
    _step(after_step, "kept new version")
    write_atomic(target, source, before_rename=lambda: _step(after_step, "wrote temporary file"))
    _step(after_step, "renamed")
    _prune(workspace, history)
    return Change(history.data_file, current, previous)


def _prune(workspace: Path, history: LayerHistory) -> list[Version]:
    settings = _settings(workspace)
    return history.prune(keep_versions=settings.history.keep_versions,
                         keep_days=settings.history.keep_days)


def _settings(workspace: Path) -> Settings:
    return load_catalog(workspace).settings


def _step(callback: Step | None, name: str) -> None:
    if callback is not None:
        callback(name)


def prune_history(workspace: str | Path) -> dict[str, list[Version]]:
    """Apply the workspace's retention settings to every history; the versions deleted per file."""
    workspace = Path(workspace)
    with workspace_lock(workspace):
        return {h.data_file: _prune(workspace, h) for h in histories(workspace)}


def recover_workspace(workspace: str | Path) -> list[str]:
    """Clean what an interrupted accept or restore left behind; call it at start.

    Under the lock no write is under way, so every ``.part`` file beside a
    data file or in a history is debris, and so is a history copy no manifest
    entry names. The old flat ``geodata/history/`` is moved into the per-file
    histories. Returns notes on what was left in place.
    """
    workspace = Path(workspace)
    catalog = load_catalog(workspace)
    data_files = [Path(s.file).as_posix() for _, s in file_layers(catalog)]
    with workspace_lock(workspace):
        for _, spec in file_layers(catalog):
            target = catalog.path(spec)
            remove_parts(target.parent, target.name)
        for history in histories(workspace):
            history.clean()
        return migrate_legacy(workspace, data_files)


def history_versions(workspace: str | Path, data_file: str) -> list[Path]:
    """The kept copies of a data file, newest first."""
    history = LayerHistory(workspace, data_file)
    return [history.path_of(e) for e in reversed(history.entries())]
