"""What a running app holds between requests: the current Dataset, and the uploads its users staged.

Why a holder at all
-------------------
A Dataset is built once, validated whole and never mutated. An accepted
upload therefore does not change the Dataset the app serves: it loads the
workspace again into a *new* Dataset and, only when that load succeeded
completely, makes it the current one. :class:`LiveDataset` is that switch;
the one thing that ever changes is which Dataset is current.

The page modules take a ``dataset`` in ``layout(dataset, state)`` and close
over it in ``register_callbacks(app, dataset)``. Rather than teach every page
about the switch, the factory hands them a :class:`DatasetProxy`: it forwards
every attribute to the holder's current Dataset. Within one request it keeps
forwarding to the same Dataset (it pins it on ``flask.g``), so a callback never
mixes the old and the new data; the next request, and so the next page load,
sees the new one.

Staged uploads live in a temporary folder of the app, one folder per upload,
found through an opaque token (``secrets.token_urlsafe``) that the browser
keeps in a ``dcc.Store``. The token never names a path: its folder is named
after the token's SHA-256 digest, and a token that is malformed, unknown or
older than the time limit finds nothing. Keeping the register on disk, not
in a dict, lets every worker of ``gunicorn --preload`` (which share the
folder the master created) accept what another worker staged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from geodash.dataset import Dataset, LayerInfo
from geodash.errors import DataError, GeodashError, ParameterError
from geodash.findings import Finding
from geodash.uploads import ALLOWED, DEFAULT_MAX_BYTES, accept_upload, display_name, stage_upload

log = logging.getLogger(__name__)

STAGED_TTL_S = 3600  # a staged upload not accepted within an hour is dropped
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,64}")


def _signature(dataset: Dataset) -> tuple:
    """Name, size and modification time of every spec and data file the Dataset was read from."""
    workspace = Path(dataset.workspace)
    files = [workspace / "layers" / "workspace.toml"]
    for layer in dataset.layers:
        files += [workspace / "layers" / layer.spec_file, workspace / layer.data_file]
    return tuple(_stat(path) for path in files)


def _stat(path: Path) -> tuple:
    try:
        info = path.stat()
    except OSError:
        return (str(path), None, None)
    return (str(path), info.st_size, info.st_mtime_ns)


class LiveDataset:
    """The Dataset an app serves now; replaced whole, never changed.

    Parameters
    ----------
    dataset
        The Dataset the app starts with.
    load
        Builds a new Dataset of the same workspace (default
        :func:`geodash.workspace.load_workspace` of ``dataset.workspace``).
    prepare
        Called with a new Dataset before it becomes current, to compute its
        cached analyses so that the first click after a reload does not wait.
    """

    def __init__(self, dataset: Dataset, load: Callable[[], Dataset] | None = None,
                 prepare: Callable[[Dataset], None] | None = None) -> None:
        self._current = dataset
        self._load = load or _workspace_loader(dataset.workspace)
        self._prepare = prepare
        self._lock = threading.Lock()
        self._signature = _signature(dataset)
        self._failed: tuple | None = None

    @property
    def current(self) -> Dataset:
        """The Dataset served to new requests."""
        return self._current

    def reload(self) -> Dataset:
        """Load the workspace again and make the result current.

        Raises
        ------
        GeodashError
            When the workspace does not load; the current Dataset stays.
        """
        with self._lock:
            return self._reload()

    def _reload(self) -> Dataset:
        dataset = self._load()  # raises before anything changed
        if self._prepare is not None:
            self._prepare(dataset)
        self._current = dataset
        self._signature = _signature(dataset)
        self._failed = None
        return dataset

    def refresh(self) -> bool:
        """Reload when a file of the workspace changed on disk since the last load.

        Another worker process may have accepted an upload, or someone ran
        ``geodash restore``. A workspace that no longer loads is logged once and
        the current Dataset kept. Returns whether a new Dataset became current.
        """
        if _signature(self._current) in (self._signature, self._failed):
            return False  # the usual case: a few stat calls, no lock
        with self._lock:
            signature = _signature(self._current)
            if signature in (self._signature, self._failed):
                return False  # another request reloaded meanwhile
            try:
                self._reload()
            except GeodashError as exc:
                self._failed = signature
                log.warning("The workspace changed on disk but does not load; still serving the "
                            "previous data: %s", exc.message)
                return False
        return True


def _workspace_loader(workspace: Path) -> Callable[[], Dataset]:
    def load() -> Dataset:
        from geodash.workspace import SERVE_ANALYSES, load_workspace

        # The analyses the pages need are kept in the cache, so the next start reads them.
        return load_workspace(workspace, analyses=SERVE_ANALYSES)
    return load


class DatasetProxy:
    """Stands for the current Dataset of a :class:`LiveDataset`: attribute reads go to it.

    Read-only: setting an attribute is an error, as it would be on a Dataset.
    """

    __slots__ = ("_live",)

    def __init__(self, live: LiveDataset) -> None:
        object.__setattr__(self, "_live", live)

    def _target(self) -> Dataset:
        from flask import g, has_app_context

        live = object.__getattribute__(self, "_live")
        if not has_app_context():
            return live.current
        key = f"geodash_dataset_{id(live)}"
        if key not in g:
            setattr(g, key, live.current)  # one Dataset for the whole request
        return getattr(g, key)

    def __getattr__(self, name: str):
        return getattr(self._target(), name)

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError("a Dataset is never changed; load a new one instead")

    def __repr__(self) -> str:
        return f"DatasetProxy({self._target().workspace})"


@dataclass(frozen=True)
class StagedUpload:
    """An upload that passed validation and waits to be accepted or discarded."""

    layer_file: str
    name: str
    folder: Path
    created: float

    @property
    def data(self) -> bytes:
        """The uploaded bytes, as stored."""
        return next(self.folder.glob("upload.*")).read_bytes()


class StagedUploads:
    """Staged uploads on disk, found by token, dropped after ``ttl`` seconds.

    Parameters
    ----------
    root
        The folder to keep them in (default: a new temporary folder, removed
        when the creating process ends).
    ttl
        Seconds a staged upload is kept.
    """

    def __init__(self, root: Path | None = None, *, ttl: float = STAGED_TTL_S) -> None:
        if root is None:
            root = Path(tempfile.mkdtemp(prefix="geodash-staged-"))
            # Only the process that created the folder removes it: forked workers share it.
            weakref.finalize(self, _remove_if_owner, root, os.getpid())
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.ttl = ttl

    def _folder(self, token: str) -> Path | None:
        if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
            return None
        return self.root / hashlib.sha256(token.encode("ascii")).hexdigest()

    def new(self, layer_file: str, name: str) -> tuple[str, Path]:
        """A new token and the empty folder its upload is staged in."""
        self.sweep()
        token = secrets.token_urlsafe(32)
        folder = self._folder(token)
        folder.mkdir(mode=0o700)
        meta = {"layer_file": layer_file, "name": name, "created": time.time()}
        (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        return token, folder

    def get(self, token: str | None) -> StagedUpload | None:
        """The staged upload of ``token``, or ``None`` if there is none (or it expired)."""
        folder = self._folder(token) if token else None
        if folder is None or not folder.is_dir():
            return None
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        staged = StagedUpload(meta["layer_file"], meta["name"], folder, meta["created"])
        if time.time() - staged.created > self.ttl or not any(folder.glob("upload.*")):
            self.remove(token)
            return None
        return staged

    def remove(self, token: str | None) -> None:
        """Forget a staged upload and delete its files (nothing happens for an unknown token)."""
        folder = self._folder(token) if token else None
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    def sweep(self) -> None:
        """Delete the staged uploads older than the time limit."""
        limit = time.time() - self.ttl
        for folder in self.root.iterdir() if self.root.is_dir() else ():
            try:
                expired = folder.stat().st_mtime < limit
            except OSError:
                continue
            if expired:
                shutil.rmtree(folder, ignore_errors=True)


def _remove_if_owner(root: Path, owner: int) -> None:
    if os.getpid() == owner:
        shutil.rmtree(root, ignore_errors=True)


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
    """An upload written into the workspace; the previous file is kept in the history."""

    layer_file: str
    data_file: str
    kept: str  # the previous version, relative to the workspace


class Uploads:
    """Uploads into the running workspace: stage, then accept or discard; refused when switched off.

    Parameters
    ----------
    live
        The app's current Dataset; it is reloaded after an accepted upload.
    enabled
        Whether this app takes uploads at all (off for a public deployment).
    max_bytes
        The size limit of one upload.
    staging
        Where staged uploads wait (default: a new temporary folder, only when enabled).
    """

    def __init__(self, live: LiveDataset, *, enabled: bool = False,
                 max_bytes: int = DEFAULT_MAX_BYTES, staging: StagedUploads | None = None) -> None:
        self.live = live
        self.enabled = enabled
        self.max_bytes = max_bytes
        self.staging = staging or (StagedUploads() if enabled else None)
        self._lock = threading.Lock()

    @property
    def workspace(self) -> Path:
        """The workspace folder the uploads go into."""
        return Path(self.live.current.workspace)

    def layers(self) -> tuple[LayerInfo, ...]:
        """The layers an upload may replace: the indicator tables and site lists, in spec order."""
        return tuple(layer for layer in self.live.current.layers if layer.kind in ALLOWED)

    def require_enabled(self) -> StagedUploads:
        """The staging folder; raises ParameterError when uploads are switched off."""
        if not self.enabled or self.staging is None:
            raise ParameterError("uploads are switched off for this dashboard.",
                                 fix="start it with `geodash serve --uploads` (or GEODASH_UPLOADS=1).")
        return self.staging

    def stage(self, layer_file: str, name: str, data: bytes) -> StagedReport:
        """Validate an upload with the whole workspace and keep it until it is accepted or discarded.

        Raises
        ------
        GeodashError
            When uploads are off, or the upload is refused (too large, wrong
            kind, unsafe, or invalid with the rest of the workspace).
        """
        staging = self.require_enabled()
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

    def accept(self, token: str | None) -> Accepted:
        """Write a staged upload into the workspace and serve the reloaded Dataset.

        The upload is validated once more against the workspace as it is now
        (another upload may have been accepted since it was staged), written
        atomically with the previous version kept, and the workspace loaded
        again; the new Dataset becomes current only when that load succeeds.

        Raises
        ------
        GeodashError
            When uploads are off, the token finds nothing (expired, accepted
            or discarded), or the upload no longer fits the workspace.
        """
        staging = self.require_enabled()
        with self._lock:
            staged = staging.get(token)
            if staged is None:
                raise ParameterError("this upload is no longer waiting (it was accepted or discarded, "
                                     "or is older than an hour).", fix="upload the file again.")
            try:
                preview = stage_upload(self.workspace, staged.layer_file, staged.data,
                                       max_bytes=self.max_bytes, staging=staged.folder, name=staged.name)
                data_file = (preview.target.relative_to(self.workspace).as_posix()
                             if isinstance(preview.target, Path) else str(preview.target))
                kept = accept_upload(preview, self.workspace)
            except OSError as exc:
                # accept_upload leaves the target as it was until its final rename.
                raise DataError(f"could not be written into the workspace ({exc.strerror or exc}); "
                                "nothing was changed.", file=staged.name,
                                fix="check the free disk space and the permissions of the workspace "
                                "folder, then upload again.") from exc
            finally:
                staging.remove(token)
            try:
                self.live.reload()
            except GeodashError as exc:
                raise DataError(f"was written, but the workspace does not load again: {exc.message}",
                                file=data_file,
                                fix=f"restore the previous version: geodash restore {data_file}") from exc
        # A database layer keeps the previous rows in its history table, named instead of a file.
        kept = kept.relative_to(self.workspace).as_posix() if isinstance(kept, Path) else kept
        return Accepted(staged.layer_file, data_file, kept)

    def discard(self, token: str | None) -> None:
        """Drop a staged upload; the workspace was never touched."""
        if self.staging is not None:
            self.staging.remove(token)
