"""The layer catalog: ``layers/*.toml`` read into typed, validated specs.

Every spec is checked before any data file is opened, so that a typo in a key
is reported with the TOML file and the key, not as a failure deep in a reader.
"""

from __future__ import annotations

import importlib
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
    """A text in German and, optionally, English and further languages.

    Other languages (for the public offer finder) are keys named by their
    ISO 639 code: ``{ de = "Familien", tr = "Aileler", ar = "العائلات" }``.

    Examples
    --------
    >>> t = Text(de="Familien", tr="Aileler")
    >>> t.get("tr"), t.get("ar"), t.get("en")
    ('Aileler', 'Familien', 'Familien')
    """

    # Extra keys are further languages; _language_keys refuses anything else.
    model_config = ConfigDict(extra="allow", frozen=True)

    de: str
    en: str | None = None

    @model_validator(mode="after")
    def _language_keys(self) -> Text:
        for key, value in (self.model_extra or {}).items():
            if not re.fullmatch(r"[a-z]{2,3}", key):
                raise ValueError(f"{key!r} is not a language code (two or three lower-case letters)")
            if not isinstance(value, str):
                raise ValueError(f"the text in {key!r} must be a string")
        return self

    def get(self, lang: str = "de") -> str:
        """Return the text in ``lang``, falling back to German."""
        if lang == "en" and self.en:
            return self.en
        other = (self.model_extra or {}).get(lang)
        return other or self.de


def _text(value: object) -> object:
    """Accept a plain string where a bilingual text is expected."""
    if isinstance(value, str):
        return {"de": value}
    return value


def _markers(value: object) -> object:
    """Missing-value markers are compared as trimmed text; numbers in TOML count as their text."""
    if isinstance(value, list):
        return [str(v).strip() if not isinstance(v, float) or not v.is_integer() else str(int(v))
                for v in value]
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


# A database table name: ``table`` or ``schema.table`` (unquoted identifiers).
_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$")
_COLUMN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")
_ENV_REFERENCE = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$")


def _check_database_url(value: str | None) -> str | None:
    """A PostgreSQL URL without a password: the password comes from ${ENV}, PGPASSFILE or a service file."""
    if value is None:
        return None
    if not value.startswith(("postgresql://", "postgres://")):
        raise ValueError("must be a PostgreSQL URL such as \"postgresql://user@host:5432/db\" "
                         "(or \"postgresql:///?service=NAME\" for a service file entry)")
    rest = value.split("://", 1)[1]
    authority = rest.split("/", 1)[0].split("?", 1)[0]
    userinfo = authority.rpartition("@")[0]
    password = userinfo.partition(":")[2] if ":" in userinfo else None
    query = rest.partition("?")[2]
    in_query = re.search(r"(?:^|&)password=([^&]*)", query)
    for secret in (password, in_query.group(1) if in_query else None):
        if secret is not None and not _ENV_REFERENCE.match(secret):
            raise ValueError("holds a password; a spec must never hold one: write ${PGPASSWORD} "
                             "(taken from the environment) or use a PGPASSFILE or a service file")
    return value


def _check_read_only_query(value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip().rstrip(";").strip()
    if not re.match(r"(?is)^(select|with)\b", text) or ";" in text:
        raise ValueError("must be one SELECT (or WITH … SELECT) statement")
    return text


class _LayerSpec(_Spec):
    kind: str
    title: Annotated[Text, Field(default_factory=lambda: Text(de=""))]
    file: str  # "" for a database layer
    database: str | None = Field(default=None, description="postgresql://user@host:5432/db, no password")
    database_table: str | None = Field(default=None, description='written as table = "schema.table"')
    query: str | None = Field(default=None, description="a read-only SELECT instead of a table")
    updated_at: str | None = Field(default=None, description="column with each row's last change")
    checksum: str | None = Field(default=None, description="a SELECT whose answer changes with the data")
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

    _valid_url = field_validator("database")(_check_database_url)
    _valid_queries = field_validator("query", "checksum")(_check_read_only_query)

    @model_validator(mode="before")
    @classmethod
    def _table_name(cls, raw: object) -> object:
        # `table = "schema.table"` names a database table; `[table]` holds a file's CSV options.
        if isinstance(raw, dict) and isinstance(raw.get("table"), str):
            raw = {**raw, "database_table": raw["table"]}
            del raw["table"]
        if isinstance(raw, dict) and "database" in raw and "file" not in raw:
            raw = {**raw, "file": ""}  # a database layer names no file; without either, file is missing
        return raw

    @model_validator(mode="after")
    def _one_source(self) -> _LayerSpec:
        if self.database is None:
            named = [k for k in ("database_table", "query", "updated_at", "checksum") if getattr(self, k)]
            if named:
                key = "table" if named[0] == "database_table" else named[0]
                raise ValueError(f"{key} is for a database layer: add database = \"postgresql://…\"")
            return self
        if self.file:
            raise ValueError("give either file or database, not both")
        if self.table != TableOptions():
            raise ValueError("[table] options (encoding, separator, decimal, …) are for CSV and XLSX "
                             "files; a database layer's values are typed: remove them")
        if (self.database_table is None) == (self.query is None):
            raise ValueError('a database layer needs table = "schema.table" or query = "SELECT …" (one)')
        if self.database_table is not None and not _TABLE_NAME.match(self.database_table):
            raise ValueError(f"table {self.database_table!r} is not a table name like \"schema.table\"")
        if self.updated_at is not None and not _COLUMN_NAME.match(self.updated_at):
            raise ValueError(f"updated_at {self.updated_at!r} is not a column name")
        return self

    @property
    def data_name(self) -> str:
        """The data as messages name it: the file, or the database table (or "query")."""
        return self.file or self.database_table or "query"


class AreaColumns(_Spec):
    """Column names of an areas file."""

    key: str
    name: str
    parent: str | None = None
    population: str | None = None


class Word(_Spec):
    """A noun in singular and plural, German and (optionally) English: the city's word for its areas."""

    singular: Text
    plural: Text

    _normalise = field_validator("singular", "plural", mode="before")(_text)

    def form(self, lang: str = "de", *, plural: bool = False, capital: bool = True) -> str:
        """The word in ``lang`` (English falls back to German), singular or plural.

        ``capital=False`` lower-cases the first letter of an English word
        ("planning area" in a sentence); German nouns keep their capital.

        Examples
        --------
        >>> DEFAULT_UNIT.form("en", plural=True), DEFAULT_UNIT.form("de", capital=False)
        ('Districts', 'Stadtteil')
        """
        text = (self.plural if plural else self.singular).get(lang)
        if not text:
            return text
        if capital:
            return text[0].upper() + text[1:]
        return text if lang == "de" else text[0].lower() + text[1:]


# The defaults when a spec names no unit (documented in the README).
DEFAULT_UNIT = Word(singular=Text(de="Stadtteil", en="district"),
                    plural=Text(de="Stadtteile", en="districts"))
DEFAULT_PARENT_UNIT = Word(singular=Text(de="Bezirk", en="borough"),
                           plural=Text(de="Bezirke", en="boroughs"))


class ParentNames(_Spec):
    """A small lookup table of the parent level: its key and its name, e.g. ``geodata/bezirke.csv``."""

    file: str
    key: str = "key"
    name: str = "name"

    @field_validator("file")
    @classmethod
    def _relative_file(cls, value: str) -> str:
        return _LayerSpec._relative_file(value)


class AreaParent(_Spec):
    """The level above the areas (Bezirk, Ortsbezirk): its key column, its names and its word.

    The names come from a column of the areas file (``name_column``) or from a
    lookup table (``names``: a path, read with the columns ``key`` and ``name``,
    or ``{ file = …, key = …, name = … }``); without either the key is shown.
    """

    column: str | None = None
    name_column: str | None = None
    names: ParentNames | None = None
    unit: Word = DEFAULT_PARENT_UNIT

    @field_validator("names", mode="before")
    @classmethod
    def _names_file(cls, value: object) -> object:
        return {"file": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_source_of_names(self) -> AreaParent:
        if self.name_column and self.names:
            raise ValueError("give the parent names either as name_column or as a names table, not both")
        return self


class AreasSpec(_LayerSpec):
    """Polygons with a key and a name: Stadtteile, Ortsbezirke, statistical blocks.

    ``unit`` is the city's word for one and for several areas (default
    Stadtteil/Stadtteile, district/districts); ``[parent]`` the level above.
    """

    kind: Literal["areas"]
    columns: AreaColumns
    unit: Word = DEFAULT_UNIT
    parent: AreaParent | None = None
    # The id of an indicator (of any indicators spec) holding the residents per area and
    # year, for boundaries that carry no population (or only one year's).
    population_indicator: str | None = None

    @model_validator(mode="after")
    def _one_parent_column(self) -> AreasSpec:
        if self.parent and self.parent.column and self.columns.parent \
                and self.parent.column != self.columns.parent:
            raise ValueError(f"columns.parent ({self.columns.parent!r}) and parent.column "
                             f"({self.parent.column!r}) differ; keep one of them")
        if self.parent and (self.parent.name_column or self.parent.names) and not self.parent_column:
            raise ValueError("parent names need the parent key column: set parent.column")
        return self

    @property
    def parent_column(self) -> str | None:
        """The parent key column, from ``[parent] column`` or the older ``columns.parent``."""
        return (self.parent.column if self.parent else None) or self.columns.parent

    @property
    def parent_unit(self) -> Word:
        """The word for the parent level (default Bezirk/Bezirke, borough/boroughs)."""
        return self.parent.unit if self.parent else DEFAULT_PARENT_UNIT


# Columns of the exported districts layer (analysis.districts) that an indicator id would
# collide with: the join would fail or export two columns of one name.
RESERVED_INDICATOR_IDS = frozenset({
    "key", "name", "parent", "parent_name", "population", "year", "geometry", "zones", "zone_share",
    "status_index", "status_class", "dynamics_index", "dynamics_class", "summary", "gap",
})
RESERVED_INDICATOR_PREFIXES = re.compile(r"^(sites_|per1000_|share\d+_)")


# How the city value of an indicator is formed from its area values (see the README).
AGGREGATES = ("mean", "weighted_mean", "median", "sum")


class IndicatorSpec(_Spec):
    """One indicator: what it measures, its unit and which way is need.

    ``aggregate`` says how its city value is formed (default ``"mean"``, the
    plain mean of the areas); a ``"weighted_mean"`` weights each area by
    ``base``: ``"population"`` (the year's residents) or the id of another
    indicator holding the base per area and year (residents under 15, the
    unemployed, children examined). ``change_of`` declares the indicator as
    the published change of another over ``change_years`` years, which the
    dynamics index then uses.
    """

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
    missing: list[str] = Field(default_factory=list)
    aggregate: Literal["mean", "weighted_mean", "median", "sum"] = "mean"
    base: str | None = None
    change_of: str | None = None
    change_years: int | None = Field(default=None, ge=1, le=20)

    _normalise = field_validator("label", "theme", "description", mode="before")(_text)
    _trim_missing = field_validator("missing", mode="before")(lambda v: _markers(v))

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
        # A share lies within 0–100 %; its published change (in points) may be negative.
        share = self.unit == "%" and self.change_of is None
        if share and self.maximum is None:
            object.__setattr__(self, "maximum", 100.0)
        if share and self.minimum is None:
            object.__setattr__(self, "minimum", 0.0)
        if (
            self.minimum is not None
            and self.maximum is not None
            and self.minimum > self.maximum
        ):
            raise ValueError("minimum is larger than maximum")
        if self.base is not None and self.aggregate != "weighted_mean":
            raise ValueError(f'base only applies to aggregate = "weighted_mean", not "{self.aggregate}"')
        if self.aggregate == "weighted_mean" and self.base is None:
            object.__setattr__(self, "base", "population")
        if (self.change_of is None) != (self.change_years is None):
            raise ValueError("change_of and change_years go together: name the indicator and the years")
        if self.change_of is not None and self.in_index:
            raise ValueError("a declared change does not enter the status index itself; set "
                             "in_index = false (it feeds the dynamics of the indicator it changes)")
        return self


class IndicatorColumns(_Spec):
    """Column names of an indicator table."""

    key: str
    year: str | None = None
    indicator: str | None = None
    value: str | None = None
    cases: str | None = None


# How a year column writes its year: each form is a pattern whose group ``year`` is the year.
YEAR_FORMATS = {
    "YYYY": r"(?P<year>\d{4})",
    "YYYYMM": r"(?P<year>\d{4})(?:0[1-9]|1[0-2])",
    "YYYY-MM-DD": r"(?P<year>\d{4})-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12]\d|3[01])(?:[ T][0-9:.]+)?",
    "DD.MM.YYYY": r"(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|1[0-2])\.(?P<year>\d{4})",
}
YEAR_EXAMPLES = {"YYYY": "2020", "YYYYMM": "202012", "YYYY-MM-DD": "2020-12-31",
                 "DD.MM.YYYY": "31.12.2020"}


class IndicatorsSpec(_LayerSpec):
    """A table of indicator values per area and year, long or wide.

    ``missing`` lists the cell texts (or numbers) that mean "no value" in the
    whole table, such as ``-9999``; ``year_format`` says how the year column
    writes its year (``YYYY``, ``YYYYMM``, ``YYYY-MM-DD`` or ``DD.MM.YYYY``).
    """

    kind: Literal["indicators"]
    format: Literal["long", "wide"]
    columns: IndicatorColumns
    year: int | None = None
    year_format: Literal["YYYY", "YYYYMM", "YYYY-MM-DD", "DD.MM.YYYY"] = "YYYY"
    missing: list[str] = Field(default_factory=list)
    indicators: list[IndicatorSpec] = Field(min_length=1)

    _trim_missing = field_validator("missing", mode="before")(lambda v: _markers(v))

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
    # Optional columns for the public offer finder (README "Offers for residents"). Beside
    # name, description and opening_hours, a column "<that column>_<lang>" (e.g. "Name_tr")
    # holds its translation and is kept as "name_tr".
    target_group: str | None = None
    languages: str | None = None
    cost: str | None = None
    opening_hours: str | None = None
    phone: str | None = None
    email: str | None = None
    web: str | None = None
    description: str | None = None
    x: str | None = None
    y: str | None = None


class Category(_Spec):
    """A site category's label and map colour."""

    label: Text
    color: str | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")

    _normalise = field_validator("label", mode="before")(_text)


class SitesSpec(_LayerSpec):
    """Points where integration work happens: offices, projects, offers.

    ``target_groups`` gives labels to the codes of the target-group column
    (``[target_groups.familien] label = { de = "Familien", tr = "Aileler" }``).
    """

    kind: Literal["sites"]
    geometry: Literal["geometry", "lonlat", "xy"] = "geometry"
    columns: SiteColumns
    categories: dict[str, Category] = Field(default_factory=dict)
    target_groups: dict[str, Category] = Field(default_factory=dict)

    _coordinates = model_validator(mode="after")(lambda self: _check_point_source(self))


class AddressColumns(_Spec):
    """Column names of an address file (official house coordinates or an OSM extract)."""

    street: str
    number: str
    suffix: str | None = None
    postcode: str | None = None
    x: str | None = None
    y: str | None = None


class AddressesSpec(_LayerSpec):
    """House addresses with a point each, for the offer finder's offline address search.

    From official house coordinates (a table with ``geometry = "xy"`` and the
    CRS) or an OpenStreetMap extract (``addr:street``, ``addr:housenumber``,
    ``addr:postcode``; points or building outlines, which count at a point inside).
    """

    kind: Literal["addresses"]
    geometry: Literal["geometry", "lonlat", "xy"] = "geometry"
    columns: AddressColumns

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
    gap_need: Literal["status_class", "quantile"] = Field(
        default="status_class",
        description="what 'high need' means in the gap: the status classes gap_classes of the "
                    "social index, or the status index above need_quantile")
    gap_classes: list[Literal["hoch", "mittel", "niedrig", "sehr niedrig"]] = Field(
        default_factory=lambda: ["niedrig", "sehr niedrig"], min_length=1,
        description="status classes of high need (gap_need = 'status_class')")
    need_quantile: float = Field(default=0.5, gt=0, lt=1)
    offer_quantile: float = Field(default=0.5, gt=0, lt=1)
    grid_spacing: float = Field(default=50.0, gt=0, description="metres between sample points")


class MapSettings(_Spec):
    """How the Karte page starts."""

    sites_visible_max: int = Field(
        default=300, ge=0,
        description="a sites layer with more sites than this starts switched off on the map")


class HistorySettings(_Spec):
    """How many versions of an uploaded data file are kept (``geodash history prune``)."""

    keep_versions: int = Field(default=20, ge=0, description="the newest N versions; 0 = no limit")
    keep_days: float = Field(default=0, ge=0, description="versions younger than D days; 0 = no limit")


class AccessSettings(_Spec):
    """Who may change data: a trusted proxy's user header and the login rules (see the README)."""

    proxy_header: str | None = Field(
        default=None, description="header in which the reverse proxy or SSO passes the user name")
    trusted_proxies: list[str] = Field(
        default_factory=list, description="addresses (or networks) of the proxies trusted to set it")
    proxy_role: Literal["editor", "viewer"] = "editor"
    viewers_must_log_in: bool = Field(default=False, description="the planning pages need a login")
    max_failed_logins: int = Field(default=5, ge=1)
    lockout_minutes: float = Field(default=15, gt=0)

    @model_validator(mode="after")
    def _proxies(self) -> AccessSettings:
        import ipaddress

        for address in self.trusted_proxies:
            ipaddress.ip_network(address, strict=False)  # ValueError names the address
        if self.proxy_header and not self.trusted_proxies:
            raise ValueError("proxy_header needs trusted_proxies: the addresses of the proxies "
                             "allowed to set it")
        return self


class ApiSettings(_Spec):
    """The machine-readable services beside the pages (``[api]`` in ``layers/workspace.toml``)."""

    ogc: bool = Field(
        default=True,
        description="serve every layer read-only as OGC API – Features under /ogcapi (QGIS, the GDI)")
    max_limit: int = Field(
        default=10_000, ge=1, le=1_000_000,
        description="the most features one page of /ogcapi items holds (a larger `limit` is capped)")


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


class FileSettings(_Spec):
    """Which data files may be read: how large a table, and whether links may leave the workspace."""

    # Reading a table holds every cell as a Python string: about 25 times the file's size at
    # the peak (measured: a 12.9 MB CSV of 400,000 rows, 344 MB). 50 MB is far above any
    # indicator table or offer list, and keeps the peak near 1.3 GB on a small server.
    max_table_mb: float = Field(
        default=50.0, gt=0,
        description="the largest CSV/XLSX table read (parsing takes about 25 times its size in memory)")
    allow_outside_workspace: bool = Field(
        default=False, description="follow symbolic links that lead out of the workspace")
class PublicSettings(_Spec):
    """The public offer finder's legal notice: the city's own texts (README "Offers for residents")."""

    imprint: Text | None = None
    privacy: Text | None = None

    _normalise = field_validator("imprint", "privacy", mode="before")(_text)


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
    history: HistorySettings = HistorySettings()
    access: AccessSettings = AccessSettings()
    files: FileSettings = FileSettings()
    api: ApiSettings = ApiSettings()
    public: PublicSettings = PublicSettings()

    _normalise = field_validator("title", "notes", mode="before")(_text)
    _valid_crs = field_validator("metric_crs")(_check_crs)

    @field_validator("metric_crs")
    @classmethod
    def _metric(cls, value: str) -> str:
        crs = pyproj.CRS.from_user_input(value)
        if not crs.is_projected:
            raise ValueError(f"{value} is not a projected (metric) CRS; use e.g. EPSG:25832")
        return value


LayerSpec = AreasSpec | IndicatorsSpec | SitesSpec | ZonesSpec | PopulationSpec | AddressesSpec


@dataclass(frozen=True)
class LayerKind:
    """One kind of layer: its spec, how many a workspace holds, its loader and what uploads it takes.

    Attributes
    ----------
    name
        The ``kind`` written in the spec file.
    spec
        The pydantic model a spec of this kind is validated against.
    count
        How many layers of this kind a workspace has: exactly ``"one"``, an
        ``"optional"`` one, or ``"many"`` (none or more).
    noun
        The kind in messages ("areas layer", "population grid").
    loader
        ``"module:function"`` of the function that reads one such layer into
        a frame of the data model, called as ``function(spec, path, context)``
        (see :func:`geodash.load.load_layer`). Named, not imported, so that the
        catalog stays below the loaders that use it (as pygeoapi's plugin
        registry names its providers).
    uploads
        The content types (``csv``, ``xlsx``, ``geojson``, ``zip``, ``gpkg``)
        an upload may replace the layer's data with; empty: no uploads.
    """

    name: str
    spec: type[_LayerSpec]
    count: Literal["one", "optional", "many"]
    noun: str
    loader: str
    uploads: tuple[str, ...] = ()

    def load_function(self):
        """The loader function :attr:`loader` names."""
        module, _, function = self.loader.partition(":")
        return getattr(importlib.import_module(module), function)


# Every layer kind, in the order the Dataset is built from them. Adding a kind
# means its spec class, its loader and one line here.
LAYER_KINDS: dict[str, LayerKind] = {
    kind.name: kind
    for kind in (
        LayerKind("areas", AreasSpec, "one", "areas layer", "geodash.load:load_areas_layer"),
        LayerKind("indicators", IndicatorsSpec, "many", "indicator table",
                  "geodash.load:load_indicators_layer", uploads=("csv", "xlsx")),
        LayerKind("sites", SitesSpec, "many", "sites layer", "geodash.load:load_sites_layer",
                  uploads=("csv", "geojson", "zip", "gpkg", "xlsx")),
        LayerKind("zones", ZonesSpec, "many", "zones layer", "geodash.load:load_zones_layer"),
        LayerKind("population", PopulationSpec, "optional", "population grid",
                  "geodash.load:load_population_layer"),
        LayerKind("addresses", AddressesSpec, "many", "addresses layer",
                  "geodash.load:load_addresses_layer"),
    )
}



def spec_classes() -> dict[str, type[_Spec]]:
    """The spec model of every ``kind`` a spec file may declare: the layer kinds and ``workspace``."""
    return {**{name: kind.spec for name, kind in LAYER_KINDS.items()}, "workspace": Settings}


@dataclass(frozen=True)
class DatabaseLocation:
    """Where a database layer's rows are: it stands where a file's path stands (messages, ids).

    ``name`` is what findings name; ``stem`` what generated site ids start with;
    ``str()`` is what an error names: the table (or query), the spec and the
    database (as written in the spec, never with a password).
    """

    url: str
    table: str | None
    spec_file: str = ""

    @property
    def name(self) -> str:
        """The table, or "query" for a query layer."""
        return self.table or "query"

    @property
    def stem(self) -> str:
        """The table without its schema (or the spec's name for a query)."""
        if self.table:
            return self.table.rpartition(".")[2]
        return Path(self.spec_file).stem or "query"

    @property
    def suffix(self) -> str:
        """No file suffix."""
        return ""

    def __str__(self) -> str:
        what = f"table {self.table}" if self.table else "query"
        spec = f" of {self.spec_file}" if self.spec_file else ""
        return f"{what}{spec} in {self.url}"


@dataclass(frozen=True)
class Catalog:
    """Every validated spec of one workspace.

    ``layers`` holds every layer spec with its file, in the order of
    :data:`LAYER_KINDS` and then of the spec files' names; :meth:`of_kind` and
    the properties named after the kinds select from it.
    """

    workspace: Path
    settings: Settings
    layers: tuple[tuple[Path, _LayerSpec], ...] = ()
    spec_files: tuple[Path, ...] = field(default=())

    def path(self, spec: _LayerSpec) -> Path | DatabaseLocation:
        """The data file a spec names, resolved inside the workspace; or where in a database it is."""
        if spec.database is not None:
            spec_file = next((p.name for p, s in self.layers if s is spec), "")
            return DatabaseLocation(spec.database, spec.database_table, spec_file)
        return self.workspace / spec.file

    def of_kind(self, kind: str) -> tuple[tuple[Path, _LayerSpec], ...]:
        """Every (spec path, spec) pair of one layer kind."""
        if kind not in LAYER_KINDS:
            raise ValueError(f"`kind` was {kind!r} but is expected to be one of {list(LAYER_KINDS)}")
        return tuple((path, spec) for path, spec in self.layers if spec.kind == kind)

    def with_spec(self, spec_path: Path, spec: _LayerSpec) -> Catalog:
        """A copy in which the layer of ``spec_path`` has ``spec`` (e.g. pointing at a staged upload)."""
        return replace(self, layers=tuple((p, spec if p == spec_path else s) for p, s in self.layers))

    @property
    def areas(self) -> tuple[Path, AreasSpec]:
        """The one areas layer."""
        return self.of_kind("areas")[0]

    @property
    def indicators(self) -> tuple[tuple[Path, IndicatorsSpec], ...]:
        """The indicator tables."""
        return self.of_kind("indicators")

    @property
    def sites(self) -> tuple[tuple[Path, SitesSpec], ...]:
        """The sites layers."""
        return self.of_kind("sites")

    @property
    def zones(self) -> tuple[tuple[Path, ZonesSpec], ...]:
        """The zones layers."""
        return self.of_kind("zones")

    @property
    def population(self) -> tuple[Path, PopulationSpec] | None:
        """The population grid, if the workspace has one."""
        return next(iter(self.of_kind("population")), None)

    @property
    def addresses(self) -> tuple[tuple[Path, AddressesSpec], ...]:
        """The addresses layers (for the offer finder's address search)."""
        return self.of_kind("addresses")

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
    if not path.is_file():
        raise SpecError("is not a file (a folder, pipe or device named like a spec).", file=path,
                        fix="remove it from layers/ or rename it so that it does not end in .toml.")
    try:
        # Windows editors (Notepad) save UTF-8 with a byte-order mark; TOML's grammar has none.
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise SpecError(
            "is not UTF-8 text.", file=path, fix="save the spec as UTF-8."
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(
            f"is not valid TOML ({exc}).", file=path, fix="correct the TOML syntax at that line."
        ) from exc
    kind = raw.get("kind")
    classes = spec_classes()
    if not isinstance(kind, str) or kind not in classes:
        allowed = ", ".join(f'"{k}"' for k in classes)
        raise SpecError(
            f"`kind` was {kind!r} but is expected to be one of {allowed}.",
            file=path,
            where="key kind",
            fix='start the file with e.g. kind = "areas".',
        )
    try:
        return classes[kind].model_validate(raw)
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


def _check_references(
    areas: tuple[Path, AreasSpec],
    indicators: tuple[tuple[Path, IndicatorsSpec], ...],
    ids: dict[str, Path],
) -> None:
    """Indicator ids named by other keys (base, change_of, population_indicator) must exist."""
    known = ", ".join(ids) or "(no indicators defined)"
    for path, spec in indicators:
        for ind in spec.indicators:
            for key, target in (("base", ind.base), ("change_of", ind.change_of)):
                if target is None or (key == "base" and target == "population"):
                    continue
                if target not in ids or target == ind.id:
                    raise SpecError(
                        f"{key} = {target!r} names no other indicator.", file=path,
                        where=f"indicator {ind.id}, key {key}",
                        fix=(f'use "population" or the id of an indicator: {known}.' if key == "base"
                             else f"use the id of an indicator: {known}."))
    path, spec = areas
    if spec.population_indicator is not None and spec.population_indicator not in ids:
        raise SpecError(
            f"population_indicator = {spec.population_indicator!r} names no indicator.", file=path,
            where="key population_indicator",
            fix=f"use the id of the indicator that holds the residents per area and year: {known}.")


def _check_counts(layers: tuple[tuple[Path, _LayerSpec], ...], layer_dir: Path) -> None:
    """Each layer kind occurs as often as its :attr:`LayerKind.count` allows."""
    for kind in LAYER_KINDS.values():
        found = [p.name for p, s in layers if s.kind == kind.name]
        if kind.count == "one" and len(found) != 1:
            raise SpecError(
                f'needs exactly one {kind.noun} (kind = "{kind.name}"), found {", ".join(found) or "none"}.',
                file=layer_dir,
                fix=f"keep one {kind.name} spec per workspace.",
            )
        if kind.count == "optional" and len(found) > 1:
            raise SpecError(f'more than one {kind.noun} (kind = "{kind.name}").', file=layer_dir,
                            fix=f"keep one {kind.noun} per workspace.")


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
    layers = tuple((p, s) for kind in LAYER_KINDS for p, s in specs if s.kind == kind)
    _check_counts(layers, layer_dir)
    indicators = tuple((p, s) for p, s in layers if isinstance(s, IndicatorsSpec))
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
        layers=layers,
        spec_files=tuple(files),
    )
    _check_references(catalog.areas, indicators, seen)
    if catalog.settings.default_indicator and catalog.settings.default_indicator not in seen:
        raise SpecError(
            f"default_indicator {catalog.settings.default_indicator!r} is not a defined indicator.",
            file=next(p for p, s in specs if isinstance(s, Settings)),
            where="key default_indicator",
            fix=f"use one of: {', '.join(seen) or '(no indicators defined)'}.",
        )
    for path, spec in layers:
        if spec.database is not None:
            continue  # a database layer: its table is checked when it is read
        data = catalog.path(spec)
        if not data.exists() and not data.is_symlink():
            raise SpecError(
                f"names the data file {spec.file!r}, which does not exist.",
                file=path,
                where="key file",
                fix=f"put the file at {data} or correct the path (relative to the workspace).",
            )
        check_data_file(data, catalog.workspace, catalog.settings, named_in=f"key file of layers/{path.name}")
    return catalog


def check_data_file(path: Path, workspace: Path, settings: Settings, *, named_in: str | None = None) -> Path:
    """Refuse a folder, FIFO, device, link out of the workspace or oversized table named as data."""
    from geodash.sources.files import check_readable

    return check_readable(path, workspace, max_table_mb=settings.files.max_table_mb,
                          allow_outside_workspace=settings.files.allow_outside_workspace,
                          named_in=named_in)
