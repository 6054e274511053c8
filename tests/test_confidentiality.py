"""Statistical confidentiality: values on too few cases never leave the Dataset."""

import json

import pytest

from geodash.cli import main
from geodash.workspace import load_workspace

CASES_CSV = (
    "Nr;Jahr;Arbeitslosenquote;Fälle;Kinder\n"
    "01;2023;4,0;2;1.100\n"     # 2 cases < 3: suppressed
    "02;2023;8,0;40;2\n"        # a count of 2 children: suppressed
    "03;2023;16,0;55;500\n"
    "04;2023;22,5;80;2.100\n"
)


@pytest.fixture
def confidential_workspace(grid_workspace):
    (grid_workspace / "data" / "ind.csv").write_bytes(CASES_CSV.encode("cp1252"))
    spec = (grid_workspace / "layers" / "indicators.toml").read_text(encoding="utf-8")
    spec = spec.replace('column = "Arbeitslosenquote"', 'column = "Arbeitslosenquote"\ncases = "Fälle"')
    (grid_workspace / "layers" / "indicators.toml").write_text(spec, encoding="utf-8")
    (grid_workspace / "layers" / "workspace.toml").write_text('kind = "workspace"\nmin_cases = 3\n',
                                                              encoding="utf-8")
    return grid_workspace


def test_values_on_fewer_cases_than_the_threshold_are_suppressed(confidential_workspace):
    ds = load_workspace(confidential_workspace)
    table = ds.indicators.set_index(["area_key", "indicator"])
    assert table.loc[("01", "alq"), "suppressed"]
    assert table.loc[("01", "alq"), "value"] != table.loc[("01", "alq"), "value"]  # NaN
    assert table.loc[("02", "kinder"), "suppressed"]  # the count itself is below 3
    assert not table.loc[("03", "alq"), "suppressed"]
    assert table.loc[("03", "alq"), "value"] == 16.0
    assert any("suppressed" in f.message for f in ds.report.findings)


@pytest.mark.parametrize("fmt", ["geojson", "csv"])
def test_no_export_contains_a_suppressed_value(confidential_workspace, tmp_path, fmt):
    out = tmp_path / f"d.{fmt}"
    assert main(["export", "districts", str(confidential_workspace), "-o", str(out), "-f", fmt]) == 0
    text = out.read_text(encoding="utf-8-sig")
    if fmt == "geojson":
        props = {f["properties"]["key"]: f["properties"] for f in json.loads(text)["features"]}
        assert props["01"]["alq"] is None
        assert props["02"]["kinder"] is None
        assert props["03"]["alq"] == 16.0
    else:
        rows = {line.split(",")[0]: line for line in text.splitlines()[1:]}
        assert "4.0" not in rows["01"]
        header = text.splitlines()[0].split(",")
        assert rows["01"].split(",")[header.index("alq")] == ""


def test_suppressed_values_stay_out_of_the_city_reference(confidential_workspace):
    from geodash.analysis.indicators import city_reference

    ds = load_workspace(confidential_workspace)
    ref = city_reference(ds.indicators, ds.areas.set_index("key")["population"], ds.indicator_meta)
    alq = ref[(ref["indicator"] == "alq") & (ref["year"] == 2023)]["value"].iloc[0]
    # weighted over 02, 03, 04 only: (8*2000 + 16*3000 + 22.5*4000) / 9000
    assert alq == pytest.approx((8 * 2000 + 16 * 3000 + 22.5 * 4000) / 9000)
