"""A cache of validated Datasets, keyed by the hashes of the specs and data files.

A warm start reads the validated, joined frames from GeoParquet instead of
parsing, validating and joining the sources again. Any change to a spec, a
data file or the geodash version gives a new key, so a stale cache is never
used. Writing the cache is best effort: a read-only disk only costs speed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from dataclasses import asdict, replace
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geodash.catalog import Catalog, Text
from geodash.dataset import Dataset, LayerInfo
from geodash.report import Finding, ValidationReport

log = logging.getLogger(__name__)

FORMAT_VERSION = "3"  # 2: areas carry parent_name; 3: sites carry their layer, residents per year
FRAMES = ("areas", "sites", "zones")
TABLES = ("indicators", "zone_shares", "population_table")


def default_cache_dir() -> Path:
    """``$GEODASH_CACHE``, else ``$XDG_CACHE_HOME/geodash``, else ``~/.cache/geodash``."""
    if os.environ.get("GEODASH_CACHE"):
        return Path(os.environ["GEODASH_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "geodash"


def cache_key(catalog: Catalog) -> str:
    """SHA-256 over the geodash version, every spec file and every data file it names."""
    from geodash import __version__

    digest = hashlib.sha256(f"geodash {__version__} cache {FORMAT_VERSION}\n".encode())
    data_files = {catalog.path(spec) for _, spec in catalog_layers(catalog)}
    parent = catalog.areas[1].parent
    if parent and parent.names and (catalog.workspace / parent.names.file).is_file():
        data_files.add(catalog.workspace / parent.names.file)  # the parent names table
    data_files = sorted(data_files)
    for path in [*sorted(catalog.spec_files), *data_files]:
        digest.update(str(path.relative_to(catalog.workspace)).encode() + b"\0")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def catalog_layers(catalog: Catalog):
    """Every (spec path, spec) pair of a catalog that names a data file."""
    layers = [catalog.areas, *catalog.indicators, *catalog.sites, *catalog.zones]
    if catalog.population:
        layers.append(catalog.population)
    return layers


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
    from geodash.dataset import collect_categories

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
    )


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
            meta = {
                "layers": [
                    {**asdict(replace(layer)), "title": layer.title.model_dump(),
                     "notes": layer.notes.model_dump() if layer.notes else None}
                    for layer in dataset.layers
                ],
                "findings": [asdict(f) for f in dataset.report.findings],
                "dtypes": {name: _dtypes(getattr(dataset, name)) for name in (*FRAMES, *TABLES)},
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
    return folder
