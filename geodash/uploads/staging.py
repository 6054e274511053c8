"""Staging: an upload checked by content and validated with the whole workspace, changing nothing.

:func:`stage_upload` writes the bytes into a staging folder and builds the
Dataset the workspace would have with them. :class:`StagedUploads` keeps staged
uploads on disk under an opaque token until they are accepted or discarded,
in the workspace's ``.geodash/staging/`` so that every worker process finds
them and the next start finds what a crash left behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import tempfile
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

from geodash.catalog import Catalog, IndicatorsSpec, SitesSpec, load_catalog
from geodash.dataset import Dataset, build_dataset
from geodash.errors import DataError, ParameterError
from geodash.uploads.atomic import PART, write_atomic
from geodash.uploads.checks import (
    ALLOWED,
    DEFAULT_MAX_BYTES,
    MB,
    SUFFIX,
    check_gpkg,
    check_zip,
    detect_content,
    display_name,
)
from geodash.uploads.lock import instance_dir

STAGED_TTL_S = 3600  # a staged upload not accepted within an hour is dropped
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,64}")
CLAIMED = ".accepting-"  # a staged upload one process is accepting: <prefix><digest>-<pid>


@dataclass(frozen=True)
class UploadPreview:
    """A validated upload, staged but not yet in the workspace."""

    layer_file: str
    kind: str
    content_type: str
    staged: Path
    target: Path
    dataset: Dataset
    rows: int

    @property
    def findings(self):
        """What the validation repaired, left out or noticed (only this layer's file)."""
        return tuple(f for f in self.dataset.report.findings if f.file in ("", self.staged.name,
                                                                             str(self.staged)))


def stage_upload(
    workspace: str | Path,
    layer_file: str,
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    staging: Path | None = None,
    name: str = "upload",
) -> UploadPreview:
    """Check an upload and validate the workspace as it would be with it, changing nothing.

    Parameters
    ----------
    workspace
        The workspace folder.
    layer_file
        The spec file name of the layer to replace (e.g. ``indikatoren.toml``).
    data
        The uploaded bytes. The upload's own file name is never used as a path.
    max_bytes
        The size limit.
    staging
        Where to keep the staged file (default: a new temporary folder).
    name
        The upload's file name, shown in messages only.

    Raises
    ------
    DataError
        When the upload is too large, of a kind the layer does not take, unsafe,
        or fails validation with the rest of the workspace.

    """
    folder = staging or Path(tempfile.mkdtemp(prefix="geodash-upload-"))
    try:
        return _stage(workspace, layer_file, data, max_bytes=max_bytes, folder=folder)
    except BaseException as exc:
        # A refused upload leaves nothing behind, not even in the staging folder.
        if staging is None:
            shutil.rmtree(folder, ignore_errors=True)
        if isinstance(exc, DataError):
            raise as_upload_error(exc, folder, display_name(name)) from exc
        raise


def as_upload_error(exc: DataError, folder: Path, shown: str) -> DataError:
    """Name the upload as the user knows it, never by the server's temporary path."""
    if not (exc.file in ("upload", None) or (exc.file and Path(exc.file).name.startswith("upload."))):
        return exc
    problem = exc.problem
    for suffix in SUFFIX.values():
        problem = problem.replace(str(folder / f"upload{suffix}"), shown)
    return DataError(problem, file=shown, where=exc.where, fix=exc.fix)


# A database layer takes vector files whose properties are named as the table's columns.
DATABASE_CONTENT = ("geojson", "gpkg", "zip")


def _stage(workspace, layer_file, data, *, max_bytes, folder: Path) -> UploadPreview:
    if len(data) > max_bytes:
        raise DataError(f"is {len(data) / MB:.1f} MB, more than the limit of {max_bytes / MB:.0f} MB.",
                        file="upload", fix="upload a smaller file, or raise the limit.")
    if not data:
        raise DataError("is empty.", file="upload", fix="choose the file again.")
    catalog = load_catalog(workspace)
    spec_path, spec = _uploadable(catalog, layer_file)
    content = detect_content(data)
    if content not in ALLOWED[spec.kind]:
        raise DataError(f"is {content.upper()}, but the layer {layer_file} takes "
                        f"{', '.join(c.upper() for c in ALLOWED[spec.kind])}.", file="upload",
                        fix="upload the right file for this layer.")
    if content == "zip":
        check_zip(data, max_bytes=max_bytes)
    if content == "gpkg":
        check_gpkg(data)
    target = catalog.path(spec)
    if spec.database is not None:
        if content not in DATABASE_CONTENT:
            raise DataError(f"is {content.upper()}, but {layer_file} is kept in a database, which takes "
                            "GeoJSON, GeoPackage or a zipped Shapefile with the table's column names.",
                            file="upload", fix="upload the layer as GeoJSON (e.g. exported from QGIS).")
    elif SUFFIX[content] != target.suffix.lower():
        # The spec names the file; a different format would need a new spec.
        raise DataError(f"is {content.upper()}, but {layer_file} names {spec.file!r}.", file="upload",
                        fix=f"upload a {target.suffix} file, or change the spec's file first.")
    staged = folder / f"upload{SUFFIX[content]}"
    try:
        write_atomic(staged, data)
        return validate_staged(workspace, layer_file, staged, catalog=catalog, content=content)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise


def validate_staged(workspace: str | Path, layer_file: str, staged: Path, *,
                    catalog: Catalog | None = None, content: str = "") -> UploadPreview:
    """Build the workspace's Dataset with ``staged`` in place of ``layer_file``'s data file.

    Called when an upload is staged and again, under the workspace lock, when
    it is accepted: another upload may have changed the workspace meanwhile.
    """
    catalog = catalog or load_catalog(workspace)
    spec_path, spec = _uploadable(catalog, layer_file)
    dataset = build_dataset(_with_layer(catalog, spec_path, _respec(spec, staged)))
    rows = next((layer.count for layer in dataset.layers if layer.spec_file == spec_path.name), 0)
    return UploadPreview(layer_file, spec.kind, content or staged.suffix.lstrip("."), staged,
                         catalog.path(spec), dataset, rows)


def uploadable_layers(catalog: Catalog) -> tuple[tuple[Path, IndicatorsSpec | SitesSpec], ...]:
    """The (spec path, spec) of every layer whose kind takes uploads (see ``LayerKind.uploads``)."""
    return tuple((p, s) for p, s in catalog.layers if s.kind in ALLOWED)


def file_layers(catalog: Catalog) -> tuple[tuple[Path, IndicatorsSpec | SitesSpec], ...]:
    """The uploadable layers kept in files (a database layer keeps its history in the database)."""
    return tuple((p, s) for p, s in uploadable_layers(catalog) if s.database is None)


def _uploadable(catalog: Catalog, layer_file: str) -> tuple[Path, IndicatorsSpec | SitesSpec]:
    layers = {p.name: (p, s) for p, s in uploadable_layers(catalog)}
    if layer_file not in layers:
        raise ParameterError(f"the layer {layer_file!r} does not take uploads.",
                             fix=f"choose one of {', '.join(sorted(layers)) or '(none)'}.")
    return layers[layer_file]


def layer_of_file(catalog: Catalog, data_file: str) -> str:
    """The spec file name of the indicators or sites layer whose data file is ``data_file``."""
    wanted = (catalog.workspace / data_file).resolve()
    for spec_path, spec in file_layers(catalog):
        if catalog.path(spec).resolve() == wanted:
            return spec_path.name
    files = sorted(Path(s.file).as_posix() for _, s in file_layers(catalog))
    raise ParameterError(f"{data_file!r} is not the file of an indicators or sites layer.",
                         fix=f"name one of {', '.join(files) or '(none)'}.")


def _respec(spec: IndicatorsSpec | SitesSpec, staged: Path):
    # The staged file lives outside the workspace: point the spec at it by an
    # absolute path, which only this in-memory copy ever holds.
    # A database layer's upload is read as a file with the table's columns and the spec's
    # column names, so the database keys go.
    database = {"database": None, "database_table": None, "query": None, "updated_at": None,
                "checksum": None} if spec.database is not None else {}
    return spec.model_construct(**{**dict(spec), "file": str(staged), **database})


def _with_layer(catalog: Catalog, spec_path: Path, new_spec) -> Catalog:
    return catalog.with_spec(spec_path, new_spec)


def discard_upload(preview: UploadPreview) -> None:
    """Remove a staged upload; the workspace was never touched."""
    shutil.rmtree(preview.staged.parent, ignore_errors=True)


@dataclass(frozen=True)
class StagedUpload:
    """An upload that passed validation and waits to be accepted or discarded."""

    layer_file: str
    name: str
    folder: Path
    created: float

    @property
    def file(self) -> Path:
        """The staged file."""
        return next(p for p in self.folder.glob("upload.*") if not p.name.endswith(PART))

    @property
    def data(self) -> bytes:
        """The uploaded bytes, as stored."""
        return self.file.read_bytes()


def staging_root(workspace: str | Path) -> Path:
    """Where a workspace's staged uploads wait: ``.geodash/staging/`` (created when needed)."""
    return instance_dir(workspace, create=False) / "staging"


class StagedUploads:
    """Staged uploads on disk, found by token, dropped after ``ttl`` seconds.

    The token never names a path: its folder is named after the token's
    SHA-256 digest, and a token that is malformed, unknown or expired finds
    nothing. The root folder exists only while something is staged.

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
        for _ in range(3):  # another process may remove the empty root at this very moment
            self.root.parent.mkdir(parents=True, exist_ok=True)
            self.root.mkdir(mode=0o700, exist_ok=True)
            try:
                folder.mkdir(mode=0o700)
                break
            except FileNotFoundError:
                continue
        meta = {"layer_file": layer_file, "name": name, "created": time.time(), "pid": os.getpid()}
        write_atomic(folder / "meta.json", json.dumps(meta).encode("utf-8"))
        return token, folder

    def get(self, token: str | None) -> StagedUpload | None:
        """The staged upload of ``token``, or ``None`` if there is none (or it expired)."""
        folder = self._folder(token) if token else None
        staged = _read(folder) if folder is not None else None
        if staged is None:
            return None
        if time.time() - staged.created > self.ttl:
            self.remove(token)
            return None
        return staged

    def claim(self, token: str | None) -> StagedUpload | None:
        """Take a staged upload out of the register to accept it; ``None`` if it is gone.

        The rename is atomic: when two workers accept one token at once, only
        one of them gets it. Release it with :meth:`release`.
        """
        if self.get(token) is None:
            return None
        folder = self._folder(token)
        claimed = self.root / f"{CLAIMED}{folder.name}-{os.getpid()}"
        try:
            folder.rename(claimed)
        except OSError:
            return None  # another worker claimed it first
        return _read(claimed)

    def release(self, staged: StagedUpload) -> None:
        """Delete a claimed (or any) staged upload's folder."""
        shutil.rmtree(staged.folder, ignore_errors=True)
        self._drop_root_if_empty()

    def remove(self, token: str | None) -> None:
        """Forget a staged upload and delete its files (nothing happens for an unknown token)."""
        folder = self._folder(token) if token else None
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
            self._drop_root_if_empty()

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
        self._drop_root_if_empty()

    def recover(self) -> list[Path]:
        """Delete what crashed processes left: half-staged and half-accepted uploads, ``.part`` files.

        Safe while other workers run: a folder is only removed when the
        process that created or claimed it is gone, or it is expired.
        """
        removed = []
        limit = time.time() - self.ttl
        for folder in sorted(self.root.iterdir()) if self.root.is_dir() else ():
            owner = _owner(folder)
            dead = owner is not None and not _alive(owner)
            if folder.name.startswith(CLAIMED):
                debris = dead
            else:
                whole = _read(folder) is not None and not any(folder.glob(f"*{PART}"))
                try:
                    expired = folder.stat().st_mtime < limit
                except OSError:
                    continue
                debris = expired or (not whole and (dead or owner is None))
            if debris:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        self._drop_root_if_empty()
        return removed

    def _drop_root_if_empty(self) -> None:
        # No empty staging folder stays behind (a SIGTERM used to leave one in /tmp).
        try:
            self.root.rmdir()
        except OSError:
            pass  # not empty, or already gone


def _read(folder: Path) -> StagedUpload | None:
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        staged = StagedUpload(meta["layer_file"], meta["name"], folder, meta["created"])
        staged.file  # noqa: B018 - StopIteration when the upload itself is missing
    except (OSError, ValueError, KeyError, TypeError, StopIteration):
        return None
    return staged


def _owner(folder: Path) -> int | None:
    """The process that claimed (from the name) or created (from meta.json) a staged folder."""
    if folder.name.startswith(CLAIMED):
        tail = folder.name.rsplit("-", 1)[-1]
        return int(tail) if tail.isdigit() else None
    try:
        return int(json.loads((folder / "meta.json").read_text(encoding="utf-8"))["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _remove_if_owner(root: Path, owner: int) -> None:
    if os.getpid() == owner:
        shutil.rmtree(root, ignore_errors=True)
