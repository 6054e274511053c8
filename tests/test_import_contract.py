"""The import contract: data flows one way, sources → Dataset → analysis → web/export/api/cli.

Every module of the package belongs to one layer. A module may import its own
layer and the layers below it, never one above; the output packages (web,
export, api, report) use each other only where :data:`SIBLINGS` says so; the
analysis stays pure (no web framework, no plotting, no file writing); and
nothing below the outputs imports a web framework. Imports inside functions
count as well: they are dependencies all the same. A ``"geodash.x:function"``
string (a registry naming a function it resolves when first used) counts as an
import too, unless :data:`LATE_BOUND` states why it may point upward.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import geodash

PACKAGE = Path(geodash.__file__).resolve().parent

# Lowest first. A module belongs to the layer of its longest matching prefix.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # sources.files checks a data file's kind, place and size before any reader opens it; it
    # knows only the errors, so the catalog may call it while it reads the specs.
    ("foundation", ("geodash.errors", "geodash.findings", "geodash.progress", "geodash.catalog",
                    "geodash.sources.files")),
    ("sources", ("geodash.sources",)),
    ("model", ("geodash.load", "geodash.joins", "geodash.labels", "geodash.population",
               "geodash.dataset", "geodash.cache")),
    ("analysis", ("geodash.analysis",)),
    ("services", ("geodash.workspace", "geodash.uploads")),
    ("outputs", ("geodash.export", "geodash.report", "geodash.api", "geodash.web")),
    ("commands", ("geodash.cli", "geodash.cli_maps", "geodash.__main__", "geodash.bench")),
)

# Within the outputs, who may use whom (importer prefix -> imported prefixes).
SIBLINGS: dict[str, tuple[str, ...]] = {
    # The Daten page offers downloads, written by export's formats.
    # The profile page offers its area's Sozialraumbericht as PDF.
    "geodash.web.pages": ("geodash.export", "geodash.report"),
    # create_app mounts the OGC API blueprint on the Dash server.
    "geodash.web.app": ("geodash.api",),
    # The API serves the same layers as `geodash export`, suppression included.
    "geodash.api": ("geodash.export",),
    # KNOWN DEBT: the map's classes, palette, legend rows and texts are defined once, in
    # web.figures / web.i18n / web.state, and the file exports (HTML and static maps) reuse them
    # rather than copy them. Moving them to a neutral module below both is open work.
    # The same holds for the report, which takes the profile, coverage and reach tables the
    # pages show from web.figures (pure functions of the Dataset, but placed in web).
    "geodash.export": ("geodash.web.figures", "geodash.web.i18n", "geodash.web.state"),
    # The Sozialraumbericht is assembled from export's maps and layers.
    "geodash.report": ("geodash.export", "geodash.web.figures", "geodash.web.i18n", "geodash.web.state"),
}

# Upward references by name that are part of the design, with the reason.
LATE_BOUND: dict[tuple[str, str], str] = {
    ("geodash.catalog", "geodash.load"): "LAYER_KINDS names each kind's loader (a plugin registry)",
    ("geodash.dataset", "geodash.analysis.of_dataset"):
        "MEMOISED names the analyses a Dataset keeps once computed",
}

# What the analysis must not use: it is pure functions of frames.
IMPURE_PACKAGES = ("dash", "plotly", "flask", "werkzeug", "folium", "matplotlib")
WRITING_CALLS = frozenset({"open", "to_file", "to_parquet", "to_csv", "to_excel", "to_feather",
                           "write_text", "write_bytes", "mkdir", "unlink", "rmtree", "savefig"})
WRITING_MODULES = frozenset({"os", "shutil", "tempfile", "pyogrio"})
# What nothing below the outputs imports: data and analysis know no UI.
UI_PACKAGES = ("dash", "plotly", "flask", "werkzeug", "folium")
# Modules of those packages that are not UI: werkzeug's password hashing (uploads.users).
NOT_UI = frozenset({"werkzeug.security"})

_FUNCTION_NAME = re.compile(r"^(geodash(?:\.\w+)+):\w+$")


@dataclass(frozen=True)
class Import:
    """One dependency of a module: what it names, where, and how (import or a name in a string)."""

    module: str
    target: str
    line: int
    by_name: bool = False


def module_name(path: Path, root: Path) -> str:
    """``geodash.web.app`` for ``<root>/geodash/web/app.py`` (a package is named by its ``__init__``)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(name: str, source: str, *, is_package: bool, known: set[str]) -> list[Import]:
    """Every geodash module ``source`` depends on, by import statement or by a function-name string.

    ``from geodash import progress`` names the module ``geodash.progress``
    when ``known`` holds it, else the package root (``__version__``).
    """
    found = []
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [Import(name, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.append(Import(name, full if full in known else base, node.lineno))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = _FUNCTION_NAME.match(node.value)
            if match:
                found.append(Import(name, match.group(1), node.lineno, by_name=True))
    return [imp for imp in found if imp.target == "geodash" or imp.target.startswith("geodash.")
            or imp.target.split(".")[0] in (*IMPURE_PACKAGES, *UI_PACKAGES)]


def layer_of(module: str) -> int | None:
    """The index in :data:`LAYERS` of a geodash module's layer, or ``None`` when it has none."""
    best: tuple[int, int] | None = None
    for rank, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), rank)
    return None if best is None else best[1]


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _sibling_allowed(module: str, target: str) -> bool:
    if _package(module) == _package(target):
        return True
    return any((module == who or module.startswith(who + ".")) and
               any(target == t or target.startswith(t + ".") for t in allowed)
               for who, allowed in SIBLINGS.items())


def violations(modules: dict[str, str], packages: set[str] = frozenset()) -> list[str]:
    """Every breach of the contract by ``modules`` (name -> source), as one line each."""
    known = set(modules)
    problems = []
    for name, source in sorted(modules.items()):
        if name == "geodash":
            continue  # the package root re-exports the public API (load_workspace, the errors)
        rank = layer_of(name)
        if rank is None:
            problems.append(f"{name}: belongs to no layer; add it to LAYERS in {Path(__file__).name}")
            continue
        for imp in imports_of(name, source, is_package=name in packages, known=known):
            top = imp.target.split(".")[0]
            where = f"{name}:{imp.line} imports {imp.target}" + (" (by name)" if imp.by_name else "")
            if top != "geodash":
                impure = IMPURE_PACKAGES if LAYERS[rank][0] == "analysis" else UI_PACKAGES
                if rank < layer_of("geodash.export") and top in impure and imp.target not in NOT_UI:
                    problems.append(f"{where}: the {LAYERS[rank][0]} layer knows no UI or plotting")
                continue
            if imp.target == "geodash":
                continue  # the package root: __version__
            target_rank = layer_of(imp.target)
            if target_rank is None:
                continue  # reported as a module without a layer
            if imp.by_name and (name, imp.target) in LATE_BOUND:
                continue
            if target_rank > rank:
                problems.append(f"{where}: {LAYERS[rank][0]} must not import the {LAYERS[target_rank][0]} "
                                "layer above it")
            elif target_rank == rank and LAYERS[rank][0] == "outputs" and not _sibling_allowed(
                    name, imp.target):
                problems.append(f"{where}: {_package(name)} must not use {_package(imp.target)} "
                                "(see SIBLINGS)")
    return problems


def file_writes(source: str) -> list[int]:
    """Lines of ``source`` that call something writing files (``open``, ``to_parquet``, …)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            on_module = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
            owner = func.value.id if on_module else None
            if name in WRITING_CALLS or owner in WRITING_MODULES:
                lines.append(node.lineno)
    return lines


def read_package(root: Path, package: str = "geodash") -> tuple[dict[str, str], set[str]]:
    """Every module under ``root/package`` by name, and the names that are packages."""
    modules, packages = {}, set()
    for path in sorted((root / package).rglob("*.py")):
        name = module_name(path, root)
        modules[name] = path.read_text(encoding="utf-8")
        if path.name == "__init__.py":
            packages.add(name)
    return modules, packages


# --- the contract holds for geodash ---


def test_no_module_imports_a_layer_above_its_own():
    modules, packages = read_package(PACKAGE.parent)
    assert violations(modules, packages) == []


def test_the_analysis_writes_no_files():
    modules, _ = read_package(PACKAGE.parent)
    writes = {name: file_writes(source) for name, source in modules.items()
              if name.startswith("geodash.analysis")}
    assert {name: lines for name, lines in writes.items() if lines} == {}


@pytest.mark.parametrize(("importer", "target"), sorted(LATE_BOUND))
def test_every_late_bound_reference_is_still_there(importer, target):
    modules, packages = read_package(PACKAGE.parent)
    names = {imp.target for imp in imports_of(importer, modules[importer], is_package=importer in packages,
                                              known=set(modules)) if imp.by_name}
    assert target in names


# --- and the checker catches what it is for (synthetic modules) ---


def test_an_upward_import_is_a_violation_naming_module_line_and_layers():
    modules = {"geodash.dataset": "import pandas\nfrom geodash.analysis.joins import locate_sites\n",
               "geodash.analysis.joins": ""}
    assert violations(modules) == [
        "geodash.dataset:2 imports geodash.analysis.joins: model must not import the analysis layer above it"]


def test_an_import_inside_a_function_counts():
    modules = {"geodash.catalog": "def f():\n    import geodash.web.app\n", "geodash.web.app": ""}
    assert len(violations(modules)) == 1


def test_a_function_named_in_a_string_counts_unless_stated():
    modules = {"geodash.sources.base": 'LOADER = "geodash.web.app:create_app"\n', "geodash.web.app": ""}
    assert violations(modules) == ["geodash.sources.base:1 imports geodash.web.app (by name): sources must "
                                   "not import the outputs layer above it"]


def test_relative_imports_are_resolved():
    modules = {"geodash.sources": "from ..web import app\n", "geodash.web": "", "geodash.web.app": ""}
    assert violations(modules, {"geodash.sources", "geodash.web"}) == [
        "geodash.sources:1 imports geodash.web.app: sources must not import the outputs layer above it"]


def test_outputs_use_each_other_only_as_stated():
    modules = {"geodash.web.figures.derived": "from geodash.export.layers import build_layer\n",
               "geodash.web.pages.data": "from geodash.export import FORMATS\n",
               "geodash.export.layers": "from geodash.web import ids\n",
               "geodash.export": "", "geodash.web": "", "geodash.web.ids": ""}
    assert violations(modules) == [
        "geodash.export.layers:1 imports geodash.web.ids: geodash.export must not use geodash.web "
        "(see SIBLINGS)",
        "geodash.web.figures.derived:1 imports geodash.export.layers: geodash.web must not use "
        "geodash.export (see SIBLINGS)"]


@pytest.mark.parametrize("package", ["dash", "plotly.express", "flask"])
def test_the_analysis_imports_no_web_or_plotting(package):
    modules = {"geodash.analysis.coverage": f"import {package}\n"}
    assert violations(modules) == [f"geodash.analysis.coverage:1 imports {package}: the analysis layer "
                                   "knows no UI or plotting"]


def test_a_module_without_a_layer_is_reported():
    assert violations({"geodash.helpers": ""}) == [
        "geodash.helpers: belongs to no layer; add it to LAYERS in test_import_contract.py"]


def test_file_writing_in_the_analysis_is_found():
    source = ("def f(frame, path):\n    frame.to_parquet(path)\n    os.replace(path, path)\n"
              "    return open(path).read(), frame.replace(1, 2)\n")
    assert sorted(file_writes(source)) == [2, 3, 4]


def test_a_synthetic_upward_module_on_disk_fails_the_contract(tmp_path):
    package = tmp_path / "geodash"
    (package / "analysis").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "analysis" / "__init__.py").write_text("", encoding="utf-8")
    (package / "analysis" / "sneaky.py").write_text("from geodash.cli import main\n", encoding="utf-8")
    (package / "cli.py").write_text("", encoding="utf-8")
    modules, packages = read_package(tmp_path)
    assert violations(modules, packages) == [
        "geodash.analysis.sneaky:1 imports geodash.cli: analysis must not import the commands layer above it"]
    assert "geodash" in sys.modules  # the real package was never replaced
