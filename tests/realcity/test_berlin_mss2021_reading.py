"""Reading the MSS 2021 export as FIS-Broker writes it, without declaring its conventions.

The export writes the year as ``202012`` and "no value" as ``-9999``. Undeclared, geodash
must refuse both (never take -9999 as a share); the fix it names should be the
declaration (``year_format``, ``missing``), not a wider range that lets the code in.
"""

from __future__ import annotations

import csv
import tomllib

import pytest

from geodash.catalog import IndicatorsSpec, Settings
from geodash.errors import DataError
from geodash.findings import ReportBuilder
from geodash.load import load_indicators
from tests.realcity.conftest import HERE

# The issue-10 keys of this spec: the table's, and the indicators'.
TABLE_KEYS = ("missing", "year_format")
INDICATOR_KEYS = ("aggregate", "base", "change_of", "change_years", "missing")


def undeclared_spec(*, fixed_year: int | None = None) -> IndicatorsSpec:
    """layers_2021/mss2021.toml without any issue-10 key (what today's catalog accepts)."""
    raw = tomllib.loads((HERE / "layers_2021" / "mss2021.toml").read_text(encoding="utf-8"))
    raw = {k: v for k, v in raw.items() if k not in TABLE_KEYS}
    raw["indicators"] = [{k: v for k, v in ind.items() if k not in INDICATOR_KEYS}
                         for ind in raw["indicators"]]
    if fixed_year is not None:
        raw["columns"] = {k: v for k, v in raw["columns"].items() if k != "year"}
        raw["year"] = fixed_year
    return IndicatorsSpec.model_validate(raw)


def read(realcity_geodata, spec: IndicatorsSpec):
    path = realcity_geodata / "mss_2021_index_indikatoren.csv"
    with open(path, encoding="utf-8", newline="") as f:
        keys = {row["PLR_ID"] for row in csv.DictReader(f)}
    return load_indicators(spec, path, Settings(), keys, ReportBuilder())


def test_a_date_coded_year_is_refused_naming_the_row(realcity_geodata):
    with pytest.raises(DataError, match=r"row 2: has '202012' in the year column 'ZEIT'"):
        read(realcity_geodata, undeclared_spec())


def test_an_undeclared_minus_9999_is_refused_not_read_as_a_share(realcity_geodata):
    with pytest.raises(DataError, match=r"'-9999' for 's1'") as err:
        read(realcity_geodata, undeclared_spec(fixed_year=2020))
    assert "row 101" in str(err.value)  # 03300515 Blankenburger Süden, 38 residents


def test_the_fix_offered_for_a_date_code_is_a_year_format(realcity_geodata):
    with pytest.raises(DataError) as err:
        read(realcity_geodata, undeclared_spec())
    fix = err.value.fix or ""
    assert "year_format" in fix and "max_year" not in fix


def test_the_fix_offered_for_a_sentinel_is_a_missing_marker(realcity_geodata):
    with pytest.raises(DataError) as err:
        read(realcity_geodata, undeclared_spec(fixed_year=2020))
    fix = err.value.fix or ""
    assert "missing" in fix and "minimum" not in fix
