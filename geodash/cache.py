"""A cache of validated Datasets and their costly analyses, keyed by the specs, data and code.

A warm start reads the validated, joined frames from GeoParquet instead of
parsing, validating and joining the sources again, and the analyses the pages
need (:data:`STORED`: the accessibility table, the display geometry) instead of
computing them again. Any change to a spec, a data file or geodash's own
source code gives a new key, so a stale cache is never used. Writing the
cache is best effort: a read-only disk only costs speed.

Where: ``$GEODASH_CACHE``, else ``$XDG_CACHE_HOME/geodash``, else
``~/.cache/geodash``; one folder per key, safe to delete at any time. Each
write evicts, oldest use first, the entries not used for
``$GEODASH_CACHE_MAX_AGE_DAYS`` (default 30) and then as many as it takes to
bring the folder under ``$GEODASH_CACHE_MAX_MB`` (default 2048), never the
entry just written (see :func:`evict`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import asdict, replace
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geodash.catalog import Catalog, Text
from geodash.dataset import Dataset, LayerInfo
from geodash.findings import Finding, ValidationReport
from geodash.sources import file_digest, source_for

log = logging.getLogger(__name__)

FORMAT_VERSION = "4"  # 2: parent_name; 3: sites' layer, residents per year; 4: offer columns
FRAMES = ("areas", "sites", "zones")
TABLES = ("indicators", "zone_shares", "population_table")

# Cached properties of a Dataset that are stored beside it once computed: name -> whether it
# is a GeoDataFrame. Each is read back into the Dataset's instance dict, where
# functools.cached_property finds it, so the Dataset itself stays frozen.
STORED = {"access": False, "areas_display": True}


# Eviction limits: environment variable, default, meaning.
CACHE_LIMITS = {
    "max_age_days": ("GEODASH_CACHE_MAX_AGE_DAYS", 30.0, "days since an entry was last used"),
    "max_mb": ("GEODASH_CACHE_MAX_MB", 2048.0, "megabytes all entries may take together"),
}

# A ``.partial-*`` folder older than this was left by a process that died while writing.
PARTIAL_MAX_AGE_S = 3600.0


def cache_limits() -> dict[str, float]:
    """The eviction limits from the environment, else their defaults (:data:`CACHE_LIMITS`).

    A value that is not a positive number is ignored with a warning: a typo in the
    environment must not empty the cache nor stop the dashboard.
    """
    limits = {}
    for name, (variable, default, _meaning) in CACHE_LIMITS.items():
        text = os.environ.get(variable)
        try:
            value = float(text) if text else default
            if not value > 0 or value == float("inf"):
                raise ValueError(text)
        except ValueError:
            log.warning("%s=%r is not a positive number; using %g", variable, text, default)
            value = default
        limits[name] = value
    return limits


def default_cache_dir() -> Path:
    """``$GEODASH_CACHE``, else ``$XDG_CACHE_HOME/geodash``, else ``~/.cache/geodash``."""
    if os.environ.get("GEODASH_CACHE"):
        return Path(os.environ["GEODASH_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "geodash"


def source_digest(package: Path) -> str:
    """SHA-256 over the names and contents of every ``.py`` file under ``package``."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def code_digest() -> str:
    """:func:`source_digest` of the running geodash package: a changed analysis is a new key.

    Once per process: the code that runs does not change while it runs.
    """
    return source_digest(Path(__file__).resolve().parent)


def cache_key(catalog: Catalog) -> str:
    """SHA-256 over geodash's version and code, every spec file and each layer's change marker.

    A file's change marker is the digest of its bytes; a source kind with a
    cheaper one (a database) gives its own (:meth:`~geodash.sources.Source.change_marker`).
    """
    from geodash import __version__

    digest = hashlib.sha256(f"geodash {__version__} cache {FORMAT_VERSION}\n".encode())
    markers: dict[str, str] = {}
    for _, spec in catalog_layers(catalog):
        path = catalog.path(spec)
        name = str(path.relative_to(catalog.workspace)) if isinstance(path, Path) else str(path)
        if name not in markers:  # two specs may name one file
            markers[name] = source_for(spec, path).change_marker(spec, path)
    parent = catalog.areas[1].parent
    if parent and parent.names and (catalog.workspace / parent.names.file).is_file():
        names = catalog.workspace / parent.names.file  # the parent names table
        markers.setdefault(str(names.relative_to(catalog.workspace)), file_digest(names))
    for path in sorted(catalog.spec_files):
        digest.update(str(path.relative_to(catalog.workspace)).encode() + b"\0")
        digest.update(path.read_bytes())
    for name, marker in sorted(markers.items()):
        digest.update(name.encode() + b"\0" + marker.encode() + b"\0")
    # The code last: an analysis that changed must not be served from an older cache.
    digest.update(f"code {code_digest()}".encode())
    return digest.hexdigest()


def catalog_layers(catalog: Catalog):
    """Every (spec path, spec) pair of a catalog that names a data file."""
    return list(catalog.layers)


def read_cached(catalog: Catalog, key: str, cache_dir: Path) -> Dataset | None:
    """The cached Dataset for ``key``, or ``None`` when there is none (or it is unreadable)."""
    folder = cache_dir / key
    if not (folder / "meta.json").is_file():
        return None
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        frames = {name: gpd.read_parquet(folder / f"{name}.parquet") for name in FRAMES}
        tables = {name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLES}
        grid = (gpd.read_parquet(folder / "population.parquet")
                if (folder / "population.parquet").is_file() else None)
        addresses = (gpd.read_parquet(folder / "addresses.parquet")
                     if (folder / "addresses.parquet").is_file() else None)
        others = {kind: _read_frame(folder / f"layer-{kind}.parquet", meta["dtypes"][f"layer-{kind}"])
                  for kind in meta.get("other_layers", [])}
    except (OSError, ValueError, KeyError) as exc:
        log.warning("ignoring unreadable cache %s: %s", folder, exc)
        return None
    dtypes = meta["dtypes"]
    frames = {name: _restore_dtypes(frame, dtypes[name]) for name, frame in frames.items()}
    tables = {name: _restore_dtypes(frame, dtypes[name]) for name, frame in tables.items()}
    layers = tuple(
        LayerInfo(**{**layer, "title": Text(**layer["title"]),
                     "notes": Text(**layer["notes"]) if layer["notes"] else None})
        for layer in meta["layers"]
    )
    from geodash.dataset import collect_categories, collect_target_groups

    return Dataset(
        workspace=catalog.workspace,
        settings=catalog.settings,
        areas=frames["areas"],
        indicators=tables["indicators"],
        indicator_meta=catalog.indicator_specs,
        sites=frames["sites"],
        zones=frames["zones"],
        zone_shares=tables["zone_shares"],
        categories=collect_categories(catalog, frames["sites"]),
        report=ValidationReport(tuple(Finding(**f) for f in meta["findings"])),
        layers=layers,
        population_grid=grid,
        unit=catalog.areas[1].unit,
        parent_unit=catalog.areas[1].parent_unit,
        population_table=tables["population_table"],
        other_layers=others,
        addresses=addresses,
        target_groups=collect_target_groups(catalog),
    )


def read_stored(dataset: Dataset, key: str, cache_dir: Path) -> list[str]:
    """Pre-fill ``dataset`` with the analyses stored under ``key``; returns their names.

    They go into the Dataset's instance dict, where ``functools.cached_property``
    finds them: the Dataset stays frozen, and what is not stored is computed
    on first use as before.
    """
    found = []
    for name in STORED:
        stored = _read_stored(cache_dir / key, name)
        if stored is not None:
            dataset.__dict__[name] = stored
            found.append(name)
    return found


def _read_stored(folder: Path, name: str) -> pd.DataFrame | None:
    """One stored analysis, or ``None`` when it was never stored (or cannot be read)."""
    path = folder / f"{name}.parquet"
    if not path.is_file():
        return None
    try:
        frame = (gpd.read_parquet if STORED[name] else pd.read_parquet)(path)
        dtypes = json.loads((folder / f"{name}.dtypes.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError) as exc:
        log.warning("ignoring unreadable cached %s in %s: %s", name, folder, exc)
        return None
    return _restore_dtypes(frame, dtypes)


def store_analyses(dataset: Dataset, key: str, cache_dir: Path, names) -> list[str]:
    """Add computed analyses of ``dataset`` (names of :data:`STORED`) to its cache folder.

    Each file is written whole under a temporary name and then renamed, so a
    reader sees it complete or not at all. Returns the names stored; best
    effort, like :func:`write_cache`.
    """
    folder = cache_dir / key
    stored = []
    for name in names:
        frame = dataset.__dict__.get(name)
        if frame is None or not (folder / "meta.json").is_file():
            continue
        try:
            with tempfile.TemporaryDirectory(dir=folder, prefix=".partial-") as tmp:
                work = Path(tmp)
                (work / "dtypes.json").write_text(json.dumps(_dtypes(frame)), encoding="utf-8")
                frame.to_parquet(work / "data.parquet")
                os.replace(work / "dtypes.json", folder / f"{name}.dtypes.json")
                os.replace(work / "data.parquet", folder / f"{name}.parquet")
        except (OSError, ValueError, TypeError) as exc:
            # A full disk, or a column Parquet cannot hold (pyarrow's errors are ValueError
            # and TypeError): the analysis is computed again next time, nothing else is lost.
            log.warning("could not store %s in the dataset cache %s: %s", name, folder, exc)
            continue
        stored.append(name)
    return stored


def _read_frame(path: Path, dtypes: dict[str, str]) -> pd.DataFrame:
    """A stored frame with its dtypes, as a GeoDataFrame when it was stored with geometry."""
    try:
        frame = gpd.read_parquet(path)
    except ValueError:  # no geo metadata: a plain table
        frame = pd.read_parquet(path)
    return _restore_dtypes(frame, dtypes)


def _dtypes(frame: pd.DataFrame) -> dict[str, str]:
    return {str(c): str(t) for c, t in frame.dtypes.items() if str(t) != "geometry"}


def _restore_dtypes(frame: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    """Give columns back the dtypes they were built with (Parquet turns object text into ``str``)."""
    changed = {c: t for c, t in dtypes.items() if c in frame and str(frame[c].dtype) != t}
    frame = frame.astype(changed) if changed else frame
    for col, dtype in dtypes.items():
        if dtype == "object" and col in frame:
            # Missing text is None in a built Dataset, not NaN.
            frame[col] = frame[col].where(frame[col].notna(), None)
    return frame


def mark_used(cache_dir: Path, key: str) -> None:
    """Note that the entry ``key`` was used now: eviction goes by the last use, not the first."""
    try:
        os.utime(cache_dir / key / "meta.json")
    except OSError:
        pass  # a read-only cache is still used; it is only never evicted by this process


def _folder_size(folder: Path) -> int:
    return sum(entry.stat().st_size for entry in folder.rglob("*") if entry.is_file())


def evict(cache_dir: Path, *, keep: str | None = None, max_age_days: float | None = None,
          max_mb: float | None = None, now: float | None = None) -> list[str]:
    """Remove cache entries by age and total size; returns the keys removed, oldest first.

    An entry's age is the time since it was last used (the modification time of its
    ``meta.json``, touched by :func:`mark_used`). First every entry older than
    ``max_age_days`` goes; then, oldest first, as many as it takes to bring the total
    under ``max_mb``. ``keep`` (the entry in use) is never removed, even when it
    alone is larger. Folders a process left while writing (``.partial-*``, older
    than an hour) are removed too. Limits default to :func:`cache_limits`.
    """
    limits = cache_limits()
    max_age_days = limits["max_age_days"] if max_age_days is None else max_age_days
    max_mb = limits["max_mb"] if max_mb is None else max_mb
    now = time.time() if now is None else now
    entries = []
    try:
        children = list(cache_dir.iterdir())
    except OSError:
        return []
    for folder in children:
        try:
            if folder.name.startswith(".partial-"):
                if now - folder.stat().st_mtime > PARTIAL_MAX_AGE_S:
                    shutil.rmtree(folder, ignore_errors=True)
                continue
            if not folder.is_dir() or not (folder / "meta.json").is_file():
                continue
            entries.append((folder.name, (folder / "meta.json").stat().st_mtime, _folder_size(folder)))
        except OSError:
            continue  # removed by another process meanwhile
    entries.sort(key=lambda entry: entry[1])
    total = sum(size for _, _, size in entries)
    removed = []
    for name, used, size in entries:
        if name == keep:
            continue
        if now - used > max_age_days * 86400 or total > max_mb * 1024 * 1024:
            shutil.rmtree(cache_dir / name, ignore_errors=True)
            total -= size
            removed.append(name)
    if removed:
        log.info("evicted %d dataset cache entr%s from %s", len(removed),
                 "y" if len(removed) == 1 else "ies", cache_dir)
    return removed


def schema_fingerprint(dataset: Dataset) -> str:
    """A short hash of the columns and dtypes of every frame the cache stores for ``dataset``.

    A cache written by code whose frames had other columns must not be read back:
    the test suite records this fingerprint of the demo for :data:`FORMAT_VERSION`
    and fails when it changes without the version being bumped. Stored analyses
    count only when computed.
    """
    schema = {name: [[str(c), str(t)] for c, t in getattr(dataset, name).dtypes.items()]
              for name in (*FRAMES, *TABLES)}
    for name in STORED:
        frame = dataset.__dict__.get(name)
        if frame is not None:
            schema[name] = [[str(c), str(t)] for c, t in frame.dtypes.items()]
    return hashlib.sha256(json.dumps(schema, sort_keys=True).encode()).hexdigest()[:16]


def write_cache(dataset: Dataset, key: str, cache_dir: Path) -> Path | None:
    """Store a Dataset under ``key``; returns the folder, or ``None`` if it could not be written."""
    folder = cache_dir / key
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".partial-") as tmp:
            work = Path(tmp)
            for name in FRAMES:
                getattr(dataset, name).to_parquet(work / f"{name}.parquet")
            for name in TABLES:
                getattr(dataset, name).to_parquet(work / f"{name}.parquet")
            if dataset.population_grid is not None:
                dataset.population_grid.to_parquet(work / "population.parquet")
            if dataset.addresses is not None:
                dataset.addresses.to_parquet(work / "addresses.parquet")
            for kind, frame in dataset.other_layers.items():
                frame.to_parquet(work / f"layer-{kind}.parquet")
            meta = {
                "layers": [
                    {**asdict(replace(layer)), "title": layer.title.model_dump(),
                     "notes": layer.notes.model_dump() if layer.notes else None}
                    for layer in dataset.layers
                ],
                "findings": [asdict(f) for f in dataset.report.findings],
                "dtypes": {**{name: _dtypes(getattr(dataset, name)) for name in (*FRAMES, *TABLES)},
                           **{f"layer-{kind}": _dtypes(frame)
                              for kind, frame in dataset.other_layers.items()}},
                "other_layers": list(dataset.other_layers),
            }
            (work / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
            if folder.exists():
                shutil.rmtree(folder)
            os.replace(work, folder)
            # TemporaryDirectory must find something to remove.
            Path(tmp).mkdir()
    except OSError as exc:
        log.warning("could not write the dataset cache to %s: %s", folder, exc)
        return None
    evict(cache_dir, keep=key)
    return folder
