"""Readers, one per kind of source; they return plain (Geo)DataFrames and know no UI."""

from geodash.sources.table import (
    MISSING_MARKERS,
    Table,
    guess_decimal,
    parse_numbers,
    read_table,
)
from geodash.sources.vector import VECTOR_SUFFIXES, read_vector

__all__ = [
    "MISSING_MARKERS",
    "VECTOR_SUFFIXES",
    "Table",
    "guess_decimal",
    "parse_numbers",
    "read_table",
    "read_vector",
]
