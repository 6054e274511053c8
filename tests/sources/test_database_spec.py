"""Database layer specs, checked before anything connects: no password, one table or one SELECT."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from geodash.catalog import DatabaseLocation, SitesSpec
from geodash.errors import SpecError
from geodash.sources import SOURCES, source_for
from geodash.sources.postgis import expand_url

URL = "postgresql://planung@db.stadt.local:5432/stadtdaten"


def sites(**keys) -> SitesSpec:
    return SitesSpec.model_validate({"kind": "sites", "columns": {"name": "name", "category": "art"},
                                     **keys})


def test_a_database_layer_names_a_table_and_is_read_by_the_postgis_source():
    spec = sites(database=URL, table="soziales.angebote")

    assert (spec.database_table, spec.file, spec.data_name) == ("soziales.angebote", "", "soziales.angebote")
    assert source_for(spec, DatabaseLocation(URL, "soziales.angebote")) is SOURCES["postgis"]


@pytest.mark.parametrize(("keys", "message"), [
    ({"database": URL}, 'needs table = "schema.table" or query = "SELECT …"'),
    ({"database": URL, "table": "a", "query": "SELECT 1"}, "(one)"),
    ({"database": URL, "table": "a; DROP TABLE b"}, "is not a table name"),
    ({"database": URL, "query": "DELETE FROM angebote"}, "must be one SELECT"),
    ({"database": URL, "query": "SELECT 1; DELETE FROM angebote"}, "must be one SELECT"),
    ({"database": URL, "table": "a", "updated_at": "x y"}, "is not a column name"),
    ({"database": URL, "table": "a", "file": "geodata/a.csv"}, "either file or database"),
    ({"database": "mysql://db/stadt", "table": "a"}, "must be a PostgreSQL URL"),
    ({"file": "geodata/a.csv", "table": "soziales.angebote"}, "table is for a database layer"),
    ({"file": "geodata/a.csv", "updated_at": "geaendert_am"}, "updated_at is for a database layer"),
])
def test_a_database_spec_mistake_is_named(keys, message):
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        sites(**keys)


def test_a_query_may_end_with_a_semicolon_and_start_with_with():
    spec = sites(database=URL, query=" WITH q AS (SELECT * FROM a) SELECT * FROM q; ")
    assert spec.query == "WITH q AS (SELECT * FROM a) SELECT * FROM q"


_SECRET = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20).filter(
    lambda s: not (s.startswith("${") and s.endswith("}")))


@settings(max_examples=30, deadline=None)
@given(_SECRET)
def test_no_password_is_ever_accepted_in_the_url(password):
    for url in (f"postgresql://planung:{quote(password, safe='')}@db:5432/stadt",
                f"postgresql://planung@db/stadt?sslmode=require&password={quote(password, safe='')}"):
        with pytest.raises(ValidationError, match="holds a password"):
            sites(database=url, table="angebote")


@pytest.mark.parametrize("url", ["postgresql://planung:${PGPASSWORD}@db:5432/stadt",
                                 "postgresql:///?service=stadtdaten",
                                 "postgresql://planung@db/stadt?password=${GEODASH_DB_PW}"])
def test_passwords_from_the_environment_or_a_service_file_are_fine(url):
    assert sites(database=url, table="angebote").database == url


def test_env_references_are_expanded_and_an_unset_one_is_named(monkeypatch):
    monkeypatch.setenv("GEODASH_DB_HOST", "db.stadt.local")
    monkeypatch.delenv("GEODASH_DB_NAME", raising=False)

    assert expand_url("postgresql://p@${GEODASH_DB_HOST}/x") == "postgresql://p@db.stadt.local/x"
    with pytest.raises(SpecError, match=r"\$\{GEODASH_DB_NAME\}") as info:
        expand_url("postgresql://p@${GEODASH_DB_HOST}/${GEODASH_DB_NAME}", "angebote.toml")
    assert info.value.file == "angebote.toml" and info.value.where == "key database"


def test_a_database_location_names_table_spec_and_url_and_gives_ids_a_stem():
    location = DatabaseLocation(URL, "soziales.angebote", "angebote.toml")

    assert str(location) == f"table soziales.angebote of angebote.toml in {URL}"
    assert (location.name, location.stem, location.suffix) == ("soziales.angebote", "angebote", "")
    assert str(DatabaseLocation(URL, None, "qm.toml")) == f"query of qm.toml in {URL}"
    assert DatabaseLocation(URL, None, "qm.toml").stem == "qm"
