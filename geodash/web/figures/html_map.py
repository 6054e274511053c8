"""The standalone HTML map, re-exported where the web layer has always found it.

The implementation lives in :mod:`geodash.export.html_map` (an export, like
the static maps); the Daten page and older callers import it from here.
"""

from geodash.export.html_map import TEXT, escape, escape_texts, html_map, read_map_data

__all__ = ["TEXT", "escape", "escape_texts", "html_map", "read_map_data"]
