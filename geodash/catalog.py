"""The layer catalog: ``layers/*.toml`` read into typed, validated specs.

Every spec is checked before any data file is opened, so that a typo in a key
is reported with the TOML file and the key, not as a failure deep in a reader.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Literal

import pyproj
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from geodash.errors import SpecError


class _Spec(BaseModel):
    """Base of all specs: unknown keys are mistakes, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Spec):
    """A text in German and, optionally, English."""

    de: str
    en: str | None = None

    def get(self, lang: str = "de") -> str:
        """Return the text in ``lang``, falling back to German."""
        if lang == "en" and self.en:
            return self.en
        return self.de


def _text(value: object) -> object:
    """Accept a plain string where a bilingual text is expected."""
    if isinstance(value, str):
        return {"de": value}
    return value


def _check_crs(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        pyproj.CRS.from_user_input(value)
    except pyproj.exceptions.CRSError as exc:
        raise ValueError(f"{value!r} is not a coordinate reference system ({exc})") from exc
    return value


class KeyFormat(_Spec):
    """How area keys are normalised before they are compared.

    Keys are always text. ``pad`` zero-pads numeric keys to a width, so that a
    key written as ``1`` by a spreadsheet matches ``"01"`` in the boundaries.
    """

    strip: bool = True
    pad: int | None = Field(default=None, ge=1, le=20)
    upper: bool = False


class TableOptions(_Spec):
    """How a CSV or XLSX table is read; ``auto`` detects it from the file."""

    encoding: Literal["auto", "utf-8", "utf-8-sig", "cp1252", "latin-1"] = "auto"
    separator: Literal["auto", ";", ",", "\t", "|"] = "auto"
    decimal: Literal["auto", ",", "."] = "auto"
    sheet: str | int | None = None
    skip_rows: int = Field(default=0, ge=0)


class _LayerSpec(_Spec):
    kind: str
    title: Annotated[Text, Field(default_factory=lambda: Text(de=""))]
    file: str
    layer: str | None = None
    crs: str | None = None
    source: str = ""
    notes: Annotated[Text | None, Field(default=None)] = None
    key_format: KeyFormat = KeyFormat()
    table: TableOptions = TableOptions()

    _normalise_title = field_validator("title", "notes", mode="before")(_text)
    _valid_crs = field_validator("crs")(_check_crs)

    @field_validator("file")
    @classmethod
    def _relative_file(cls, value: str) -> str:
        if Path(value).is_absolute() or ".." in Path(value).parts:
            raise ValueError("must be a path inside the workspace, relative to it")
        return value


class AreaColumns(_Spec):
    """Column names of an areas file."""

    key: str
    name: str
    parent: str | None = None
    population: str | None = None


class AreasSpec(_LayerSpec):
    """Polygons with a key and a name: Stadtteile, Ortsbezirke, statistical blocks."""

    kind: Literal["areas"]
    columns: AreaColumns


# Columns of the exported districts layer (analysis.districts) that an indicator id would
# collide with: the join would fail or export two columns of one name.
RESERVED_INDICATOR_IDS = frozenset({
    "key", "name", "parent", "population", "year", "geometry", "zones", "zone_share",
    "status_index", "status_class", "dynamics_index", "dynamics_class", "summary", "gap",
})
RESERVED_INDICATOR_PREFIXES = re.compile(r"^(sites_|per1000_|share\d+_)")


class IndicatorSpec(_Spec):
    """One indicator: what it measures, its unit and which way is need."""

    id: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]
    column: str | None = None
    cases: str | None = None
    label: Text
    unit: str = ""
    polarity: Literal["need", "resource", "neutral"]
    theme: Text = Text(de="Allgemein", en="General")
    source: str = ""
    description: Text | None = None
    in_index: bool = False
    weight: float = Field(default=1.0, gt=0)
    decimals: int = Field(default=1, ge=0, le=6)
    minimum: float | None = None
    maximum: float | None = None

    _normalise = field_validator("label", "theme", "description", mode="before")(_text)

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in RESERVED_INDICATOR_IDS or RESERVED_INDICATOR_PREFIXES.match(value):
            raise ValueError(f"{value!r} names a column of the districts layer; choose another id")
        return value

    @property
    def code(self) -> str:
        """The column (wide) or the code in the indicator column (long) that holds it."""
        return self.column or self.id

    @model_validator(mode="after")
    def _range(self) -> IndicatorSpec:
        if self.unit == "%" and self.maximum is None:
            object.__setattr__(self, "maximum", 100.0)
        if self.unit == "%" and self.minimum is None:
            object.__setattr__(self, "minimum", 0.0)
        if (
            self.minimum is not None
            and self.maximum is not None
            and self.minimum > self.maximum
        ):
            raise ValueError("minimum is larger than maximum")
        return self


class IndicatorColumns(_Spec):
    """Column names of an indicator table."""

    key: str
    year: str | None = None
    indicator: str | None = None
    value: str | None = None
    cases: str | None = None


class IndicatorsSpec(_LayerSpec):
    """A table of indicator values per area and year, long or wide."""

    kind: Literal["indicators"]
    format: Literal["long", "wide"]
    columns: IndicatorColumns
    year: int | None = None
    indicators: list[IndicatorSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _columns_for_format(self) -> IndicatorsSpec:
        cols = self.columns
        if self.format == "long" and (cols.indicator is None or cols.value is None):
            raise ValueError("a long table needs columns.indicator and columns.value")
        if cols.year is None and self.year is None:
            raise ValueError("name columns.year, or give a fixed year = YYYY for the whole table")
        ids = [ind.id for ind in self.indicators]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"indicator id(s) defined twice: {', '.join(dupes)}")
        return self


def _check_point_source(spec):
    """Points from columns need both columns, and x/y need the CRS they are in."""
    if spec.geometry in ("lonlat", "xy") and (spec.columns.x is None or spec.columns.y is None):
        raise ValueError(f'geometry = "{spec.geometry}" needs columns.x and columns.y')
    if spec.geometry == "xy" and spec.crs is None:
        raise ValueError('geometry = "xy" needs crs = "EPSG:…" naming the coordinates\' CRS')
    return spec


class SiteColumns(_Spec):
    """Column names of a sites file."""

    name: str
    category: str
    id: str | None = None
    programme: str | None = None
    start: str | None = None
    end: str | None = None
    address: str | None = None
    contact: str | None = None
    x: str | None = None
    y: str | None = None


class Category(_Spec):
    """A site category's label and map colour."""

    label: Text
    color: str | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")

    _normalise = field_validator("label", mode="before")(_text)


class SitesSpec(_LayerSpec):
    """Points where integration work happens: offices, projects, offers."""

    kind: Literal["sites"]
    geometry: Literal["geometry", "lonlat", "xy"] = "geometry"
    columns: SiteColumns
    categories: dict[str, Category] = Field(default_factory=dict)

    _coordinates = model_validator(mode="after")(lambda self: _check_point_source(self))


class ZoneColumns(_Spec):
    """Column names of a programme-area file."""

    name: str
    programme: str | None = None
    since: str | None = None
    until: str | None = None


class ZonesSpec(_LayerSpec):
    """Programme areas such as those of Soziale Stadt."""

    kind: Literal["zones"]
    columns: ZoneColumns
    programme: str | None = None


class IndexSettings(_Spec):
    """How the social index is computed (defaults: Berlin's MSS; see the README)."""

    method: str = "mss"
    period: int | None = Field(default=None, ge=1, le=20)
    status_thresholds: tuple[float, float, float] = (-1.0, 1.0, 1.5)
    dynamics_thresholds: tuple[float, float] = (-1.0, 1.0)
    weighted: bool = False
    reference: list[str] | None = None
    min_population: float = Field(default=0.0, ge=0)

    @model_validator(mode="after")
    def _ascending(self) -> IndexSettings:
        for name in ("status_thresholds", "dynamics_thresholds"):
            values = list(getattr(self, name))
            if values != sorted(values):
                raise ValueError(f"{name} must be ascending")
        return self


class CoverageSettings(_Spec):
    """How coverage and the need–offer gap are computed."""

    distances: list[float] = Field(default_factory=lambda: [500.0, 1000.0], min_length=1)
    need_quantile: float = Field(default=0.5, gt=0, lt=1)
    offer_quantile: float = Field(default=0.5, gt=0, lt=1)
    grid_spacing: float = Field(default=50.0, gt=0, description="metres between sample points")


class MapSettings(_Spec):
    """How the Karte page starts."""

    sites_visible_max: int = Field(
        default=300, ge=0,
        description="a sites layer with more sites than this starts switched off on the map")


class PopulationColumns(_Spec):
    """Column names of a population grid."""

    count: str
    x: str | None = None
    y: str | None = None


class PopulationSpec(_LayerSpec):
    """Where residents live: grid cells as points with counts (e.g. the Zensus 2022 100 m grid)."""

    kind: Literal["population"]
    geometry: Literal["geometry", "lonlat", "xy"] = "geometry"
    columns: PopulationColumns

    _coordinates = model_validator(mode="after")(lambda self: _check_point_source(self))


class Settings(_Spec):
    """Workspace-wide settings, from ``layers/workspace.toml`` (optional)."""

    kind: Literal["workspace"] = "workspace"
    name: str = "geodash"
    title: Text = Text(de="Stadtteildashboard", en="Neighbourhood dashboard")
    metric_crs: str = "EPSG:25832"
    min_year: int = Field(default=1950, ge=1800)
    max_year: int = Field(default=2100, le=2200)
    min_cases: int = Field(default=0, ge=0)
    default_indicator: str | None = None
    notes: Text | None = None
    index: IndexSettings = IndexSettings()
    coverage: CoverageSettings = CoverageSettings()
    map: MapSettings = MapSettings()

    _normalise = field_validator("title", "notes", mode="before")(_text)
    _valid_crs = field_validator("metric_crs")(_check_crs)

    @field_validator("metric_crs")
    @classmethod
    def _metric(cls, value: str) -> str:
        crs = pyproj.CRS.from_user_input(value)
        if not crs.is_projected:
            raise ValueError(f"{value} is not a projected (metric) CRS; use e.g. EPSG:25832")
        return value


LayerSpec = AreasSpec | IndicatorsSpec | SitesSpec | ZonesSpec | PopulationSpec

SPEC_CLASSES: dict[str, type[_Spec]] = {
    "areas": AreasSpec,
    "indicators": IndicatorsSpec,
    "sites": SitesSpec,
    "zones": ZonesSpec,
    "population": PopulationSpec,
    "workspace": Settings,
}


@dataclass(frozen=True)
class Catalog:
    """Every validated spec of one workspace."""

    workspace: Path
    settings: Settings
    areas: tuple[Path, AreasSpec]
    indicators: tuple[tuple[Path, IndicatorsSpec], ...] = ()
    sites: tuple[tuple[Path, SitesSpec], ...] = ()
    zones: tuple[tuple[Path, ZonesSpec], ...] = ()
    population: tuple[Path, PopulationSpec] | None = None
    spec_files: tuple[Path, ...] = field(default=())

    def path(self, spec: _LayerSpec) -> Path:
        """The data file a spec names, resolved inside the workspace."""
        return self.workspace / spec.file

    @property
    def indicator_specs(self) -> dict[str, IndicatorSpec]:
        """Every indicator of every table, by id."""
        return {ind.id: ind for _, spec in self.indicators for ind in spec.indicators}


def _format_loc(loc: Iterable[object]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item + 1}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "(top level)"


def parse_spec(path: Path) -> _Spec:
    """Read and validate one TOML spec file.

    Raises
    ------
    SpecError
        Naming the file and the key when the TOML is malformed or a key is
        missing, misspelt or has a wrong value.
    """
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise SpecError(
            "is not UTF-8 text.", file=path, fix="save the spec as UTF-8."
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(
            f"is not valid TOML ({exc}).", file=path, fix="correct the TOML syntax at that line."
        ) from exc
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in SPEC_CLASSES:
        allowed = ", ".join(f'"{k}"' for k in SPEC_CLASSES)
        raise SpecError(
            f"`kind` was {kind!r} but is expected to be one of {allowed}.",
            file=path,
            where="key kind",
            fix='start the file with e.g. kind = "areas".',
        )
    try:
        return SPEC_CLASSES[kind].model_validate(raw)
    except ValidationError as exc:
        # A misspelt key also makes the key it was meant to be "missing": name the misspelling.
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        first = errors[0]
        key = _format_loc(first["loc"])
        msg = first["msg"]
        if first["type"] == "extra_forbidden":
            msg = "is not a known key"
            fix = "remove it or correct its spelling (see `geodash init` for an example)."
        elif first["type"] == "missing":
            msg = "is required but missing"
            fix = "add it to the spec."
        elif "defined twice" in msg:
            fix = "give each indicator its own id (and column)."
        elif first["type"] == "value_error":
            fix = "change the value as the message says."
        else:
            fix = "correct the value."
        more = f" ({len(errors) - 1} more problem(s) in this file)" if len(errors) > 1 else ""
        raise SpecError(f"{msg}{more}.", file=path, where=f"key {key}", fix=fix) from None


def load_catalog(workspace: str | Path) -> Catalog:
    """Read every ``layers/*.toml`` of a workspace into a :class:`Catalog`.

    Checks that the workspace has exactly one areas layer, that indicator ids
    are unique across tables and that every named data file exists; no data
    file is read here.
    """
    workspace = Path(workspace).resolve()
    layer_dir = workspace / "layers"
    if not layer_dir.is_dir():
        raise SpecError(
            "is not a workspace: it has no layers/ folder.",
            file=workspace,
            fix="point to a folder with layers/*.toml, or create one with `geodash init DIR`.",
        )
    files = sorted(layer_dir.glob("*.toml"))
    specs = [(path, parse_spec(path)) for path in files]
    settings = [s for _, s in specs if isinstance(s, Settings)]
    if len(settings) > 1:
        raise SpecError(
            "more than one workspace settings file (kind = \"workspace\").",
            file=layer_dir,
            fix="keep one.",
        )
    areas = [(p, s) for p, s in specs if isinstance(s, AreasSpec)]
    if len(areas) != 1:
        found = ", ".join(p.name for p, _ in areas) or "none"
        raise SpecError(
            f'needs exactly one areas layer (kind = "areas"), found {found}.',
            file=layer_dir,
            fix="keep one areas spec per workspace.",
        )
    indicators = tuple((p, s) for p, s in specs if isinstance(s, IndicatorsSpec))
    seen: dict[str, Path] = {}
    for path, spec in indicators:
        for ind in spec.indicators:
            if ind.id in seen:
                raise SpecError(
                    f"indicator {ind.id!r} is defined twice (also in {seen[ind.id].name}).",
                    file=path,
                    where=f"indicator {ind.id}",
                    fix="give each indicator a unique id.",
                )
            seen[ind.id] = path
    catalog = Catalog(
        workspace=workspace,
        settings=settings[0] if settings else Settings(),
        areas=areas[0],
        indicators=indicators,
        sites=tuple((p, s) for p, s in specs if isinstance(s, SitesSpec)),
        zones=tuple((p, s) for p, s in specs if isinstance(s, ZonesSpec)),
        spec_files=tuple(files),
    )
    if catalog.settings.default_indicator and catalog.settings.default_indicator not in seen:
        raise SpecError(
            f"default_indicator {catalog.settings.default_indicator!r} is not a defined indicator.",
            file=next(p for p, s in specs if isinstance(s, Settings)),
            where="key default_indicator",
            fix=f"use one of: {', '.join(seen) or '(no indicators defined)'}.",
        )
    grids = [(p, s) for p, s in specs if isinstance(s, PopulationSpec)]
    if len(grids) > 1:
        raise SpecError("more than one population grid (kind = \"population\").", file=layer_dir,
                        fix="keep one population grid per workspace.")
    if grids:
        catalog = replace(catalog, population=grids[0])
    for path, spec in [catalog.areas, *indicators, *catalog.sites, *catalog.zones, *grids]:
        data = catalog.path(spec)
        if not data.exists():
            raise SpecError(
                f"names the data file {spec.file!r}, which does not exist.",
                file=path,
                where="key file",
                fix=f"put the file at {data} or correct the path (relative to the workspace).",
            )
    return catalog
