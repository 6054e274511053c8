"""Build the Ludwigshafen am Rhein demo workspace data in ``geodata/``.

Run from the repository root::

    /work/venv/bin/python geodata/build_demo.py

It writes six files next to this script:

- ``stadtteile.geojson``    areas: 17 statistical Stadtteile (schematic polygons)
- ``indikatoren.csv``       indicators, wide form, as a German Statistikstelle
                            writes it (``;``, decimal comma, cp1252)
- ``schuleingang.xlsx``     indicators, long form, sheet ``Daten`` under a title row
- ``angebote.csv``          sites: offices, projects and offers (UTF-8 with BOM)
- ``soziale_stadt.geojson`` zones: Soziale Stadt / Sozialer Zusammenhalt areas
- ``adressen.csv``          addresses for the offer finder: SCHEMATIC house
                            coordinates (straight rows of numbers on real street names)

What is real and what is not
----------------------------
Names, Ortsbezirke, approximate populations and the programme areas with their
years are facts from public sources (see ``README.md``). Everything else is
made up: the polygons are Voronoi cells of approximate centroids clipped to a
hand-drawn city outline (not official boundaries), the indicator values come
from a latent deprivation score plus noise, and the sites are fictional.

The script is deterministic: a fixed seed, one random stream per output, no
timestamps. Running it twice gives byte-identical files.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from openpyxl import Workbook
from openpyxl.xml.functions import tostring
from shapely.geometry import Point, Polygon

OUT_DIR = Path(__file__).resolve().parent
SEED = 2007  # the year of the Nationaler Integrationsplan
YEARS = (2019, 2020, 2021, 2022, 2023)
METRIC_CRS = "EPSG:25832"
FIXED_TIMESTAMP = datetime(2024, 1, 1, 0, 0, 0)  # for XLSX metadata and zip entries


@dataclass(frozen=True)
class Stadtteil:
    """One statistical Stadtteil and the synthetic score behind its indicators.

    Name, Ortsbezirk, approximate population and approximate centre are facts;
    ``need`` is the made-up latent deprivation score that drives every indicator.
    """

    key: str
    name: str
    ortsbezirk: str
    einwohner: int  # approximate, rounded to 100, around 2019/2020
    lon: float
    lat: float
    need: float  # synthetic: about -1.5 (little need) to +2 (much need)
    streets: tuple[str, ...]  # for address-like labels of fictional sites


# Approximate centroids of the settled part of each Stadtteil (not area
# centroids); populations rounded to 100 and summing to about 173,000.
# Oggersheim is split into four parts, whose populations are rough guesses.
# fmt: off
STADTTEILE: tuple[Stadtteil, ...] = (
    Stadtteil("01", "Mitte", "Südliche Innenstadt", 12800, 8.4440, 49.4800, 1.5,
              ("Bismarckstraße", "Ludwigstraße", "Kaiser-Wilhelm-Straße", "Wredestraße")),
    Stadtteil("02", "Süd", "Südliche Innenstadt", 18600, 8.4380, 49.4650, 0.8,
              ("Saarlandstraße", "Mundenheimer Straße", "Sudermannstraße", "Wittelsbachstraße")),
    Stadtteil("03", "Nord/Hemshof", "Nördliche Innenstadt", 18100, 8.4375, 49.4915, 1.8,
              ("Rohrlachstraße", "Bremserstraße", "Prinzregentenstraße", "Goerdelerplatz",
               "Hartmannstraße")),
    Stadtteil("04", "West", "Nördliche Innenstadt", 4900, 8.4245, 49.4835, 1.9,
              ("Lorientallee", "Heinigstraße", "Bahnhofstraße")),
    Stadtteil("05", "Friesenheim", "Friesenheim", 18900, 8.4170, 49.4990, 0.3,
              ("Sternstraße", "Luitpoldstraße", "Ebertstraße")),
    Stadtteil("06", "Oppau", "Oppau", 9500, 8.4040, 49.5170, 0.0,
              ("Edigheimer Straße", "Friesenheimer Straße", "Kirchplatz")),
    Stadtteil("07", "Edigheim", "Oppau", 7800, 8.3910, 49.5270, -0.2,
              ("Oppauer Straße", "Kreuzstraße")),
    Stadtteil("08", "Pfingstweide", "Oppau", 5900, 8.4170, 49.5350, 0.9,
              ("Budapester Straße", "Londoner Ring")),
    Stadtteil("09", "Gartenstadt", "Gartenstadt", 16900, 8.4030, 49.4570, 0.2,
              ("Maudacher Straße", "Hochfeldstraße", "Niederfeldstraße")),
    Stadtteil("10", "Mundenheim", "Mundenheim", 13600, 8.4240, 49.4550, 0.5,
              ("Rheingönheimer Straße", "Kaiserwörthdamm", "Saarlandstraße")),
    Stadtteil("11", "Oggersheim", "Oggersheim", 12300, 8.3770, 49.4905, -0.3,
              ("Schillerstraße", "Mannheimer Straße", "Speyerer Straße")),
    Stadtteil("12", "Oggersheim-West", "Oggersheim", 7300, 8.3600, 49.4870, 1.1,
              ("Comeniusstraße", "Frankenthaler Straße")),
    Stadtteil("13", "Notwende", "Oggersheim", 2400, 8.3920, 49.4970, -0.9,
              ("Notwendestraße",)),
    Stadtteil("14", "Melm", "Oggersheim", 2800, 8.3700, 49.4770, -0.8,
              ("Im Melm",)),
    Stadtteil("15", "Rheingönheim", "Rheingönheim", 7600, 8.4170, 49.4385, -0.6,
              ("Hauptstraße", "Neuhofener Straße")),
    Stadtteil("16", "Maudach", "Maudach", 6900, 8.3820, 49.4560, -1.1,
              ("Breite Straße", "Mutterstadter Straße")),
    Stadtteil("17", "Ruchheim", "Ruchheim", 6600, 8.3270, 49.4720, -1.3,
              ("Fußgönheimer Straße", "Schlossstraße")),
)
# fmt: on

# A simplified city outline (lon, lat), drawn by hand: the Rhine in the east
# from the northern tip near Pfingstweide down to the bend south-east of
# Rheingönheim, then the land boundary back north via Ruchheim and Edigheim.
# fmt: off
CITY_OUTLINE: tuple[tuple[float, float], ...] = (
    (8.4262, 49.5424), (8.4355, 49.5349), (8.4421, 49.5227), (8.4449, 49.5087),
    (8.4467, 49.4965), (8.4496, 49.4872), (8.4524, 49.4788), (8.4542, 49.4704),
    (8.4580, 49.4620), (8.4636, 49.4535), (8.4673, 49.4470), (8.4514, 49.4339),
    (8.4327, 49.4320), (8.4168, 49.4339), (8.4000, 49.4404), (8.3860, 49.4461),
    (8.3673, 49.4507), (8.3439, 49.4601), (8.3233, 49.4638), (8.3140, 49.4732),
    (8.3196, 49.4825), (8.3374, 49.4863), (8.3514, 49.4965), (8.3645, 49.5050),
    (8.3738, 49.5143), (8.3794, 49.5274), (8.3925, 49.5377), (8.4093, 49.5433),
)
# fmt: on


@dataclass(frozen=True)
class Zone:
    """A Soziale Stadt programme area and its schematic shape.

    Name, programme, years and size are facts (some approximate, see README);
    centre, aspect ratio and rotation only place the schematic octagon.
    """

    name: str
    programm: str
    seit: int
    bis: int | None
    area_ha: float
    lon: float
    lat: float
    aspect: float  # length / width of the schematic shape
    angle: float  # rotation in degrees, counter-clockwise from east


# fmt: off
ZONES: tuple[Zone, ...] = (
    Zone("Westend", "Soziale Stadt", 2000, 2011, 30.5, 8.4305, 49.4815, 1.4, 35.0),
    Zone("West", "Sozialer Zusammenhalt", 2001, None, 60.0, 8.4190, 49.4860, 1.3, -20.0),
    Zone("Oggersheim-West", "Soziale Stadt", 2000, 2019, 94.0, 8.3600, 49.4870, 1.5, 10.0),
    Zone("Mundenheim Südost", "Soziale Stadt", 2005, 2013, 40.0, 8.4320, 49.4510, 1.3, 60.0),
    Zone("Dichterquartier", "Sozialer Zusammenhalt", 2019, None, 46.0, 8.4270, 49.4630, 1.6, 0.0),
)
# fmt: on


# --------------------------------------------------------------------------
# geometry helpers


def _transformer(src: str, dst: str) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(src, dst, always_xy=True)


def _reproject(geom, src: str, dst: str):
    """Reproject shapely geometries (scalar or array) between CRSs."""
    tr = _transformer(src, dst)
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def _finish_polygon(geom) -> Polygon:
    """Round to 6 decimals, orient counter-clockwise and insist on one valid Polygon.

    Rounding comes first and validity is checked afterwards, because rounding
    is what can break a polygon.
    """
    geom = shapely.set_precision(geom, 1e-6)
    geom = shapely.orient_polygons(geom, exterior_cw=False)
    if geom.geom_type != "Polygon" or not geom.is_valid or geom.is_empty:
        raise ValueError(f"expected one valid polygon after rounding, got {geom.geom_type}")
    return geom


def city_outline() -> Polygon:
    """Return the simplified city outline in WGS84, rounded and counter-clockwise."""
    return _finish_polygon(Polygon(CITY_OUTLINE))


# --------------------------------------------------------------------------
# areas and zones


def build_areas(outline: Polygon) -> gpd.GeoDataFrame:
    """Voronoi cells of the Stadtteil centroids, clipped to the city outline.

    The cells are computed in the metric CRS, so that "nearest centroid" means
    nearest in metres, and then brought back to WGS84.
    """
    outline_m = _reproject(outline, "EPSG:4326", METRIC_CRS)
    centroids = shapely.points([(s.lon, s.lat) for s in STADTTEILE])
    if not shapely.contains(outline, centroids).all():
        raise ValueError("a Stadtteil centroid lies outside the city outline")
    centroids_m = _reproject(centroids, "EPSG:4326", METRIC_CRS)
    # ordered=True keeps cell i with centroid i; extend_to makes the diagram
    # cover the whole outline before it is clipped.
    cells = shapely.voronoi_polygons(
        shapely.multipoints(centroids_m), extend_to=outline_m.buffer(1000), ordered=True
    )
    cells_m = shapely.intersection(shapely.get_parts(cells), outline_m)
    cells_wgs = _reproject(cells_m, METRIC_CRS, "EPSG:4326")
    return gpd.GeoDataFrame(
        {
            "stt_nr": [s.key for s in STADTTEILE],
            "name": [s.name for s in STADTTEILE],
            "ortsbezirk": [s.ortsbezirk for s in STADTTEILE],
            "einwohner": np.array([s.einwohner for s in STADTTEILE], dtype="int64"),
        },
        geometry=[_finish_polygon(c) for c in cells_wgs],
        crs="EPSG:4326",
    )


def _zone_shape(zone: Zone) -> Polygon:
    """Build a stretched, rotated octagon of the zone's size (ha) around its centre."""
    # Octagon of unit "radius" stretched by aspect; scale it to the wanted area.
    angles = np.radians(np.arange(8) * 45.0 + 22.5)
    unit = np.column_stack([np.cos(angles) * zone.aspect, np.sin(angles)])
    unit_area = Polygon(unit).area
    scale = np.sqrt(zone.area_ha * 10_000 / unit_area)
    rot = np.radians(zone.angle)
    rotation = np.array([[np.cos(rot), -np.sin(rot)], [np.sin(rot), np.cos(rot)]])
    centre = _reproject(Point(zone.lon, zone.lat), "EPSG:4326", METRIC_CRS)
    coords = (unit * scale) @ rotation.T + [centre.x, centre.y]
    return _reproject(Polygon(coords), METRIC_CRS, "EPSG:4326")


def build_zones(outline: Polygon) -> gpd.GeoDataFrame:
    """Schematic programme areas, clipped to the city outline."""
    return gpd.GeoDataFrame(
        {
            "name": [z.name for z in ZONES],
            "programm": [z.programm for z in ZONES],
            "seit": pd.array([z.seit for z in ZONES], dtype="Int64"),
            "bis": pd.array([z.bis for z in ZONES], dtype="Int64"),
        },
        geometry=[_finish_polygon(_zone_shape(z).intersection(outline)) for z in ZONES],
        crs="EPSG:4326",
    )


def write_geojson(frame: gpd.GeoDataFrame, path: Path, layer: str) -> None:
    """Write RFC 7946 GeoJSON (WGS84, no ``crs`` member, 6 decimals)."""
    path.unlink(missing_ok=True)  # the GeoJSON driver does not overwrite
    frame.to_file(
        path,
        driver="GeoJSON",
        engine="pyogrio",
        layer=layer,
        layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": "6"},
    )


# --------------------------------------------------------------------------
# indicators


# The German column headers of indikatoren.csv, in order (the layer spec
# names them in `column = "..."`).
INDICATOR_COLUMNS: tuple[str, ...] = (
    "Arbeitslosenquote (%)",
    "Anteil Langzeitarbeitslose an Arbeitslosen (%)",
    "SGB-II-Quote (%)",
    "SGB-II-Quote unter 15 J. (%)",
    "Ausländeranteil (%)",
    "Anteil mit Migrationshintergrund (%)",
    "Anteil unter 18 J. (%)",
    "Anteil 65 J. und älter (%)",
)
BG_COLUMN = "Bedarfsgemeinschaften"
# Counts that are the bases of the rates above (their city values are means weighted by
# these, per year): residents 15–64 for the unemployment rate, the unemployed for the
# long-term share, children under 15 for child poverty.
BASE_COLUMNS: tuple[str, ...] = ("Einwohner 15 bis unter 65 J.", "Arbeitslose", "Kinder unter 15 J.")


def _year_profile(factors: tuple[float, ...]) -> dict[int, float]:
    return dict(zip(YEARS, factors, strict=True))


# Common year-to-year movement of each indicator, relative to 2019: the 2020
# pandemic bump in unemployment, long-term unemployment rising afterwards,
# and SGB II rising in 2022 when refugees from Ukraine moved into it.
_ALQ_YEARS = _year_profile((1.00, 1.11, 1.07, 1.00, 1.04))
_LZ_YEARS = _year_profile((1.00, 0.95, 1.12, 1.09, 1.03))
_SGB2_YEARS = _year_profile((1.00, 1.02, 0.99, 1.05, 1.07))


def build_indicator_values(rng: np.random.Generator) -> pd.DataFrame:
    """Synthetic indicator values per Stadtteil and year (wide, numeric).

    Each indicator is a smooth function of the Stadtteil's latent need score,
    with its own small random offset per Stadtteil (so indicators correlate,
    but not perfectly), a shared year profile, a small per-Stadtteil trend
    and a little noise per year.
    """
    rows = []
    for st in STADTTEILE:
        # one offset per indicator and Stadtteil, drawn once, so that years stay smooth
        off = rng.normal(0.0, 0.22, size=8)
        slope = rng.normal(0.0, 0.012, size=8)  # relative change per year
        for year in YEARS:
            t = year - YEARS[0]
            noise = rng.normal(0.0, 1.0, size=8)
            trend = 1.0 + slope * t
            alq = 7.6 * np.exp(0.40 * (st.need + off[0])) * _ALQ_YEARS[year] * trend[0]
            langzeit = (31.0 + 4.5 * (st.need + off[1])) * _LZ_YEARS[year] * trend[1]
            sgb2 = 10.5 * np.exp(0.46 * (st.need + off[2])) * _SGB2_YEARS[year] * trend[2]
            kinder = sgb2 * (1.55 + 0.08 * off[3]) * trend[3]
            # Mitte has the highest share of foreign nationals (about half).
            extra = 12.0 if st.name == "Mitte" else 0.0
            auslaender = 21.0 * np.exp(0.40 * (st.need + off[4])) + extra + 0.6 * t
            # naturalised Germans and Aussiedler add a share of their own
            migration = min(1.35 * auslaender + 8.0 + 12.0 * off[5], 82.0)
            unter18 = 16.8 + 1.1 * (st.need + off[6]) + 0.12 * t
            # Pfingstweide (built from 1967) has aged with its first residents.
            older = 5.0 if st.name == "Pfingstweide" else 0.0
            ab65 = 20.5 - 2.1 * (st.need + off[7]) + older + 0.1 * t
            values = np.array([alq, langzeit, sgb2, kinder, auslaender, migration, unter18, ab65])
            values = values + noise * np.array([0.15, 0.6, 0.25, 0.4, 0.3, 0.4, 0.15, 0.15])
            values = np.clip(values, 0.5, 95.0)
            population = st.einwohner * (1.0 + 0.006 * t)
            # Bedarfsgemeinschaften: people in SGB II (of the under-65s) per 1.9 persons.
            bg = values[2] / 100 * population * 0.80 / 1.9
            # The bases follow from the published (rounded) shares, without new random draws.
            shown = np.round(values, 1)
            under15 = population * shown[6] / 100 * 15 / 18
            working_age = population * (1 - shown[7] / 100) - population * shown[6] / 100
            working_age += under15 * 3 / 15  # the 15- to 17-year-olds
            unemployed = shown[0] / 100 * working_age
            rows.append(
                {
                    "key": st.key,
                    "name": st.name,
                    "year": year,
                    **dict(zip(INDICATOR_COLUMNS, shown, strict=True)),
                    BG_COLUMN: int(round(bg)),
                    **dict(zip(BASE_COLUMNS, (int(round(working_age)), int(round(unemployed)),
                                              int(round(under15))), strict=True)),
                }
            )
    return pd.DataFrame(rows)


def _german_decimal(value: float, decimals: int = 1) -> str:
    return f"{value:.{decimals}f}".replace(".", ",")


def _german_thousands(value: int) -> str:
    return f"{value:,d}".replace(",", ".")


def write_indicator_csv(values: pd.DataFrame, path: Path) -> None:
    """Write the wide table the way a Statistikstelle exports it from Excel.

    That is: ``;`` separator, decimal comma, ``.`` as thousands separator,
    cp1252 encoding and CRLF line ends.
    """
    header = ["Stadtteil-Nr", "Stadtteil", "Jahr", *INDICATOR_COLUMNS, BG_COLUMN, *BASE_COLUMNS]
    with path.open("w", encoding="cp1252", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        for record in values.to_dict("records"):
            writer.writerow(
                [
                    record["key"],
                    record["name"],
                    record["year"],
                    *(_german_decimal(record[col]) for col in INDICATOR_COLUMNS),
                    _german_thousands(record[BG_COLUMN]),
                    *(_german_thousands(record[col]) for col in BASE_COLUMNS),
                ]
            )


# --------------------------------------------------------------------------
# school-entry examinations (second indicator table, XLSX, long form)

SCHULEINGANG_CODES = {
    "sprachfoerderung": "Sprachförderbedarf bei der Schuleingangsuntersuchung (%)",
    "uebergewicht": "Übergewicht (inkl. Adipositas) bei der Schuleingangsuntersuchung (%)",
    "untersuchte": "Untersuchte Kinder (Anzahl): die Bezugsgröße beider Anteile",
}
SCHULEINGANG_TITLE = (
    "Schuleingangsuntersuchung nach Stadtteilen 2019–2023 "
    "(synthetische Demodaten, keine amtlichen Werte)"
)


def build_schuleingang_values(rng: np.random.Generator) -> pd.DataFrame:
    """Synthetic school-entry results per Stadtteil and year (long form).

    Small Stadtteile examine few children a year, so their values are noisier.
    """
    rows = []
    for st in STADTTEILE:
        off = rng.normal(0.0, 0.2, size=2)
        children = st.einwohner * 0.009  # about one age cohort
        noise_scale = 1.0 / np.sqrt(children / 100.0)
        for year in YEARS:
            t = year - YEARS[0]
            # pandemic years: fewer Kita days, more need for language support
            covid = 1.08 if year in (2021, 2022) else 1.0
            sprach = 24.0 * np.exp(0.45 * (st.need + off[0])) * covid * (1 + 0.01 * t)
            gewicht = 9.5 * np.exp(0.22 * (st.need + off[1])) * (1 + 0.008 * t)
            sprach += rng.normal(0.0, 1.2 * noise_scale)
            gewicht += rng.normal(0.0, 0.8 * noise_scale)
            rows.append((st.key, "sprachfoerderung", year, round(float(np.clip(sprach, 2, 90)), 1)))
            rows.append((st.key, "uebergewicht", year, round(float(np.clip(gewicht, 2, 40)), 1)))
            # The base of both shares; no random draw, so the shares above stay as they were.
            rows.append((st.key, "untersuchte", year, round(children * (1 + 0.006 * t))))
    return pd.DataFrame(rows, columns=["Stadtteil", "Merkmal", "Jahr", "Wert"])


def _normalise_xlsx(data: bytes, core_xml: bytes) -> bytes:
    """Make an XLSX byte-identical between runs.

    openpyxl stamps the save time into docProps/core.xml and the zip entries;
    we replace both with FIXED_TIMESTAMP.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            payload = core_xml if info.filename == "docProps/core.xml" else src.read(info)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, payload)
    return out.getvalue()


def write_schuleingang_xlsx(values: pd.DataFrame, path: Path) -> None:
    """Write sheet ``Daten``: a title row, the header, then one row per value.

    The key column holds text cells ("01"), as a careful Statistikstelle
    would store it so that Excel keeps the leading zero.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "Daten"
    ws.append([SCHULEINGANG_TITLE])
    ws.append(list(values.columns))
    for key, code, year, value in values.itertuples(index=False):
        ws.append([str(key), str(code), int(year), float(value)])
    for (cell,) in ws.iter_rows(min_row=3, min_col=1, max_col=1):
        cell.number_format = "@"
    ws.column_dimensions["A"].width = 11
    ws.column_dimensions["B"].width = 18

    notes = wb.create_sheet("Hinweise")
    notes.append(["Merkmal", "Bedeutung"])
    for code, meaning in SCHULEINGANG_CODES.items():
        notes.append([code, meaning])
    notes.append(["", "Synthetische Demodaten für geodash, keine amtlichen Werte."])

    wb.properties.creator = "geodash build_demo.py"
    wb.properties.lastModifiedBy = "geodash build_demo.py"
    wb.properties.title = "Schuleingangsuntersuchung (Demodaten)"
    wb.properties.created = FIXED_TIMESTAMP
    buffer = io.BytesIO()
    wb.save(buffer)  # sets properties.modified to "now"; undone below
    wb.properties.modified = FIXED_TIMESTAMP
    core_xml = tostring(wb.properties.to_tree())
    path.write_bytes(_normalise_xlsx(buffer.getvalue(), core_xml))


# --------------------------------------------------------------------------
# sites

# code: (programme, how strongly the offer follows need, number of sites);
# the Quartiersmanagement offices (qm) are listed separately in QM_OFFICES.
SITE_CATEGORIES: dict[str, tuple[str, float, int]] = {
    "biwaq": ("ESF / BIWAQ", 1.1, 6),
    "ik": ("BAMF", 0.9, 8),
    "mbe": ("BAMF", 0.9, 7),
    "jugend": ("Kommunal", 0.5, 10),
    "treff": ("Kommunal", 0.4, 9),
    "sprache": ("Ehrenamt", 0.7, 7),
}

SITE_NAMES: dict[str, tuple[str, ...]] = {
    "biwaq": (
        "BIWAQ-Projekt „Arbeit im Quartier“ {st}",
        "BIWAQ-Projekt „Perspektive Beruf“ {st}",
        "ESF-Plus-Projekt „Chancenwerkstatt“ {st}",
        "BIWAQ-Projekt „Starke Nachbarschaft – Starke Wirtschaft“ {st}",
    ),
    "ik": (
        "Integrationskurse Sprachschule Rheinufer – {st}",
        "Integrationskurse Bildungswerk Vorderpfalz – {st}",
        "Integrations- und Alphabetisierungskurse Lernhaus {st}",
        "Integrationskurse Kolleg am Ebertpark – {st}",
    ),
    "mbe": (
        "Migrationsberatung für Erwachsene (MBE) {st}",
        "Jugendmigrationsdienst (JMD) {st}",
    ),
    "jugend": (
        "Jugendtreff {st}",
        "Familienzentrum {st}",
        "Kinder- und Jugendhaus {st}",
        "Elterncafé {st}",
    ),
    "treff": (
        "Stadtteiltreff {st}",
        "Gemeinschaftshaus {st}",
        "Nachbarschaftszentrum {st}",
        "Begegnungsstätte {st}",
    ),
    "sprache": (
        "Sprachcafé {st}",
        "Sprachtreff „Deutsch am Tisch“ {st}",
        "Lesepaten und Sprachcafé {st}",
    ),
}

# (start, end) periods; end None = still running
SITE_PERIODS: dict[str, tuple[tuple[int, int | None], ...]] = {
    "biwaq": ((2015, 2018), (2019, 2022), (2023, 2026), (2023, None)),
    "ik": ((2005, None), (2012, None), (2016, None), (2018, 2022)),
    "mbe": ((2005, None), (2010, None), (2017, None)),
    "jugend": ((1995, None), (2004, None), (2011, None), (2019, None)),
    "treff": ((1987, None), (2002, None), (2014, None), (2020, None)),
    "sprache": ((2015, None), (2016, 2020), (2022, None)),
}

# The Quartiersmanagement offices, one per programme area (fictional house
# numbers; the years follow the programme, the first year of the office may differ).
# fmt: off
QM_OFFICES: tuple[tuple[str, str, str, int, int | None, str], ...] = (
    # zone, name, programme, start, end, address
    ("Westend", "Quartiersbüro Westend", "Soziale Stadt", 2000, 2011, "Bahnhofstraße 21"),
    ("West", "Quartiersmanagement West", "Sozialer Zusammenhalt", 2001, None, "Heinigstraße 48"),
    ("Oggersheim-West", "Quartiersbüro Oggersheim-West", "Soziale Stadt", 2003, 2019,
     "Comeniusstraße 7"),
    ("Mundenheim Südost", "Quartiersbüro Mundenheim Südost", "Soziale Stadt", 2005, 2013,
     "Rheingönheimer Straße 64"),
    ("Dichterquartier", "Quartiersbüro Dichterquartier", "Sozialer Zusammenhalt", 2021, None,
     "Georg-Herwegh-Straße 12"),
)
# fmt: on


def _unique(base: str, used: set[str], numbered: Callable[[int], str]) -> str:
    """Return ``base``, or ``numbered(2)``, ``numbered(3)``, … if taken; mark it used."""
    candidate, n = base, 1
    while candidate in used:
        n += 1
        candidate = numbered(n)
    used.add(candidate)
    return candidate


def _programme(code: str, programme: str, name: str, start: int) -> str:
    """Return the funding programme of one site.

    JMD is a federal youth programme, and ESF projects from 2022 on belong to
    the ESF Plus funding period.
    """
    if "JMD" in name:
        return "BMFSFJ"
    if code == "biwaq" and start >= 2022:
        return "ESF Plus / BIWAQ"
    return programme


def _slug(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "/": "-", " ": "-"})
    return "".join(c for c in text.lower().translate(table) if c.isalnum() or c == "-")


def _point_in(polygon: Polygon, centre: Point, spread_m: float, rng: np.random.Generator) -> Point:
    """Draw a random point near ``centre`` (normal spread in metres) inside ``polygon``.

    The point is rounded to 5 decimals (as written) before it is tested, and
    kept at least 30 m from the polygon's edge so that it stays inside after
    any later rounding.
    """
    to_m = _transformer("EPSG:4326", METRIC_CRS)
    to_wgs = _transformer(METRIC_CRS, "EPSG:4326")
    cx, cy = to_m.transform(centre.x, centre.y)
    inner = _reproject(polygon, "EPSG:4326", METRIC_CRS).buffer(-30)
    for _ in range(1000):
        x, y = rng.normal([cx, cy], spread_m)
        if inner.contains(Point(x, y)):
            lon, lat = to_wgs.transform(x, y)
            candidate = Point(round(lon, 5), round(lat, 5))
            if polygon.contains(candidate):
                return candidate
    raise RuntimeError("could not place a site inside its polygon")


def build_sites(
    areas: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Fictional sites, placed preferentially in high-need Stadtteile.

    Quartiersmanagement offices sit inside their programme area; every other
    category draws its Stadtteile with weights population × exp(k · need),
    where k says how strongly the offer follows need.
    """
    cells = dict(zip(areas["stt_nr"], areas.geometry, strict=True))
    zone_shapes = dict(zip(zones["name"], zones.geometry, strict=True))
    rows: list[dict[str, object]] = []

    for zone_name, name, programme, start, end, address in QM_OFFICES:
        zone = zone_shapes[zone_name]
        point = _point_in(zone, zone.centroid, 60.0, rng)
        rows.append(
            {
                "Name": name,
                "Kategorie": "qm",
                "Programm": programme,
                "Beginn": start,
                "Ende": end,
                "Adresse": address,
                "Kontakt": f"qm.{_slug(zone_name)}@example.org",
                "point": point,
            }
        )

    population = np.array([st.einwohner for st in STADTTEILE], dtype=float)
    need = np.array([st.need for st in STADTTEILE])
    used_names: set[str] = set()
    used_contacts: set[str] = set()
    for code, (programme, k, count) in SITE_CATEGORIES.items():
        weights = population * np.exp(k * need)
        chosen = rng.choice(len(STADTTEILE), size=count, p=weights / weights.sum())
        templates = SITE_NAMES[code]
        for i, idx in enumerate(chosen):
            st = STADTTEILE[int(idx)]
            base = templates[i % len(templates)].format(st=st.name)
            name = _unique(base, used_names, lambda n, b=base: f"{b} {n}")
            mailbox = f"{code}.{_slug(st.name)}"
            contact = _unique(
                f"{mailbox}@example.org", used_contacts, lambda n, m=mailbox: f"{m}{n}@example.org"
            )
            start, end = SITE_PERIODS[code][int(rng.integers(len(SITE_PERIODS[code])))]
            street = st.streets[int(rng.integers(len(st.streets)))]
            house_number = int(rng.integers(1, 120))
            point = _point_in(cells[st.key], Point(st.lon, st.lat), 450.0, rng)
            rows.append(
                {
                    "Name": name,
                    "Kategorie": code,
                    "Programm": _programme(code, programme, name, start),
                    "Beginn": start,
                    "Ende": end,
                    "Adresse": f"{street} {house_number}",
                    "Kontakt": contact,
                    "point": point,
                }
            )

    sites = pd.DataFrame(rows)
    sites.insert(0, "ID", [f"A{i + 1:03d}" for i in range(len(sites))])
    return sites


# What the offer finder shows: languages, target groups, cost and opening times per category
# (fictional). Drawn from their own random stream, after the sites: the sites themselves (and
# every number computed from them) do not change when these do.
OFFER_LANGUAGES: dict[str, tuple[str, ...]] = {
    "qm": ("de", "tr", "ar", "ru", "uk", "en", "pl", "ro"),
    "biwaq": ("de", "en", "tr", "ar", "ro", "bg"),
    "ik": ("de", "en", "ar", "tr", "ru", "uk", "fa"),
    "mbe": ("de", "tr", "ar", "ru", "uk", "fa", "ku"),
    "jugend": ("de", "tr", "ar", "en"),
    "treff": ("de", "tr", "ar", "ru", "pl"),
    "sprache": ("de", "uk", "ru", "ar", "tr", "en"),
}
OFFER_GROUPS: dict[str, tuple[str, ...]] = {
    "qm": ("alle",), "biwaq": ("erwachsene", "frauen"), "ik": ("erwachsene",),
    "mbe": ("erwachsene", "familien", "jugendliche"), "jugend": ("kinder", "jugendliche", "familien"),
    "treff": ("alle", "senioren", "familien"), "sprache": ("erwachsene", "frauen", "senioren"),
}
OFFER_COSTS: dict[str, tuple[str, ...]] = {
    "qm": ("kostenlos",), "biwaq": ("kostenlos",), "ik": ("kostenlos", "2,29 € pro Unterrichtsstunde"),
    "mbe": ("kostenlos",), "jugend": ("kostenlos", "kostenlos", "1 € pro Besuch"),
    "treff": ("kostenlos", "Spende erbeten"), "sprache": ("kostenlos",),
}
# German, Turkish, Arabic
OFFER_HOURS: tuple[tuple[str, str, str], ...] = (
    ("Mo–Fr 9–12 Uhr", "Pzt–Cum 9–12", "الاثنين–الجمعة 9–12"),
    ("Di und Do 14–17 Uhr", "Salı ve Perşembe 14–17", "الثلاثاء والخميس 14–17"),
    ("Mo–Do 8:30–16 Uhr", "Pzt–Per 8:30–16", "الاثنين–الخميس 8:30–16"),
    ("Mi 10–12 Uhr und nach Vereinbarung", "Çar 10–12 ve randevu ile", "الأربعاء 10–12 وبموعد"),
    ("Mo–Fr 14–19 Uhr", "Pzt–Cum 14–19", "الاثنين–الجمعة 14–19"),
)


def add_offer_details(sites: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Languages, target groups, cost, opening times and a phone number for every site (fictional).

    Every offer is given in German and two to four further languages; one in
    seven has no opening times and one in nine no language list, so that the
    Daten page has something to report.
    """
    languages, groups, costs, hours, hours_tr, hours_ar, phones = [], [], [], [], [], [], []
    for i, code in enumerate(sites["Kategorie"]):
        pool = OFFER_LANGUAGES[code]
        size = min(int(rng.integers(2, 5)), len(pool) - 1)
        extra = rng.choice(np.arange(1, len(pool)), size=size, replace=False)
        listed = ["de", *(pool[int(j)] for j in sorted(extra))]
        languages.append("" if i % 9 == 4 else ", ".join(listed))
        group_pool = OFFER_GROUPS[code]
        groups.append(", ".join(sorted({group_pool[int(j)] for j in rng.integers(len(group_pool), size=2)})))
        costs.append(OFFER_COSTS[code][int(rng.integers(len(OFFER_COSTS[code])))])
        de, tr, ar = OFFER_HOURS[int(rng.integers(len(OFFER_HOURS)))]
        missing = i % 7 == 3
        hours.append("" if missing else de)
        hours_tr.append("" if missing else tr)
        hours_ar.append("" if missing else ar)
        phones.append(f"0621 {int(rng.integers(100, 999))} {int(rng.integers(10, 99))}")
    return sites.assign(Sprachen=languages, Zielgruppe=groups, Kosten=costs, Oeffnungszeiten=hours,
                        Oeffnungszeiten_tr=hours_tr, Oeffnungszeiten_ar=hours_ar, Telefon=phones)


def write_sites_csv(sites: pd.DataFrame, path: Path) -> None:
    """Write the sites as Excel would save "CSV UTF-8": BOM, ``;``, decimal comma."""
    header = [
        "ID",
        "Name",
        "Kategorie",
        "Programm",
        "Beginn",
        "Ende",
        "Adresse",
        "Kontakt",
        "Längengrad",
        "Breitengrad",
        "Sprachen",
        "Zielgruppe",
        "Kosten",
        "Öffnungszeiten",
        "Öffnungszeiten_tr",
        "Öffnungszeiten_ar",
        "Telefon",
    ]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        for site in sites.to_dict("records"):
            point = site["point"]
            writer.writerow(
                [
                    site["ID"],
                    site["Name"],
                    site["Kategorie"],
                    site["Programm"],
                    site["Beginn"],
                    "" if pd.isna(site["Ende"]) else int(site["Ende"]),
                    site["Adresse"],
                    site["Kontakt"],
                    _german_decimal(point.x, 5),
                    _german_decimal(point.y, 5),
                    site["Sprachen"],
                    site["Zielgruppe"],
                    site["Kosten"],
                    site["Oeffnungszeiten"],
                    site["Oeffnungszeiten_tr"],
                    site["Oeffnungszeiten_ar"],
                    site["Telefon"],
                ]
            )


# --------------------------------------------------------------------------
# addresses (schematic)

# Postcodes by Ortsbezirk (real codes of the city, one per Ortsbezirk here for simplicity).
POSTCODES = {
    "Südliche Innenstadt": "67059", "Nördliche Innenstadt": "67063", "Friesenheim": "67063",
    "Oppau": "67069", "Gartenstadt": "67065", "Mundenheim": "67061", "Oggersheim": "67071",
    "Rheingönheim": "67067", "Maudach": "67067", "Ruchheim": "67071",
}
# Streets for the address list beyond those of the sites: Stadtteil key -> street names.
EXTRA_STREETS: dict[str, tuple[str, ...]] = {
    "01": ("Ludwigsplatz",),
    "05": ("Bürgermeister-Grünzweig-Straße",),
}
HOUSES_PER_STREET = 60  # numbers 1–60: odd on one side, even on the other
HOUSE_SPACING_M = 14.0  # along the street, between two numbers on one side


def build_addresses(areas: gpd.GeoDataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """A schematic address list: every street a straight row of houses near its Stadtteil's centre.

    Street names are real names of the city, but each street is a straight line
    of made-up direction through a point near its Stadtteil's centre; odd numbers
    lie 10 m to one side, even numbers 10 m to the other. Houses that fall
    outside the Stadtteil are dropped. A street name in two Stadtteile continues
    its numbers in the second.
    """
    to_m = _transformer("EPSG:4326", METRIC_CRS)
    cells = dict(zip(areas["stt_nr"], areas.to_crs(METRIC_CRS).geometry, strict=True))
    next_number: dict[str, int] = {}
    rows = []
    for st in STADTTEILE:
        cx, cy = to_m.transform(st.lon, st.lat)
        for street in (*st.streets, *EXTRA_STREETS.get(st.key, ())):
            angle = rng.uniform(0, np.pi)
            start = rng.normal([cx, cy], 250.0)
            direction = np.array([np.cos(angle), np.sin(angle)])
            side = np.array([-direction[1], direction[0]]) * 10.0
            first = next_number.get(street, 1)
            numbers = np.arange(first, first + HOUSES_PER_STREET)
            along = ((numbers - first) // 2)[:, None] * HOUSE_SPACING_M * direction
            xy = start + along + np.where((numbers % 2 == 1)[:, None], side, -side)
            inside = shapely.contains_xy(cells[st.key], xy[:, 0], xy[:, 1])
            for number, (x, y) in zip(numbers[inside], xy[inside], strict=True):
                rows.append({"STN": street, "HNR": int(number), "ADZ": "", "PLZ": POSTCODES[st.ortsbezirk],
                             "ORT": "Ludwigshafen am Rhein", "RW": float(x), "HW": float(y)})
            next_number[street] = first + HOUSES_PER_STREET
    return pd.DataFrame(rows)


def write_addresses_csv(addresses: pd.DataFrame, path: Path) -> None:
    """Write the addresses as house coordinates are delivered: ``;``, UTM 32N metres, decimal comma."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(["STN", "HNR", "ADZ", "PLZ", "ORT", "RW", "HW"])
        for row in addresses.to_dict("records"):
            writer.writerow([row["STN"], row["HNR"], row["ADZ"], row["PLZ"], row["ORT"],
                             _german_decimal(row["RW"], 1), _german_decimal(row["HW"], 1)])


# --------------------------------------------------------------------------
# checks and entry point


def check_tiling(areas: gpd.GeoDataFrame, outline: Polygon) -> None:
    """Fail loudly if the written cells do not tile the outline."""
    metric = areas.to_crs(METRIC_CRS)
    outline_m = gpd.GeoSeries([outline], crs="EPSG:4326").to_crs(METRIC_CRS).iloc[0]
    if not shapely.coverage_is_valid(metric.geometry.values):
        raise ValueError("Stadtteil cells overlap or have slivers")
    gap = abs(metric.area.sum() - outline_m.area) / outline_m.area
    if gap > 1e-4:
        raise ValueError(f"cells cover the outline only to within {gap:.2%}")


def main() -> None:
    """Build every demo file in ``geodata/``."""
    # One independent stream per output: changing one table leaves the others alone.
    rng_indicators, rng_school, rng_sites, rng_offers, rng_addresses = (
        np.random.default_rng([SEED, stream]) for stream in (1, 2, 3, 4, 5)
    )
    outline = city_outline()
    areas = build_areas(outline)
    check_tiling(areas, outline)
    zones = build_zones(outline)
    write_geojson(areas, OUT_DIR / "stadtteile.geojson", "stadtteile")
    write_geojson(zones, OUT_DIR / "soziale_stadt.geojson", "soziale_stadt")
    write_indicator_csv(build_indicator_values(rng_indicators), OUT_DIR / "indikatoren.csv")
    write_schuleingang_xlsx(build_schuleingang_values(rng_school), OUT_DIR / "schuleingang.xlsx")
    sites = add_offer_details(build_sites(areas, zones, rng_sites), rng_offers)
    write_sites_csv(sites, OUT_DIR / "angebote.csv")
    write_addresses_csv(build_addresses(areas, rng_addresses), OUT_DIR / "adressen.csv")
    for name in (
        "stadtteile.geojson",
        "soziale_stadt.geojson",
        "indikatoren.csv",
        "schuleingang.xlsx",
        "angebote.csv",
        "adressen.csv",
    ):
        print(f"wrote {OUT_DIR / name} ({(OUT_DIR / name).stat().st_size:,d} bytes)")


if __name__ == "__main__":
    main()
