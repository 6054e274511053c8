"""Uploads into a running workspace: check, stage, validate, then accept atomically or discard.

An upload replaces the data file of one existing layer (an indicator table or
a sites list). It is checked by content (not by its name), validated as part
of the whole workspace before anything changes, and only then written into
the workspace: the new file goes to a temporary file beside the target and is
renamed over it, after the previous version was copied to
``geodata/history/``. A failure at any step leaves the workspace as it was,
and ``geodash restore`` brings back any previous version.
"""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from geodash.catalog import LAYER_KINDS, Catalog, IndicatorsSpec, SitesSpec, load_catalog
from geodash.dataset import Dataset, build_dataset
from geodash.errors import DataError, ParameterError

MB = 1024 * 1024  # sizes are shown in MB of 2**20 bytes, as file managers do
DEFAULT_MAX_BYTES = 50 * MB
MAX_ZIP_ENTRIES = 200
MAX_ZIP_RATIO = 200  # uncompressed / compressed; more is a zip bomb
HISTORY = Path("geodata") / "history"

# What each layer kind may receive, by detected content type (declared with the kind).
ALLOWED = {name: kind.uploads for name, kind in LAYER_KINDS.items() if kind.uploads}
SUFFIX = {"csv": ".csv", "xlsx": ".xlsx", "geojson": ".geojson", "zip": ".zip", "gpkg": ".gpkg"}


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


def detect_content(data: bytes) -> str:
    """Name the content type of uploaded bytes by their content, not their file name.

    Returns one of ``csv``, ``xlsx``, ``geojson``, ``zip`` (a zipped
    Shapefile or other vector file) or ``gpkg``.

    Raises
    ------
    DataError
        When the content is none of these.

    """
    if data.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile as exc:
            raise DataError("is a damaged zip archive.", file="upload",
                            fix="create the zip file again.") from exc
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return "xlsx"
        return "zip"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return "geojson"
    if b"\x00" in data[:4096]:
        raise DataError("is a binary file of an unknown kind.", file="upload",
                        fix="upload CSV, XLSX, GeoJSON, a zipped Shapefile or a GeoPackage.")
    return "csv"


def check_zip(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Refuse zip archives that escape their folder or expand beyond the limits."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise DataError(f"holds {len(infos)} files (at most {MAX_ZIP_ENTRIES}).", file="upload",
                            fix="zip only the files of one layer.")
        total = 0
        for info in infos:
            name = info.filename.replace("\\", "/")
            if name.startswith("/") or ".." in name.split("/") or ":" in name.split("/")[0]:
                raise DataError(f"holds the path {info.filename!r}, which points outside the archive.",
                                file="upload", fix="zip the layer's files without folders.")
            total += info.file_size
            if info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO:
                raise DataError(f"holds {info.filename!r}, compressed more than {MAX_ZIP_RATIO}:1 "
                                "(a zip bomb?).", file="upload", fix="upload the files unzipped.")
        if total > max_bytes:
            raise DataError(f"expands to {total / MB:.0f} MB, more than the limit of "
                            f"{max_bytes / MB:.0f} MB.", file="upload", fix="upload a smaller layer.")


def check_gpkg(data: bytes) -> None:
    """Refuse a GeoPackage that SQLite cannot open."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "check.gpkg"
        path.write_bytes(data)
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
                conn.execute("SELECT count(*) FROM gpkg_contents").fetchone()
        except sqlite3.DatabaseError as exc:
            raise DataError(f"is not a GeoPackage ({exc}).", file="upload",
                            fix="export the layer again as GeoPackage.") from exc


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
        if not isinstance(exc, DataError):
            raise
        if exc.file in ("upload", None) or (exc.file and Path(exc.file).name.startswith("upload.")):
            # Name the upload as the user knows it, never by the server's temporary path.
            shown = display_name(name)
            problem = exc.problem
            for suffix in SUFFIX.values():
                problem = problem.replace(str(folder / f"upload{suffix}"), shown)
            raise DataError(problem, file=shown, where=exc.where, fix=exc.fix) from exc
        raise


def display_name(name: str) -> str:
    """An upload's file name made safe to show: no folders, no control characters, not too long.

    Examples
    --------
    >>> display_name("../../Users/amt/neu.csv")
    'neu.csv'
    """
    base = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable())[:120]
    return base or "upload"


def _stage(workspace, layer_file, data, *, max_bytes, folder: Path) -> UploadPreview:
    if len(data) > max_bytes:
        raise DataError(f"is {len(data) / MB:.1f} MB, more than the limit of {max_bytes / MB:.0f} MB.",
                        file="upload", fix="upload a smaller file, or raise the limit.")
    if not data:
        raise DataError("is empty.", file="upload", fix="choose the file again.")
    catalog = load_catalog(workspace)
    layers = {p.name: (p, s) for p, s in catalog.layers if s.kind in ALLOWED}
    if layer_file not in layers:
        raise ParameterError(f"the layer {layer_file!r} does not take uploads.",
                             fix=f"choose one of {', '.join(sorted(layers)) or '(none)'}.")
    spec_path, spec = layers[layer_file]
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
    if SUFFIX[content] != target.suffix.lower():
        # The spec names the file; a different format would need a new spec.
        raise DataError(f"is {content.upper()}, but {layer_file} names {spec.file!r}.", file="upload",
                        fix=f"upload a {target.suffix} file, or change the spec's file first.")
    staged = folder / f"upload{SUFFIX[content]}"
    try:
        staged.write_bytes(data)
        candidate = _with_layer(catalog, spec_path, _respec(spec, staged, content))
        dataset = build_dataset(candidate)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    rows = next((layer.count for layer in dataset.layers if layer.spec_file == spec_path.name), 0)
    return UploadPreview(layer_file, spec.kind, content, staged, target, dataset, rows)


def _respec(spec: IndicatorsSpec | SitesSpec, staged: Path, content: str):
    # The staged file lives outside the workspace: point the spec at it by an
    # absolute path, which only this in-memory copy ever holds.
    return spec.model_construct(**{**dict(spec), "file": str(staged)})


def _with_layer(catalog: Catalog, spec_path: Path, new_spec) -> Catalog:
    return catalog.with_spec(spec_path, new_spec)


Step = Callable[[str], None]


def accept_upload(preview: UploadPreview, workspace: str | Path, *, after_step: Step | None = None) -> Path:
    """Write a staged upload into the workspace, keeping the previous version.

    Steps: copy the current file to ``geodata/history/<name>.<UTC time><suffix>``;
    write the upload to a temporary file beside the target and flush it to
    disk; rename it over the target. Until the rename the target is unchanged;
    the rename is atomic. ``after_step`` is called with the name of each step
    done (tests use it to inject a crash).

    Returns
    -------
    pathlib.Path
        The file in ``geodata/history/`` holding the previous version.

    """
    workspace = Path(workspace)
    target = preview.target
    history = workspace / HISTORY
    history.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    kept = history / f"{target.stem}.{stamp}{target.suffix}"
    shutil.copy2(target, kept)
    _step(after_step, "kept previous version")
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(preview.staged.read_bytes())
            handle.flush()
            os.fsync(handle.fileno())
        _step(after_step, "wrote temporary file")
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    _step(after_step, "renamed")
    discard_upload(preview)
    return kept


def _step(callback: Step | None, name: str) -> None:
    if callback is not None:
        callback(name)


def discard_upload(preview: UploadPreview) -> None:
    """Remove a staged upload; the workspace was never touched."""
    shutil.rmtree(preview.staged.parent, ignore_errors=True)


def history_versions(workspace: str | Path, data_file: str) -> list[Path]:
    """Previous versions of a data file (relative to the workspace), newest first."""
    target = Path(workspace) / data_file
    history = Path(workspace) / HISTORY
    if not history.is_dir():
        return []
    versions = [p for p in history.iterdir()
                if p.name.startswith(f"{target.stem}.") and p.suffix == target.suffix]
    return sorted(versions, reverse=True)


def restore_version(workspace: str | Path, data_file: str, version: Path | None = None) -> Path:
    """Put a previous version of a data file back, keeping the current one in the history.

    Returns the restored version's history file. The workspace is validated
    with the restored file before anything changes.
    """
    workspace = Path(workspace)
    versions = history_versions(workspace, data_file)
    if not versions:
        raise ParameterError(f"there is no previous version of {data_file!r}.",
                             fix="check the file name (as in the layer spec).")
    chosen = version or versions[0]
    if chosen not in versions:
        raise ParameterError(f"{chosen} is not a kept version of {data_file!r}.",
                             fix="run `geodash restore --list` to see the versions.")
    catalog = load_catalog(workspace)
    layers = {spec.file: (p, spec) for p, spec in catalog.layers if spec.kind in ALLOWED}
    if data_file not in layers:
        raise ParameterError(f"{data_file!r} is not the file of an indicators or sites layer.")
    spec_path, spec = layers[data_file]
    with tempfile.TemporaryDirectory(prefix="geodash-restore-", ignore_cleanup_errors=True) as tmp:
        staged = Path(tmp) / f"upload{chosen.suffix}"
        shutil.copy2(chosen, staged)
        dataset = build_dataset(_with_layer(catalog, spec_path, _respec(spec, staged, "")))
        preview = UploadPreview(spec_path.name, spec.kind, chosen.suffix.strip("."), staged,
                                catalog.path(spec), dataset, 0)
        accept_upload(replace(preview, staged=staged), workspace)
    return chosen
