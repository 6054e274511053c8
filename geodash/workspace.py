"""Where workspaces are: the default (Ludwigshafen demo) one, loading one, starting a new one."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

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


def load_workspace(workspace: str | Path | None = None, *, cache: bool | Path = True) -> Dataset:
    """Read, validate and join a workspace (default: the demo) into a Dataset.

    Parameters
    ----------
    workspace
        The workspace folder; default the Ludwigshafen demo.
    cache
        ``True`` to use the dataset cache in :func:`~geodash.cache.default_cache_dir`,
        a folder to use that one, ``False`` to always read the sources. The
        cache is keyed by the hashes of every spec and data file, so a
        changed file is always read anew.
    """
    catalog = load_catalog(workspace or default_workspace())
    if cache is False:
        return build_dataset(catalog)
    from geodash.cache import cache_key, default_cache_dir, read_cached, write_cache

    cache_dir = default_cache_dir() if cache is True else Path(cache)
    key = cache_key(catalog)
    dataset = read_cached(catalog, key, cache_dir)
    if dataset is None:
        dataset = build_dataset(catalog)
        write_cache(dataset, key, cache_dir)
    return dataset


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
