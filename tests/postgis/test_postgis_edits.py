"""Offers kept in the database: an accepted upload replaces the rows in one transaction, history kept.

Two editors accepting at the same time (two processes, two connections) take
turns on the table's lock: each change is written whole, and the one replaced
first is kept in ``<table>_history`` with its time and editor.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geodash.catalog import load_catalog
from geodash.dataset import build_dataset
from geodash.errors import DataError
from geodash.uploads import accept_upload, stage_upload

from .test_postgis_source import copy_demo, create_sites_table, database_spec, demo_sites

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def workspace(postgis_server, tmp_path):
    with postgis_server.connect() as conn:
        create_sites_table(conn, "public.angebote", demo_sites())
    root = copy_demo(tmp_path / "ws")
    (root / "layers" / "angebote.toml").write_text(
        database_spec(postgis_server.url(), 'table = "public.angebote"\nupdated_at = "geaendert_am"'),
        encoding="utf-8")
    return root


def upload_geojson(names: dict[str, str], *, x: float = 8.43, y: float = 49.48) -> bytes:
    """A GeoJSON with the table's column names: one site per (id, name), all in one category."""
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [x + i * 0.001, y]},
                 "properties": {"id": site_id, "name": name, "kategorie": "qm", "programm": "Soziale Stadt",
                                "beginn": 2024, "ende": None, "adresse": "Marktplatz 1", "kontakt": "",
                                "sprachen": "de, tr", "zielgruppe": "alle", "kosten": "kostenlos",
                                "oeffnungszeiten": "Mo 9–12 Uhr", "oeffnungszeiten_tr": "",
                                "oeffnungszeiten_ar": "", "telefon": ""}}
                for i, (site_id, name) in enumerate(names.items())]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def table_rows(server, table: str = "public.angebote") -> list[tuple]:
    with server.connect() as conn:
        return conn.execute(f"SELECT id, name FROM {table} ORDER BY id").fetchall()


def test_an_accepted_upload_replaces_the_rows_and_keeps_the_previous_ones(postgis_server, workspace):
    preview = stage_upload(workspace, "angebote.toml", upload_geojson({"N1": "QM Neu", "N2": "Treff Neu"}),
                           name="neu.geojson")
    assert preview.rows == 2

    change = accept_upload(preview, workspace, by="anna")

    assert change.kept == "public.angebote_history"
    assert table_rows(postgis_server) == [("N1", "QM Neu"), ("N2", "Treff Neu")]
    with postgis_server.connect() as conn:
        history = conn.execute("SELECT count(*), min(changed_by), max(changed_by), "
                               "bool_and(changed_at <= now()) FROM public.angebote_history").fetchone()
    assert history == (52, "anna", "anna", True)
    dataset = build_dataset(load_catalog(workspace))
    assert sorted(dataset.sites["site_id"]) == ["N1", "N2"]
    assert dataset.sites.set_index("site_id").loc["N1", "area_key"] is not None


def test_a_refused_upload_changes_nothing_in_the_database(postgis_server, workspace):
    far_away = upload_geojson({"X1": "Irgendwo"}, x=13.4, y=52.5)  # Berlin, not Ludwigshafen

    with pytest.raises(DataError, match="km from the nearest area"):
        stage_upload(workspace, "angebote.toml", far_away, name="falsch.geojson")
    assert len(table_rows(postgis_server)) == 52


def test_a_database_layer_takes_no_csv(workspace):
    with pytest.raises(DataError, match="kept in a database"):
        stage_upload(workspace, "angebote.toml", b"id;name\nA;B\n", name="neu.csv")


WORKER = """
import json, sys
import geopandas as gpd
from geodash.catalog import load_catalog
from geodash.sources.postgis_history import replace_rows
workspace, who, upload = sys.argv[1:4]
catalog = load_catalog(workspace)
location = catalog.path(catalog.sites[0][1])
frame = gpd.read_file(upload)
print("ready", flush=True)
replace_rows(location, frame, who)
print("done", flush=True)
"""


def test_two_editors_at_once_both_keep_their_change(postgis_server, workspace, tmp_path):
    uploads = {"anna": {"A1": "Annas Treff"}, "ben": {"B1": "Bens Treff", "B2": "Bens Kurs"}}
    for who, names in uploads.items():
        (tmp_path / f"{who}.geojson").write_bytes(upload_geojson(names))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    # Hold the table's lock so that both editors are surely waiting at the same time.
    with postgis_server.connect(autocommit=False) as blocker:
        blocker.execute("LOCK TABLE public.angebote IN EXCLUSIVE MODE")
        workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(workspace), who,
                                     str(tmp_path / f"{who}.geojson")], env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True) for who in uploads]
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with postgis_server.connect() as conn:
                waiting = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                                       "'geodash' AND wait_event_type = 'Lock'").fetchone()[0]
            if waiting == 2 or any(w.poll() is not None for w in workers):
                break
            time.sleep(0.2)
        assert waiting == 2, [w.communicate(timeout=30) for w in workers if w.poll() is not None]
        blocker.rollback()
    results = [w.communicate(timeout=120) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], results

    with postgis_server.connect() as conn:
        history = conn.execute("SELECT changed_by, array_agg(id ORDER BY id) FROM public.angebote_history "
                               "GROUP BY changed_at, changed_by ORDER BY changed_at").fetchall()
    current = [site_id for site_id, _ in table_rows(postgis_server)]
    (first, replaced_original), (second, replaced_first) = history
    assert {first, second} == {"anna", "ben"}
    assert len(replaced_original) == 52  # the first editor replaced the demo's rows
    assert replaced_first == sorted(uploads[first])  # the second replaced the first's change, kept here
    assert current == sorted(uploads[second])


def test_a_kept_version_comes_back_and_the_replaced_rows_are_kept_too(postgis_server, workspace):
    from geodash.sources.postgis_history import history_versions, restore_rows

    location = load_catalog(workspace).path(load_catalog(workspace).sites[0][1])
    assert history_versions(location) == []
    with pytest.raises(DataError, match="has no kept version"):
        restore_rows(location, "anna")
    preview = stage_upload(workspace, "angebote.toml", upload_geojson({"N1": "QM Neu"}), name="neu.geojson")
    accept_upload(preview, workspace, by="anna")

    restored = restore_rows(location, "ben")

    assert len(table_rows(postgis_server)) == 52  # the demo's rows are back
    versions = history_versions(location)
    assert [(who, rows) for _, who, rows in versions] == [("ben", 1), ("anna", 52)]
    assert versions[1][0] == restored


def test_a_running_worker_notices_an_edit_made_in_the_database(postgis_server, workspace, monkeypatch):
    """Another worker's accepted upload (or an edit in QGIS) is served after the next check."""
    from geodash.web import live

    monkeypatch.setattr(live, "DATABASE_CHECK_S", 0.0)
    served = live.LiveDataset(build_dataset(load_catalog(workspace)))
    assert served.refresh() is False  # nothing changed yet

    with postgis_server.connect() as conn:
        conn.execute("UPDATE public.angebote SET name = 'Quartiersbüro Neu', "
                     "geaendert_am = now() + interval '1 minute' WHERE id = 'A001'")

    assert served.refresh() is True
    assert served.current.sites.set_index("site_id").loc["A001", "name"] == "Quartiersbüro Neu"
    assert served.refresh() is False  # and only once


def test_a_worker_asks_the_database_at_most_every_few_seconds(postgis_server, workspace):
    from geodash.web import live

    served = live.LiveDataset(build_dataset(load_catalog(workspace)))
    with postgis_server.connect() as conn:
        conn.execute("UPDATE public.angebote SET geaendert_am = now() + interval '1 minute' "
                     "WHERE id = 'A001'")

    assert served.refresh() is False  # the next question is DATABASE_CHECK_S (10 s) away
