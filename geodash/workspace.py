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


def load_workspace(workspace: str | Path | None = None) -> Dataset:
    """Read, validate and join a workspace (default: the demo) into a Dataset."""
    return build_dataset(load_catalog(workspace or default_workspace()))


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
