"""Where workspaces are: the default (Ludwigshafen demo) one, loading one, starting a new one."""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from geodash import progress
from geodash.analysis.social_index import check_index_method
from geodash.catalog import load_catalog
from geodash.dataset import Dataset, build_dataset
from geodash.errors import ParameterError


def default_workspace() -> Path:
    """The Ludwigshafen demo workspace.

    From a checkout it is the repository root; from an installed wheel it is
    the copy packed inside the package (``geodash/_demo``).
    """
    package = Path(__file__).resolve().parent
    checkout = package.parent
    if (checkout / "layers").is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout
    return Path(str(resources.files("geodash") / "_demo"))


def load_workspace(workspace: str | Path | None = None, *, cache: bool | Path = True,
                   analyses: Sequence[str] = ()) -> Dataset:
    """Read, validate and join a workspace (default: the demo) into a Dataset.

    Each step is reported through :mod:`geodash.progress` with its time.

    Parameters
    ----------
    workspace
        The workspace folder; default the Ludwigshafen demo.
    cache
        ``True`` to use the dataset cache in :func:`~geodash.cache.default_cache_dir`,
        a folder to use that one, ``False`` to always read the sources. The
        cache is keyed by the hashes of every spec and data file and of
        geodash's code, so a changed file is always read anew.
    analyses
        Costly analyses to have ready (names in :data:`geodash.cache.STORED`,
        e.g. ``SERVE_ANALYSES``): taken from the cache when stored there,
        else computed now and stored for the next start.
    """
    from geodash.cache import STORED

    unknown = sorted(set(analyses) - set(STORED))
    if unknown:
        raise ValueError(f"`analyses` named {unknown} but is expected to be among {sorted(STORED)}")
    start = time.perf_counter()
    catalog = load_catalog(workspace or default_workspace())
    check_index_method(catalog.settings.index, catalog.workspace / "layers" / "workspace.toml")
    progress.report(f"read {len(catalog.spec_files)} layer specs in {catalog.workspace / 'layers'}",
                    start)
    if cache is False:
        dataset = build_dataset(catalog)
        _compute(dataset, analyses)
        _report_findings(dataset)
        return dataset
    from geodash.cache import (
        cache_key,
        default_cache_dir,
        mark_used,
        read_cached,
        read_stored,
        store_analyses,
        write_cache,
    )

    cache_dir = default_cache_dir() if cache is True else Path(cache)
    start = time.perf_counter()
    key = cache_key(catalog)
    dataset = read_cached(catalog, key, cache_dir)
    if dataset is not None:
        mark_used(cache_dir, key)
        kept = read_stored(dataset, key, cache_dir)
        progress.report(f"cache used: {cache_dir / key}"
                        + (f" (with {', '.join(kept)})" if kept else ""), start)
    else:
        progress.report(f"cache: nothing stored yet for these files and this code in {cache_dir}",
                        start)
        dataset = build_dataset(catalog)
        start = time.perf_counter()
        if write_cache(dataset, key, cache_dir) is not None:
            progress.report(f"stored in the cache {cache_dir / key}", start)
    computed = _compute(dataset, analyses)
    if computed:
        store_analyses(dataset, key, cache_dir, computed)
    _report_findings(dataset)
    return dataset


SERVE_ANALYSES = ("access", "areas_display")

# How each stored analysis is described while it is computed.
_STEPS = {
    "access": lambda ds: (f"coverage: accessibility of {len(ds.categories)} categories at "
                          f"{', '.join(f'{d:g}' for d in ds.settings.coverage.distances)} m "
                          f"for {len(ds.areas)} areas"),
    "areas_display": lambda ds: f"display geometry of {len(ds.areas)} areas",
}


# Analyses that only mean something for some workspaces: without sites there is nothing to reach.
_APPLIES = {"access": lambda ds: bool(len(ds.sites)) and bool(ds.categories)}


def _compute(dataset: Dataset, analyses: Sequence[str]) -> list[str]:
    """Compute the named analyses the Dataset does not hold yet; the names computed."""
    computed = []
    for name in analyses:
        if name in dataset.__dict__:
            continue
        if not _APPLIES.get(name, lambda ds: True)(dataset):
            continue
        with progress.step(_STEPS[name](dataset)):
            getattr(dataset, name)
        computed.append(name)
    return computed


def _report_findings(dataset: Dataset) -> None:
    report = dataset.report
    counts = ", ".join(f"{len(report.of(level))} {label}" for level, label in
                       (("repaired", "repaired"), ("left_out", "left out"), ("notice", "notice(s)")))
    hint = f": `geodash validate {dataset.workspace}` lists them" if report.findings else ""
    progress.report(f"{len(report.findings)} finding(s) ({counts}){hint}")


def init_workspace(target: str | Path) -> Path:
    """Start a new workspace in ``target`` from the commented template.

    Raises
    ------
    ParameterError
        When ``target`` exists and is not an empty folder.
    """
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ParameterError(
            "exists and is not empty.", file=target, fix="choose a new or empty folder."
        )
    template = Path(str(resources.files("geodash") / "template"))
    shutil.copytree(template, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    return target
