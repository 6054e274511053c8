"""Property-based tests: any file fed to the readers gives a valid Dataset or the typed error."""

import shutil

import pytest
from conftest import INDICATORS_CSV, SITES_CSV, make_grid_workspace
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geodash.dataset import Dataset
from geodash.errors import GeodashError
from geodash.workspace import load_workspace

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return make_grid_workspace(tmp_path_factory.mktemp("fuzz") / "grid")


def load_variant(template, tmp_path_factory, relative: str, content: bytes):
    root = tmp_path_factory.mktemp("variant") / "ws"
    shutil.copytree(template, root)
    (root / relative).write_bytes(content)
    try:
        result = load_workspace(root, cache=False)
    except GeodashError as exc:
        # The typed error names the file it is about, or the workspace.
        assert exc.file is not None
        assert exc.message
        return None
    assert isinstance(result, Dataset)
    return result


def mutate(data: bytes, draw_ops) -> bytes:
    out = bytearray(data)
    for op, pos, byte in draw_ops:
        if not out:
            out.append(byte)
            continue
        pos %= len(out)
        if op == "flip":
            out[pos] = byte
        elif op == "delete":
            del out[pos]
        elif op == "insert":
            out.insert(pos, byte)
        else:  # truncate
            del out[pos:]
    return bytes(out)


OPS = st.lists(st.tuples(st.sampled_from(["flip", "delete", "insert", "truncate"]),
                         st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=8)


@FUZZ
@given(ops=OPS)
def test_mutated_indicator_csv_gives_a_dataset_or_the_typed_error(template, tmp_path_factory, ops):
    data = mutate(INDICATORS_CSV.encode("cp1252"), ops)
    load_variant(template, tmp_path_factory, "data/ind.csv", data)


@FUZZ
@given(ops=OPS)
def test_mutated_sites_csv_gives_a_dataset_or_the_typed_error(template, tmp_path_factory, ops):
    data = mutate(b"\xef\xbb\xbf" + SITES_CSV.encode("utf-8"), ops)
    load_variant(template, tmp_path_factory, "data/sites.csv", data)


@FUZZ
@given(ops=OPS)
def test_mutated_geojson_gives_a_dataset_or_the_typed_error(template, tmp_path_factory, ops):
    original = (template / "data" / "grid.geojson").read_bytes()
    load_variant(template, tmp_path_factory, "data/grid.geojson", mutate(original, ops))


@FUZZ
@given(ops=OPS)
def test_mutated_spec_gives_a_dataset_or_the_typed_error(template, tmp_path_factory, ops):
    original = (template / "layers" / "indicators.toml").read_bytes()
    load_variant(template, tmp_path_factory, "layers/indicators.toml", mutate(original, ops))


@FUZZ
@given(data=st.binary(max_size=2_000))
def test_random_bytes_as_any_file_give_the_typed_error_or_a_dataset(template, tmp_path_factory, data):
    for relative in ("data/ind.csv", "data/grid.geojson", "data/zones.geojson"):
        load_variant(template, tmp_path_factory, relative, data)


@FUZZ
@given(cells=st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
                      min_size=5, max_size=5))
def test_any_text_in_an_indicator_row_gives_a_dataset_or_the_typed_error(template, tmp_path_factory,
                                                                          cells):
    row = ";".join(c.replace("\n", " ").replace("\r", " ") for c in cells)
    data = (INDICATORS_CSV + row + "\n").encode("utf-8")
    load_variant(template, tmp_path_factory, "data/ind.csv", data)
