"""Exports: layers by name and writers by format."""

from geodash.export.formats import (
    FORMATS,
    column_table,
    companion_bytes,
    get_format,
    layer_bytes,
    neutralise_formulas,
    write_layer,
)
from geodash.export.layers import LAYERS, build_layer

__all__ = ["FORMATS", "LAYERS", "build_layer", "column_table", "companion_bytes", "get_format",
           "layer_bytes", "neutralise_formulas", "write_layer"]
