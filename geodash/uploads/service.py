"""The upload service of a running app: stage, accept, discard and restore, each for an editor only.

The web layer calls nothing else to change data. Every method that changes
something takes the :class:`~geodash.uploads.users.User` who asks and refuses
anyone but an editor with an :class:`~geodash.errors.AccessError` before it
reads a byte; the history manifest records the editor's name.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from geodash.dataset import Dataset, LayerInfo
from geodash.errors import AccessError, DataError, GeodashError, ParameterError
from geodash.findings import Finding
from geodash.uploads.accept import Change, accept_staged, recover_workspace, restore_version
from geodash.uploads.checks import ALLOWED, DEFAULT_MAX_BYTES, display_name
from geodash.uploads.history import LayerHistory, Version
from geodash.uploads.staging import StagedUploads, as_upload_error, stage_upload, staging_root
from geodash.uploads.users import User

log = logging.getLogger(__name__)


class Live(Protocol):
    """What the service needs of the app's data: the current Dataset, and a way to load it again."""

    @property
    def current(self) -> Dataset: ...  # noqa: D102

    def reload(self) -> Dataset: ...  # noqa: D102


@dataclass(frozen=True)
class StagedReport:
    """What the page shows about a staged upload: what was read and what validation found."""

    token: str
    layer_file: str
    kind: str
    data_file: str
    name: str
    rows: int
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class Accepted:
    """An upload written into the workspace; every version is kept in the layer's history."""

    layer_file: str
    data_file: str
    kept: str  # the replaced version's history copy, relative to the workspace
    version: str = ""  # the new version's id in the history
    by: str = ""


def require_editor(user: User | None, what: str = "change data") -> User:
    """``user`` when they are an editor; else an AccessError (401 anonymous, 403 viewer)."""
    if user is None:
        raise AccessError(f"only a logged-in editor may {what}.", fix="log in (Anmelden) as an editor.")
    if not user.can_edit:
        raise AccessError(f"{user.name} is a {user.role} and may not {what}.", logged_in=True,
                          fix="ask whoever runs the dashboard for the editor role.")
    return user


class Uploads:
    """Uploads into the running workspace: stage, then accept or discard; refused when switched off.

    Parameters
    ----------
    live
        The app's current Dataset; it is reloaded after an accept or restore.
    enabled
        Whether this app takes uploads at all (off for a public deployment).
    max_bytes
        The size limit of one upload.
    staging
        Where staged uploads wait (default: the workspace's ``.geodash/staging/``).
    """

    def __init__(self, live: Live, *, enabled: bool = False,
                 max_bytes: int = DEFAULT_MAX_BYTES, staging: StagedUploads | None = None) -> None:
        self.live = live
        self.enabled = enabled
        self.max_bytes = max_bytes
        self.staging = staging or (StagedUploads(staging_root(self.workspace)) if enabled else None)
        if enabled:
            self.recover()

    @property
    def workspace(self) -> Path:
        """The workspace folder the uploads go into."""
        return Path(self.live.current.workspace)

    def recover(self) -> None:
        """Remove what crashed processes left (``.part`` files, half-staged uploads)."""
        for note in recover_workspace(self.workspace):
            log.warning("Old history file not migrated: %s", note)
        if self.staging is not None:
            self.staging.recover()

    def layers(self) -> tuple[LayerInfo, ...]:
        """The layers an upload may replace: the indicator tables and site lists, in spec order."""
        return tuple(layer for layer in self.live.current.layers if layer.kind in ALLOWED)

    def require_enabled(self) -> StagedUploads:
        """The staging folder; raises ParameterError when uploads are switched off."""
        if not self.enabled or self.staging is None:
            raise ParameterError("uploads are switched off for this dashboard.",
                                 fix="start it with `geodash serve --uploads` (or GEODASH_UPLOADS=1).")
        return self.staging

    def stage(self, layer_file: str, name: str, data: bytes, *, user: User | None) -> StagedReport:
        """Validate an upload with the whole workspace and keep it until it is accepted or discarded.

        Raises
        ------
        GeodashError
            When uploads are off, ``user`` is no editor, or the upload is
            refused (too large, wrong kind, unsafe, or invalid with the rest
            of the workspace).
        """
        staging = self.require_enabled()
        require_editor(user, "upload data")
        layers = {layer.spec_file: layer for layer in self.layers()}
        if layer_file not in layers:
            raise ParameterError(f"the layer {layer_file!r} does not take uploads.",
                                 fix=f"choose one of {', '.join(layers) or '(none)'}.")
        token, folder = staging.new(layer_file, display_name(name))
        try:
            preview = stage_upload(self.workspace, layer_file, data, max_bytes=self.max_bytes,
                                   staging=folder, name=name)
        except BaseException:
            staging.remove(token)
            raise
        layer = layers[layer_file]
        return StagedReport(token, layer_file, layer.kind, layer.data_file, display_name(name),
                            preview.rows, preview.findings)

    def accept(self, token: str | None, *, user: User | None) -> Accepted:
        """Write a staged upload into the workspace and serve the reloaded Dataset.

        Under the workspace lock the upload is validated once more against the
        workspace as it is (another worker may have accepted an upload since it
        was staged), kept in the history with ``user``'s name, and renamed
        over the data file; then the workspace is loaded again and the new
        Dataset becomes current when that load succeeds.

        Raises
        ------
        GeodashError
            When uploads are off, ``user`` is no editor, the token finds
            nothing (expired, accepted or discarded), or the upload no longer
            fits the workspace.
        """
        staging = self.require_enabled()
        editor = require_editor(user, "accept uploads")
        staged = staging.claim(token)
        if staged is None:
            raise ParameterError("this upload is no longer waiting (it was accepted or discarded, "
                                 "or is older than an hour).", fix="upload the file again.")
        try:
            # The content checks passed when it was staged; validation against the workspace as it
            # is now happens under the lock.
            change = accept_staged(self.workspace, staged.layer_file, staged.file, by=editor.name,
                                   upload=staged.name)
        except DataError as exc:
            raise as_upload_error(exc, staged.folder, staged.name) from exc
        except OSError as exc:
            # The data file stays as it was until the final rename.
            raise DataError(f"could not be written into the workspace ({exc.strerror or exc}); "
                            "nothing was changed.", file=staged.name,
                            fix="check the free disk space and the permissions of the workspace "
                            "folder, then upload again.") from exc
        finally:
            staging.release(staged)
        self._reload(change)
        return Accepted(staged.layer_file, change.data_file, change.kept, change.current.version,
                        editor.name)

    def discard(self, token: str | None) -> None:
        """Drop a staged upload; the workspace was never touched."""
        if self.staging is not None:
            self.staging.remove(token)

    def versions(self, data_file: str) -> list[Version]:
        """The kept versions of a data file, newest first."""
        return list(reversed(LayerHistory(self.workspace, data_file).entries()))

    def restore(self, data_file: str, version: str | None, *, user: User | None) -> Change:
        """Put a kept version back (see :func:`~geodash.uploads.restore_version`), for an editor."""
        self.require_enabled()
        editor = require_editor(user, "restore data")
        change = restore_version(self.workspace, data_file, version, by=editor.name)
        self._reload(change)
        return change

    def _reload(self, change: Change) -> None:
        try:
            self.live.reload()
        except GeodashError as exc:
            raise DataError(f"was written, but the workspace does not load again: {exc.message}",
                            file=change.data_file,
                            fix=f"restore the previous version: geodash restore {change.data_file}") \
                from exc
