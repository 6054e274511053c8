"""The demo's sites kept in a real PostGIS give the same Dataset and coverage as from the file.

Every test reads through the same door as a city would: a layer spec with
``database = …`` and ``table = …`` (or ``query = …``) in a copy of the demo
workspace, loaded by ``load_catalog``/``build_dataset``/``load_workspace``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

from geodash.analysis.of_dataset import district_analysis
from geodash.cache import cache_key
from geodash.catalog import load_catalog
from geodash.dataset import build_dataset
from geodash.errors import DataError, SpecError
from geodash.findings import ReportBuilder
from geodash.load import load_sites
from geodash.workspace import default_workspace, load_workspace

COLUMNS = """
[columns]
id = "id"
name = "name"
category = "kategorie"
programme = "programm"
start = "beginn"
end = "ende"
address = "adresse"
contact = "kontakt"
languages = "sprachen"
target_group = "zielgruppe"
cost = "kosten"
opening_hours = "oeffnungszeiten"
phone = "telefon"
"""

# The offer finder's columns, kept in the table as in the file (translations beside their column).
OFFER_COLUMNS = {"languages": "sprachen", "target_group": "zielgruppe", "cost": "kosten",
                 "opening_hours": "oeffnungszeiten", "opening_hours_tr": "oeffnungszeiten_tr",
                 "opening_hours_ar": "oeffnungszeiten_ar", "phone": "telefon"}


def demo_sites() -> gpd.GeoDataFrame:
    """The demo's sites as the file gives them (WGS84), read by the loader."""
    catalog = load_catalog(default_workspace())
    _, spec = catalog.sites[0]
    return load_sites(spec, catalog.path(spec), ReportBuilder())


def create_sites_table(conn, name: str, sites: gpd.GeoDataFrame, *, srid: int = 4326) -> None:
    """A sites table as a city might keep it: a primary key, a change time, a typed point column."""
    conn.execute(f"DROP TABLE IF EXISTS {name}, {name}_history")
    conn.execute(f"""CREATE TABLE {name} (
        id text PRIMARY KEY, name text, kategorie text NOT NULL, programm text, beginn integer,
        ende integer, adresse text, kontakt text, {", ".join(f"{c} text" for c in OFFER_COLUMNS.values())},
        geaendert_am timestamptz NOT NULL DEFAULT now(), geom geometry(Point, {srid}))""")
    points = sites.to_crs(epsg=srid)
    offers = points[list(OFFER_COLUMNS)].astype(object).where(points[list(OFFER_COLUMNS)] != "", None)
    rows = [(r.site_id, r.name, r.category, r.programme or None,
             None if pd.isna(r.start) else int(r.start), None if pd.isna(r.end) else int(r.end),
             r.address or None, r.contact or None, *extra, r.geometry.wkb)
            for r, extra in zip(points.itertuples(), offers.itertuples(index=False), strict=True)]
    columns = ", ".join(["id", "name", "kategorie", "programm", "beginn", "ende", "adresse", "kontakt",
                         *OFFER_COLUMNS.values(), "geom"])
    marks = ", ".join(["%s"] * (8 + len(OFFER_COLUMNS)))
    with conn.cursor() as cur:
        cur.executemany(f"INSERT INTO {name} ({columns}) VALUES ({marks}, ST_GeomFromWKB(%s, {srid}))", rows)


def database_spec(url: str, source: str) -> str:
    """The demo's sites spec, reading from the database instead of the CSV file."""
    text = (default_workspace() / "layers" / "angebote.toml").read_text(encoding="utf-8")
    text = re.sub(r'(?m)^file = .*$', f'database = "{url}"\n{source}', text)
    text = re.sub(r'(?m)^geometry = "lonlat"$', 'geometry = "geometry"', text)
    text = re.sub(r"(?s)\[table\].*?(?=\n\[columns\])", "", text)
    return re.sub(r"(?s)\[columns\].*?(?=\n# One block)", COLUMNS.strip() + "\n", text)


def copy_demo(target: Path) -> Path:
    """A writable copy of the demo workspace (specs and data)."""
    source = default_workspace()
    shutil.copytree(source / "layers", target / "layers")
    shutil.copytree(source / "geodata", target / "geodata")
    return target


@pytest.fixture(scope="module")
def sites():
    return demo_sites()


@pytest.fixture
def database_workspace(postgis_server, sites, tmp_path):
    """The demo with its sites in the table ``public.angebote`` (WGS84 points)."""
    with postgis_server.connect() as conn:
        create_sites_table(conn, "public.angebote", sites)
    workspace = copy_demo(tmp_path / "ws")
    spec = database_spec(postgis_server.url(), 'table = "public.angebote"\nupdated_at = "geaendert_am"')
    (workspace / "layers" / "angebote.toml").write_text(spec, encoding="utf-8")
    return workspace


@pytest.fixture(scope="module")
def file_dataset():
    return build_dataset(load_catalog(default_workspace()))


def write_spec(workspace: Path, spec: str) -> None:
    (workspace / "layers" / "angebote.toml").write_text(spec, encoding="utf-8")


# --- the same results as from the file ---


def test_sites_from_postgis_equal_the_sites_from_the_file(database_workspace, file_dataset):
    dataset = build_dataset(load_catalog(database_workspace))

    assert len(dataset.sites) == len(file_dataset.sites) == 52
    assert_geodataframe_equal(dataset.sites, file_dataset.sites, check_less_precise=True)


def test_coverage_and_index_from_postgis_equal_those_from_the_file(database_workspace, file_dataset):
    dataset = build_dataset(load_catalog(database_workspace))

    pd.testing.assert_frame_equal(dataset.access, file_dataset.access)
    year = file_dataset.years[-1]
    pd.testing.assert_frame_equal(district_analysis(dataset, year), district_analysis(file_dataset, year))


def test_the_crs_comes_from_the_database(postgis_server, sites, database_workspace, file_dataset):
    # The same points stored in ETRS89/UTM 32N: geometry_columns says 25832, the Dataset is WGS84 again.
    with postgis_server.connect() as conn:
        create_sites_table(conn, "public.angebote_utm", sites, srid=25832)
    write_spec(database_workspace, database_spec(postgis_server.url(), 'table = "public.angebote_utm"'))

    dataset = build_dataset(load_catalog(database_workspace))

    assert dataset.sites.crs == "EPSG:4326"
    offsets = dataset.sites.to_crs(25832).distance(file_dataset.sites.to_crs(25832))
    assert offsets.max() < 0.01  # metres


def test_a_read_only_query_can_stand_for_the_table(postgis_server, database_workspace):
    query = "SELECT * FROM public.angebote WHERE kategorie = 'qm'"
    write_spec(database_workspace, database_spec(postgis_server.url(), f'query = "{query}"'))

    dataset = build_dataset(load_catalog(database_workspace))

    assert set(dataset.sites["category"]) == {"qm"}
    assert len(dataset.sites) == (demo_sites()["category"] == "qm").sum()


def test_a_query_cannot_change_the_data(postgis_server, database_workspace):
    # A SELECT can still write through a function; the READ ONLY transaction stops it.
    with postgis_server.connect() as conn:
        conn.execute("CREATE OR REPLACE FUNCTION wipe() RETURNS integer LANGUAGE sql AS "
                     "'DELETE FROM public.angebote; SELECT 1'")
    query = "SELECT * FROM public.angebote WHERE wipe() = 1"
    write_spec(database_workspace, database_spec(postgis_server.url(), f'query = "{query}"'))

    with pytest.raises(DataError, match="read-only transaction"):
        build_dataset(load_catalog(database_workspace))
    with postgis_server.connect() as conn:
        assert conn.execute("SELECT count(*) FROM public.angebote").fetchone()[0] == 52


# --- the same errors as for files, naming spec, table and row key ---


def test_a_missing_column_names_the_table_the_spec_and_the_columns(postgis_server, database_workspace):
    write_spec(database_workspace, database_spec(postgis_server.url(), 'table = "public.angebote"')
               .replace('contact = "kontakt"', 'contact = "fax"'))

    with pytest.raises(DataError) as info:
        build_dataset(load_catalog(database_workspace))
    assert info.value.file.startswith("table public.angebote of angebote.toml in postgresql://")
    assert "has no column 'fax'" in info.value.problem and "'kontakt'" in info.value.fix


def test_a_bad_row_is_named_by_its_key(postgis_server, database_workspace):
    with postgis_server.connect() as conn:
        conn.execute("UPDATE public.angebote SET name = NULL WHERE id = 'A017'")

    with pytest.raises(DataError, match="has no name") as info:
        build_dataset(load_catalog(database_workspace))
    assert info.value.where == "row id=A017"


def test_a_missing_table_is_a_data_error_naming_it(postgis_server, database_workspace):
    write_spec(database_workspace, database_spec(postgis_server.url(), 'table = "public.gibtsnicht"'))

    with pytest.raises(DataError, match="cannot be read") as info:
        build_dataset(load_catalog(database_workspace))
    assert "table public.gibtsnicht" in info.value.file


def test_an_unreachable_database_says_where_the_password_belongs(postgis_server, database_workspace):
    write_spec(database_workspace, database_spec(postgis_server.url("gibtsnicht"), 'table = "public.a"'))

    with pytest.raises(DataError, match="cannot be reached") as info:
        build_dataset(load_catalog(database_workspace))
    assert "PGPASSFILE" in info.value.fix


# --- no secrets in specs ---


@pytest.mark.parametrize("url", ["postgresql://planung:geheim@db:5432/stadt",
                                 "postgresql://planung@db/stadt?password=geheim"])
def test_a_password_in_the_spec_is_refused(database_workspace, url):
    write_spec(database_workspace, database_spec(url, 'table = "public.angebote"'))

    with pytest.raises(SpecError, match="holds a password") as info:
        load_catalog(database_workspace)
    assert info.value.where == "key database" and "geheim" not in info.value.message


def test_environment_variables_in_the_url_are_expanded(postgis_server, database_workspace, monkeypatch):
    monkeypatch.setenv("GEODASH_TEST_DB", postgis_server.database)
    monkeypatch.setenv("PGPASSWORD_TEST", "egal")  # trust auth: any password is accepted
    url = postgis_server.url("${GEODASH_TEST_DB}").replace("geodash@", "geodash:${PGPASSWORD_TEST}@")
    write_spec(database_workspace, database_spec(url, 'table = "public.angebote"'))

    assert len(build_dataset(load_catalog(database_workspace)).sites) == 52


def test_an_unset_environment_variable_is_named(postgis_server, database_workspace, monkeypatch):
    monkeypatch.delenv("GEODASH_TEST_UNSET", raising=False)
    write_spec(database_workspace, database_spec(postgis_server.url("${GEODASH_TEST_UNSET}"),
                                                 'table = "public.angebote"'))

    with pytest.raises(SpecError, match=r"\$\{GEODASH_TEST_UNSET\}.*not set"):
        build_dataset(load_catalog(database_workspace))


# --- the cache follows a cheap change marker, and the report says when the layer was read ---


def test_the_cache_key_changes_when_a_row_changes(postgis_server, database_workspace):
    catalog = load_catalog(database_workspace)
    before = cache_key(catalog)
    assert cache_key(catalog) == before
    with postgis_server.connect() as conn:
        conn.execute("UPDATE public.angebote SET name = 'QM Neu', geaendert_am = now() WHERE id = 'A001'")

    assert cache_key(catalog) != before


def test_without_updated_at_every_row_counts_in_the_marker(postgis_server, database_workspace):
    write_spec(database_workspace, database_spec(postgis_server.url(), 'table = "public.angebote"'))
    catalog = load_catalog(database_workspace)
    before = cache_key(catalog)
    with postgis_server.connect() as conn:  # a change that does not touch geaendert_am
        conn.execute("UPDATE public.angebote SET name = 'QM Neu' WHERE id = 'A001'")

    assert cache_key(catalog) != before


def test_a_checksum_query_named_by_the_spec_is_the_marker(postgis_server, database_workspace):
    checksum = "SELECT max(beginn) FROM public.angebote"
    write_spec(database_workspace, database_spec(
        postgis_server.url(), f'table = "public.angebote"\nchecksum = "{checksum}"'))
    catalog = load_catalog(database_workspace)
    before = cache_key(catalog)
    with postgis_server.connect() as conn:
        conn.execute("UPDATE public.angebote SET name = 'QM Neu' WHERE id = 'A001'")
        assert cache_key(catalog) == before  # the spec's marker does not see names
        conn.execute("UPDATE public.angebote SET beginn = 2030 WHERE id = 'A001'")
    assert cache_key(catalog) != before


def test_a_cached_dataset_says_when_the_layer_was_last_read(database_workspace, tmp_path):
    first = load_workspace(database_workspace, cache=tmp_path / "cache")
    again = load_workspace(database_workspace, cache=tmp_path / "cache")

    notes = [f.message for f in again.report.findings if "read from table public.angebote" in f.message]
    assert len(notes) == 1 and re.search(r"52 row\(s\) read from .* at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC",
                                         notes[0])
    assert notes == [f.message for f in first.report.findings if "read from table" in f.message]


def test_validate_lists_the_database_layer_and_when_it_was_read(database_workspace, capsys):
    from geodash.cli import main

    assert main(["validate", str(database_workspace)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"sites\s+public\.angebote\s+52 rows/features read", out)
    assert re.search(r"52 row\(s\) read from table public\.angebote of angebote\.toml in postgresql://", out)


def test_a_database_error_from_the_command_line_is_one_line_without_traceback(postgis_server,
                                                                               database_workspace, capsys):
    from geodash.cli import main

    write_spec(database_workspace, database_spec(postgis_server.url(), 'table = "public.gibtsnicht"'))

    assert main(["validate", str(database_workspace)]) == 1
    err = capsys.readouterr().err
    assert "table public.gibtsnicht" in err and "Traceback" not in err


# --- a table without geometry: the indicators ---


def test_indicators_from_a_database_table_equal_those_from_the_file(postgis_server, database_workspace,
                                                                   file_dataset):
    csv = pd.read_csv(default_workspace() / "geodata" / "indikatoren.csv", sep=";", decimal=",",
                      thousands=".", encoding="cp1252", dtype={"Stadtteil-Nr": str})
    numbers = [c for c in csv.columns if c not in ("Stadtteil-Nr", "Stadtteil", "Jahr")]
    columns = ", ".join(f'"{c}" double precision' for c in numbers)
    with postgis_server.connect() as conn:
        conn.execute("DROP TABLE IF EXISTS public.indikatoren")
        conn.execute(f'CREATE TABLE public.indikatoren ("Stadtteil-Nr" text, "Stadtteil" text, '
                     f'"Jahr" integer, {columns}, PRIMARY KEY ("Stadtteil-Nr", "Jahr"))')
        with conn.cursor() as cur:
            cur.executemany(f"INSERT INTO public.indikatoren VALUES ({', '.join(['%s'] * len(csv.columns))})",
                            csv.astype(object).where(csv.notna(), None).values.tolist())
    spec_path = database_workspace / "layers" / "indikatoren.toml"
    text = spec_path.read_text(encoding="utf-8")
    source = f'database = "{postgis_server.url()}"\ntable = "public.indikatoren"'
    text = re.sub(r"(?m)^file = .*$", source, text)
    spec_path.write_text(re.sub(r"(?s)\n\[table\].*?(?=\n\[columns\])", "\n", text), encoding="utf-8")

    dataset = build_dataset(load_catalog(database_workspace))

    pd.testing.assert_frame_equal(dataset.indicators, file_dataset.indicators)


def test_csv_options_on_a_database_layer_are_refused(postgis_server, database_workspace):
    # (With table = "…" TOML itself refuses a [table] block; a query layer could still have one.)
    spec = database_spec(postgis_server.url(), 'query = "SELECT * FROM public.angebote"')
    write_spec(database_workspace, spec.replace("[columns]", '[table]\ndecimal = ","\n\n[columns]'))

    with pytest.raises(SpecError, match=r"\[table\] options .* are for CSV and XLSX files"):
        load_catalog(database_workspace)
