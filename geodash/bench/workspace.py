"""Write a synthetic city as a real geodash workspace: ``layers/*.toml`` and the files they name.

The files are what a city would hand over: a GeoPackage of blocks in
EPSG:25832, a wide indicator CSV from German Excel (``;``, decimal comma,
cp1252, Umlauts in the headers) and a lon/lat sites CSV (UTF-8 with BOM,
decimal comma).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geodash.bench.city import (
    CATEGORIES,
    INDICATORS,
    KEY_WIDTH,
    City,
    make_city,
    make_indicators,
    make_site_points,
    make_sites_table,
)

AREAS_FILE = "geodata/bloecke.gpkg"
INDICATORS_FILE = "geodata/indikatoren.csv"
SITES_FILE = "geodata/angebote.csv"

WORKSPACE_TOML = """\
kind = "workspace"
name = "Synthetische Stadt ({n} Blöcke)"
title = {{ de = "Benchmark-Stadt mit {n} Blöcken", en = "Benchmark city with {n} blocks" }}
metric_crs = "EPSG:25832"
min_year = 2000
max_year = 2030
default_indicator = "alq"
"""

AREAS_TOML = f"""\
kind = "areas"
title = {{ de = "Statistische Blöcke", en = "Statistical blocks" }}
file = "{AREAS_FILE}"
source = "Synthetisch (geodash bench)"
key_format = {{ pad = {KEY_WIDTH} }}

[columns]
key = "block_nr"
name = "name"
parent = "bezirk"
population = "einwohner"
"""

SITES_TOML = f"""\
kind = "sites"
title = {{ de = "Angebote und Projekte", en = "Offers and projects" }}
file = "{SITES_FILE}"
source = "Synthetisch (geodash bench)"
geometry = "lonlat"

[table]
encoding = "utf-8-sig"
separator = ";"
decimal = ","

[columns]
id = "ID"
name = "Name"
category = "Kategorie"
programme = "Programm"
start = "Beginn"
end = "Ende"
x = "Längengrad"
y = "Breitengrad"
"""


def indicators_toml() -> str:
    """The spec of the wide indicator table, one ``[[indicators]]`` block per column."""
    head = f"""\
kind = "indicators"
title = {{ de = "Sozialindikatoren nach Blöcken", en = "Social indicators by block" }}
file = "{INDICATORS_FILE}"
source = "Synthetisch (geodash bench)"
format = "wide"

[table]
encoding = "cp1252"
separator = ";"
decimal = ","

[columns]
key = "Block-Nr"
year = "Jahr"

[key_format]
pad = {KEY_WIDTH}
"""
    blocks = [
        f'\n[[indicators]]\nid = "{ind_id}"\ncolumn = "{column}"\nlabel = "{label}"\n'
        f'unit = "{unit}"\npolarity = "{polarity}"\ndecimals = {decimals}\n'
        f"in_index = {'true' if polarity == 'need' else 'false'}\n"
        for ind_id, column, label, unit, polarity, _, _, decimals in INDICATORS
    ]
    return head + "".join(blocks)


def categories_toml() -> str:
    """One ``[categories.CODE]`` block per site category."""
    return "".join(f'\n[categories.{code}]\nlabel = "{code}"\n' for code in CATEGORIES)


@dataclass(frozen=True)
class CityWorkspace:
    """A written workspace and the city it was made from."""

    folder: Path
    city: City
    n_sites: int


def write_city_workspace(folder: str | Path, n: int, m: int, *, seed: int = 6) -> CityWorkspace:
    """Write a synthetic city of ``n`` blocks and ``m`` sites as a workspace in ``folder``.

    Parameters
    ----------
    folder
        An empty or new folder; ``layers/`` and ``geodata/`` are created in it.
    n
        Number of blocks (areas).
    m
        Number of sites in the lon/lat CSV.
    seed
        Seed of the city; indicators and sites use seeds derived from it.

    Returns
    -------
    CityWorkspace
        The folder, for :func:`geodash.workspace.load_workspace`, and the city.
    """
    folder = Path(folder)
    (folder / "layers").mkdir(parents=True, exist_ok=True)
    (folder / "geodata").mkdir(parents=True, exist_ok=True)
    city = make_city(n, seed=seed)
    city.areas.to_file(folder / AREAS_FILE, driver="GPKG", layer="bloecke")
    write_indicators_csv(make_indicators(city.areas, seed=seed + 1), folder / INDICATORS_FILE)
    points = make_site_points(city, m, seed=seed + 2)
    write_sites_csv(make_sites_table(points, seed=seed + 3), folder / SITES_FILE)
    specs = {
        "workspace.toml": WORKSPACE_TOML.format(n=n),
        "bloecke.toml": AREAS_TOML,
        "indikatoren.toml": indicators_toml(),
        "angebote.toml": SITES_TOML + categories_toml(),
    }
    for name, text in specs.items():
        (folder / "layers" / name).write_text(text, encoding="utf-8")
    return CityWorkspace(folder=folder, city=city, n_sites=m)


def write_indicators_csv(table: pd.DataFrame, path: Path) -> None:
    """German Excel's CSV: ``;``, decimal comma, cp1252, CRLF line ends."""
    table.to_csv(path, sep=";", decimal=",", index=False, encoding="cp1252", lineterminator="\r\n")


def write_sites_csv(table: pd.DataFrame, path: Path) -> None:
    """Excel's "CSV UTF-8": ``;``, decimal comma, a byte-order mark."""
    table.to_csv(path, sep=";", decimal=",", index=False, encoding="utf-8-sig",
                 float_format="%.6f")
