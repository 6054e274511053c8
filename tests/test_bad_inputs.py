"""The catalogue of bad inputs from issue 5: each ends in the typed error, at the loader and the CLI.

One case per bad input a planner's office will produce. Each case breaks a
fresh copy of the 2×2 grid workspace in one way; the load must then raise
:class:`~geodash.errors.DataError` or :class:`~geodash.errors.SpecError`
whose message names the file and carries a fix, and ``geodash validate`` must
exit with status 1 and print exactly one line on stderr (never a traceback).
Many of these are also tested one by one, with their exact wording, in
``test_load_errors.py``, ``test_catalog.py`` and ``sources/``; this is the list
that says none is missing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pyproj
import pytest
from conftest import INDICATORS_CSV, X0, Y0

from geodash.catalog import load_catalog
from geodash.cli import main
from geodash.dataset import build_dataset
from geodash.errors import DataError, GeodashError, SpecError


def edit(path: Path, old: str, new: str, encoding: str = "utf-8") -> None:
    text = path.read_text(encoding=encoding)
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding=encoding)


def edit_features(path: Path, change: Callable[[dict], None]) -> None:
    collection = json.loads(path.read_text(encoding="utf-8"))
    change(collection)
    path.write_text(json.dumps(collection), encoding="utf-8")


def indicators_csv(ws: Path) -> Path:
    return ws / "data" / "ind.csv"


def grid_geojson(ws: Path) -> Path:
    return ws / "data" / "grid.geojson"


def write_indicators(ws: Path, text: str, encoding: str = "cp1252") -> None:
    indicators_csv(ws).write_bytes(text.encode(encoding))


def indicator_row(ws: Path, old: str, new: str) -> None:
    edit(indicators_csv(ws), old, new, encoding="cp1252")


def sites_row(ws: Path, old: str, new: str) -> None:
    edit(ws / "data" / "sites.csv", old, new, encoding="utf-8-sig")


def spec(ws: Path, name: str, old: str, new: str) -> None:
    edit(ws / "layers" / name, old, new)


def area_geometry(position: int, geometry: dict | None) -> Callable[[Path], None]:
    def change(ws: Path) -> None:
        edit_features(grid_geojson(ws),
                      lambda c: c["features"][position].__setitem__("geometry", geometry))
    return change


def indicators_as_xlsx(ws: Path) -> Path:
    """The grid's indicator table as a workbook, and the spec pointed at it."""
    book = openpyxl.Workbook()
    sheet = book.active
    for line in INDICATORS_CSV.splitlines():
        sheet.append(line.split(";"))
    path = ws / "data" / "ind.xlsx"
    book.save(path)
    spec(ws, "indicators.toml", 'file = "data/ind.csv"', 'file = "data/ind.xlsx"')
    return path


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def sites_as_geojson(ws: Path, geometry: dict) -> None:
    """A sites layer from a GeoJSON file holding one feature with ``geometry``."""
    collection = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
        "features": [{"type": "Feature", "properties": {"ID": "p1", "Name": "Treff", "Art": "qm"},
                      "geometry": geometry}],
    }
    (ws / "data" / "sites.geojson").write_text(json.dumps(collection), encoding="utf-8")
    spec(ws, "sites.toml", 'file = "data/sites.csv"', 'file = "data/sites.geojson"')
    spec(ws, "sites.toml", 'geometry = "xy"\ncrs = "EPSG:25832"', 'geometry = "geometry"')
    spec(ws, "sites.toml", 'x = "X"\ny = "Y"\n', "")


def sites_in_lonlat(ws: Path, rows: list[tuple[str, float, float]]) -> None:
    """A sites table with longitude/latitude columns holding ``rows`` (id, first, second)."""
    lines = ["ID;Name;Art;Länge;Breite"] + [
        f"{sid};Ort {sid};qm;{a:.6f};{b:.6f}".replace(".", ",") for sid, a, b in rows]
    (ws / "data" / "sites.csv").write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    spec(ws, "sites.toml", 'geometry = "xy"\ncrs = "EPSG:25832"', 'geometry = "lonlat"')
    spec(ws, "sites.toml", 'x = "X"\ny = "Y"', 'x = "Länge"\ny = "Breite"')


TO_WGS84 = pyproj.Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)


def areas_in_wgs84(ws: Path, swap: bool) -> None:
    """The grid written as a GeoJSON in degrees (no crs member), optionally as lat/lon."""
    def change(collection: dict) -> None:
        collection.pop("crs")
        for feature in collection["features"]:
            ring = [TO_WGS84.transform(x, y) for x, y in feature["geometry"]["coordinates"][0]]
            feature["geometry"]["coordinates"] = [[[b, a] if swap else [a, b] for a, b in ring]]
    edit_features(grid_geojson(ws), change)


def swapped_sites(ws: Path) -> None:
    rows = [(sid, *TO_WGS84.transform(X0 + dx, Y0 + dy)) for sid, dx, dy in
            (("s1", 500, 1500), ("s2", 1500, 500))]
    sites_in_lonlat(ws, [(sid, lat, lon) for sid, lon, lat in rows])


def second_indicator_spec(ws: Path) -> None:
    (ws / "layers" / "indicators2.toml").write_text(
        'kind = "indicators"\nfile = "data/ind.csv"\nformat = "wide"\nyear = 2022\n'
        '[columns]\nkey = "Nr"\n'
        '[[indicators]]\nid = "kinder"\nlabel = "Kinder"\npolarity = "neutral"\n', encoding="utf-8")


def indicator_twice_in_one_spec(ws: Path) -> None:
    path = ws / "layers" / "indicators.toml"
    path.write_text(path.read_text(encoding="utf-8")
                    + '[[indicators]]\nid = "alq"\nlabel = "Noch einmal"\npolarity = "need"\n',
                    encoding="utf-8")


@dataclass(frozen=True)
class BadInput:
    """One way a workspace can be broken, the error it must end in, the file it names, what it says."""

    id: str
    error: type[GeodashError]
    file: str
    says: str  # a phrase of the message that shows it is about this mistake
    breaks: Callable[[Path], None]


BAD_INPUTS = [
    # --- truncated and empty files ---
    BadInput("truncated-csv", DataError, "ind.csv", "seems cut off",
             lambda ws: write_indicators(ws, INDICATORS_CSV.rstrip("\n").rsplit(";", 1)[0])),
    BadInput("truncated-geojson", DataError, "grid.geojson", "cannot be read",
             lambda ws: truncate(grid_geojson(ws))),
    BadInput("truncated-xlsx", DataError, "ind.xlsx", "not a readable XLSX",
             lambda ws: truncate(indicators_as_xlsx(ws))),
    BadInput("empty-csv", DataError, "ind.csv", "is empty", lambda ws: write_indicators(ws, "")),
    BadInput("header-only-csv", DataError, "ind.csv", "no data rows",
             lambda ws: write_indicators(ws, INDICATORS_CSV.splitlines()[0] + "\n")),
    BadInput("empty-geojson", DataError, "grid.geojson", "cannot be read",
             lambda ws: grid_geojson(ws).write_bytes(b"")),
    # --- encoding and separator ---
    BadInput("wrong-encoding", DataError, "ind.csv", "is not utf-8 text",
             lambda ws: spec(ws, "indicators.toml", 'format = "wide"',
                             'format = "wide"\ntable = { encoding = "utf-8" }')),
    BadInput("wrong-separator", DataError, "ind.csv", "the separator seems to be ';'",
             lambda ws: spec(ws, "indicators.toml", 'format = "wide"',
                             'format = "wide"\ntable = { separator = "," }')),
    BadInput("decimal-comma-in-comma-separated-file", DataError, "ind.csv", "6 fields in this row but 5",
             lambda ws: write_indicators(ws, INDICATORS_CSV.replace(";", ","))),
    # --- missing and extra columns ---
    BadInput("missing-column", DataError, "ind.csv", "has no column 'Kinder_u6'",
             lambda ws: spec(ws, "indicators.toml", 'column = "Kinder"', 'column = "Kinder_u6"')),
    BadInput("extra-column-in-a-row", DataError, "ind.csv", "6 fields in this row but 5",
             lambda ws: indicator_row(ws, "3;Südwest;2022;15,0;450", "3;Südwest;2022;15,0;450;99")),
    # --- duplicate keys ---
    BadInput("duplicate-indicator-rows", DataError, "ind.csv", "more than one value",
             lambda ws: write_indicators(ws, INDICATORS_CSV + "01;Nordwest;2022;6,0;1.300\n")),
    BadInput("duplicate-area-keys", DataError, "grid.geojson", "the key '02' more than once",
             lambda ws: edit_features(grid_geojson(ws),
                                      lambda c: c["features"][3]["properties"].update(nr="02"))),
    BadInput("duplicate-site-ids", DataError, "sites.csv", "the site id 's1' more than once",
             lambda ws: sites_row(ws, "s3;", "s1;")),
    # --- keys that match nothing ---
    BadInput("keys-match-no-area", DataError, "ind.csv", "matches no area",
             lambda ws: spec(ws, "indicators.toml", "key_format = { pad = 2 }\n", "")),
    # --- text in numeric columns ---
    BadInput("text-in-numeric-column", DataError, "ind.csv", "'abc'",
             lambda ws: indicator_row(ws, "3;Südwest;2022;15,0", "3;Südwest;2022;abc")),
    BadInput("text-as-year", DataError, "ind.csv", "'20x3'",
             lambda ws: indicator_row(ws, "2;Nordost;2023", "2;Nordost;20x3")),
    BadInput("text-as-coordinate", DataError, "sites.csv", "'abc'",
             lambda ws: sites_row(ws, f"s2;Kurs Nordwest;kurs;{X0 + 250}", "s2;Kurs Nordwest;kurs;abc")),
    BadInput("text-as-population", DataError, "grid.geojson", "'viele'",
             lambda ws: edit_features(grid_geojson(ws),
                                      lambda c: c["features"][1]["properties"].update(ew="viele"))),
    # --- negative or impossible values ---
    BadInput("share-over-100-percent", DataError, "ind.csv", "above the possible 100",
             lambda ws: indicator_row(ws, "4;Südost;2023;22,5", "4;Südost;2023;100,5")),
    BadInput("negative-share", DataError, "ind.csv", "below the possible 0",
             lambda ws: indicator_row(ws, "4;Südost;2023;22,5", "4;Südost;2023;-0,1")),
    BadInput("negative-count", DataError, "ind.csv", "below the possible 0",
             lambda ws: indicator_row(ws, "3;Südwest;2023;16,0;500", "3;Südwest;2023;16,0;-500")),
    BadInput("negative-population", DataError, "grid.geojson", "negative population",
             lambda ws: edit_features(grid_geojson(ws),
                                      lambda c: c["features"][1]["properties"].update(ew=-5))),
    # --- years in the future ---
    BadInput("year-in-the-future", DataError, "ind.csv", "out of range",
             lambda ws: indicator_row(ws, "2;Nordost;2023", "2;Nordost;2223")),
    # --- geometries: invalid, empty, of the wrong type ---
    BadInput("invalid-geometry-beyond-repair", DataError, "grid.geojson", "cannot be repaired", area_geometry(
        1, {"type": "Polygon", "coordinates": [[[X0, Y0], [X0 + 10, Y0], [X0 + 20, Y0], [X0, Y0]]]})),
    BadInput("unclosed-ring", DataError, "grid.geojson", "closed", area_geometry(
        1, {"type": "Polygon", "coordinates": [[[X0, Y0], [X0 + 900, Y0], [X0 + 900, Y0 + 900]]]})),
    BadInput("empty-geometry", DataError, "grid.geojson", "has no geometry",
             area_geometry(1, {"type": "Polygon", "coordinates": []})),
    BadInput("null-geometry", DataError, "grid.geojson", "has no geometry", area_geometry(1, None)),
    BadInput("point-in-areas-layer", DataError, "grid.geojson", "is a Point",
             area_geometry(2, {"type": "Point", "coordinates": [X0, Y0]})),
    BadInput("polygon-in-sites-layer", DataError, "sites.geojson", "has a Polygon",
             lambda ws: sites_as_geojson(ws, {"type": "Polygon", "coordinates": [
                 [[X0, Y0], [X0 + 9, Y0], [X0 + 9, Y0 + 9], [X0, Y0]]]})),
    # --- wrong CRS ---
    BadInput("lat-lon-swapped-sites", DataError, "sites.csv", "swapped", swapped_sites),
    BadInput("lat-lon-swapped-areas", DataError, "grid.geojson", "swapped",
             lambda ws: areas_in_wgs84(ws, swap=True)),
    BadInput("utm-file-declared-wgs84", DataError, "grid.geojson", "metres, not degrees",
             lambda ws: edit_features(grid_geojson(ws), lambda c: c.pop("crs"))),
    BadInput("lonlat-columns-holding-metres", DataError, "sites.csv", "not degrees",
             lambda ws: spec(ws, "sites.toml", 'geometry = "xy"\ncrs = "EPSG:25832"',
                             'geometry = "lonlat"')),
    # --- sites far outside the city ---
    BadInput("site-far-outside-the-city", DataError, "sites.csv", "km from the nearest area",
             lambda ws: sites_row(ws, f"s4;Außerhalb;kurs;{X0 - 300}", f"s4;Außerhalb;kurs;{X0 + 100_000}")),
    # --- specs ---
    BadInput("spec-names-a-missing-file", SpecError, "zones.toml", "does not exist",
             lambda ws: (ws / "data" / "zones.geojson").unlink()),
    BadInput("indicator-defined-twice-in-one-spec", SpecError, "indicators.toml", "defined twice",
             indicator_twice_in_one_spec),
    BadInput("indicator-defined-in-two-specs", SpecError, "indicators2.toml", "defined twice",
             second_indicator_spec),
]


@pytest.mark.filterwarnings("error")  # a warning would be a second line on stderr
@pytest.mark.parametrize("bad", BAD_INPUTS, ids=[bad.id for bad in BAD_INPUTS])
def test_bad_input_ends_in_the_typed_error_naming_the_file_and_the_fix(grid_workspace, capsys, bad):
    bad.breaks(grid_workspace)

    with pytest.raises(GeodashError) as info:
        build_dataset(load_catalog(grid_workspace))

    error = info.value
    assert type(error) is bad.error, error.message
    assert Path(error.file).name == bad.file, error.message
    assert bad.says in error.message
    assert error.fix, error.message
    assert f"Fix: {error.fix}" in error.message

    assert main(["validate", str(grid_workspace)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert captured.err == f"geodash: error: {error.message}\n"
