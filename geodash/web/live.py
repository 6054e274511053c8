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

Staged uploads and the upload service itself live in :mod:`geodash.uploads`
(the workspace's ``.geodash/staging/``, found by an opaque token the browser
keeps in a ``dcc.Store``); every worker process finds what another staged.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from geodash.catalog import load_catalog
from geodash.dataset import Dataset
from geodash.errors import GeodashError
from geodash.sources import source_for

# The upload service lives in geodash.uploads; these names are kept here for the web's imports.
from geodash.uploads import Accepted, StagedReport, StagedUpload, StagedUploads, Uploads  # noqa: F401

log = logging.getLogger(__name__)



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


# How often a worker asks a database layer whether it changed (one cheap query per layer): an
# edit accepted by another worker or another editor shows up within this time.
DATABASE_CHECK_S = 10.0


def _database_layers(workspace: Path) -> tuple:
    """(spec, location) of every layer the workspace reads from a database."""
    try:
        catalog = load_catalog(workspace)
    except GeodashError:
        return ()
    return tuple((spec, catalog.path(spec)) for _, spec in catalog.layers
                 if getattr(spec, "database", None) is not None)


def _database_markers(layers: tuple) -> tuple | None:
    """Each database layer's change marker, or ``None`` when a database does not answer."""
    try:
        return tuple(source_for(spec, path).change_marker(spec, path) for spec, path in layers)
    except (GeodashError, OSError) as exc:
        log.warning("Could not ask the database whether a layer changed: %s", exc)
        return None


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
        self._databases = _database_layers(Path(dataset.workspace))
        self._markers = _database_markers(self._databases) if self._databases else ()
        self._next_check = time.monotonic() + DATABASE_CHECK_S
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
        self._databases = _database_layers(Path(dataset.workspace))
        self._markers = _database_markers(self._databases) if self._databases else ()
        self._failed = None
        return dataset

    def _database_changed(self) -> bool:
        """Whether a database layer changed since the last load (asked at most every few seconds)."""
        if not self._databases or time.monotonic() < self._next_check:
            return False
        self._next_check = time.monotonic() + DATABASE_CHECK_S
        markers = _database_markers(self._databases)
        return markers is not None and markers != self._markers

    def refresh(self) -> bool:
        """Reload when a file of the workspace changed on disk since the last load.

        Another worker process may have accepted an upload, or someone ran
        ``geodash restore``. A workspace that no longer loads is logged once and
        the current Dataset kept. A layer kept in a database is asked for its
        change marker at most every :data:`DATABASE_CHECK_S` seconds. Returns
        whether a new Dataset became current.
        """
        database_changed = self._database_changed()
        if not database_changed and _signature(self._current) in (self._signature, self._failed):
            return False  # the usual case: a few stat calls, no lock
        with self._lock:
            signature = _signature(self._current)
            if not database_changed and signature in (self._signature, self._failed):
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
