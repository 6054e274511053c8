"""The ``addresses`` layer kind: house addresses with a point each, for the offer finder.

An address file is optional. It comes from official house coordinates (e.g.
the Hauskoordinaten of the Vermessungsverwaltung: a table with street, house
number, suffix, postcode and easting/northing) or from an OpenStreetMap
extract (``addr:street``, ``addr:housenumber``, ``addr:postcode`` on points or
building outlines). The loader returns ``street, number, suffix, postcode,
geometry`` in WGS84; rows without a street or a house number that starts
with digits are left out and reported, never guessed.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geodash.catalog import AddressesSpec
from geodash.errors import DataError
from geodash.findings import ReportBuilder
from geodash.load import WGS84, _check_coordinates, _require_columns, _sites_from_table
from geodash.sources import VECTOR_SUFFIXES, read_vector

ADDRESS_COLUMNS = ["street", "number", "suffix", "postcode", "geometry"]
# "12", "12a", "12 A", "12-14", "12/1": the leading number and a letter right after it.
_HOUSE_NUMBER = r"^\s*(?P<number>\d{1,5})\s*(?P<suffix>[A-Za-z]?)\b"


def load_addresses(spec: AddressesSpec, path: Path, report: ReportBuilder) -> gpd.GeoDataFrame:
    """Read an addresses layer: ``street, number, suffix, postcode, geometry`` in WGS84."""
    cols = spec.columns
    if path.suffix.lower() in VECTOR_SUFFIXES:
        frame = read_vector(path, layer=spec.layer, crs=spec.crs)
        _require_columns(cols.model_dump(exclude={"x", "y"}), list(frame.columns), path,
                         "the addresses spec")
        _check_coordinates(frame, path)
        empty = frame.geometry.isna() | frame.geometry.is_empty
        if empty.any():
            report.add("left_out", "addresses", path.name, "",
                       f"{int(empty.sum())} address(es) without geometry left out")
            frame = frame[~empty.to_numpy()]
        if len(frame) and not (frame.geom_type == "Point").all():
            # Building outlines (OSM) count at a point inside them.
            frame = frame.set_geometry(frame.geometry.representative_point())
    else:
        frame, _rows = _sites_from_table(spec, path)
    street = frame[cols.street].astype("string").str.strip().fillna("").astype(str)
    raw_number = frame[cols.number].astype("string").fillna("").astype(str)
    if pd.api.types.is_float_dtype(frame[cols.number]):
        # A spreadsheet's whole numbers arrive as 12.0.
        raw_number = raw_number.str.replace(r"\.0$", "", regex=True)
    parts = raw_number.str.extract(_HOUSE_NUMBER)
    suffix = parts["suffix"].fillna("").str.lower()
    if cols.suffix:
        given = frame[cols.suffix].astype("string").str.strip().fillna("").astype(str).str.lower()
        suffix = given.where(given != "", suffix)
    unusable = (street == "").to_numpy() | parts["number"].isna().to_numpy()
    if unusable.all():
        raise DataError(
            f"has no address with a street (column {cols.street!r}) and a house number "
            f"(column {cols.number!r}).",
            file=path, fix="name the street and house number columns in the addresses spec.")
    if unusable.any():
        report.add("left_out", "addresses", path.name, "",
                   f"{int(unusable.sum())} address(es) without a street or a house number left out")
    postcode = (frame[cols.postcode].astype("string").str.strip().fillna("").astype(str)
                .str.replace(r"\.0$", "", regex=True) if cols.postcode
                else pd.Series("", index=frame.index))
    keep = ~unusable
    addresses = gpd.GeoDataFrame(
        {"street": street.to_numpy(dtype=object)[keep],
         "number": parts["number"].to_numpy()[keep].astype(np.int64),
         "suffix": suffix.to_numpy(dtype=object)[keep],
         "postcode": postcode.to_numpy(dtype=object)[keep]},
        geometry=frame.geometry.values[keep], crs=frame.crs)
    return addresses.to_crs(WGS84).reset_index(drop=True)
