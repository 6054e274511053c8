"""What the Berlin tests count and compare, computed from the files without geodash."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyogrio

from geodash.analysis.social_index import DYNAMICS_CLASSES, STATUS_CLASSES

# Column names of the MSS 2019 table 2.1 (Open Lifeworlds' CSV of the Senate's XLSX).
MSS2019_STATUS = {
    "s1": "s1_percentage_unemployed",
    "s3": "s3_percentage_transfer_payments_recipients",
    "s4": "s4_percentage_transfer_payments_recipients_below_15_years",
}
MSS2019_CHANGE = {ind: col.replace(ind, "d" + ind[1:], 1) for ind, col in MSS2019_STATUS.items()}


def feature_count(path: Path) -> int:
    """Features in a vector file, as GDAL counts them."""
    return int(pyogrio.read_info(path)["features"])


def published_classes_2019(geodata: Path) -> pd.DataFrame:
    """MSS 2019 table 1: ``status``/``dynamics`` class by planning area key (436 classed areas)."""
    table = pd.read_csv(geodata / "mss_2019_indizes_plr.csv", dtype={"id": str})
    return (table.rename(columns={"id": "area_key", "status_index_class": "status",
                                  "dynamic_index_class": "dynamics"})
            .set_index("area_key")[["status", "dynamics"]])


def published_classes_2021(geodata: Path) -> pd.DataFrame:
    """MSS 2021 indices as FIS-Broker exports them: classes of the areas marked ``gültig``."""
    table = pd.read_csv(geodata / "mss_2021_indizes.csv", dtype={"PLR_ID": str})
    valid = table[table["KOM"] == "gültig"]
    return (valid.rename(columns={"PLR_ID": "area_key", "SI_V": "status", "DI_V": "dynamics"})
            .set_index("area_key")[["status", "dynamics"]])


def agreement(computed: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Computed beside published classes for every published area (``status_class`` etc.)."""
    assert set(published["status"]) <= set(STATUS_CLASSES)
    assert set(published["dynamics"]) <= set(DYNAMICS_CLASSES)
    both = published.join(computed[["status_index", "status_class", "dynamics_index",
                                    "dynamics_class"]], how="left")
    both["status_agrees"] = both["status"] == both["status_class"]
    both["dynamics_agrees"] = both["dynamics"] == both["dynamics_class"]
    return both
