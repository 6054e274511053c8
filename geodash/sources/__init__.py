"""Readers, one per kind of source, and the one registry that names them; they know no UI.

A source kind is one module with a :class:`~geodash.sources.base.Source`
subclass; adding one means writing that module and adding one line to
:data:`SOURCES`. Loaders never test suffixes or connection strings: they ask
:func:`source_for` for the source of a spec, with the capability they need.
"""

from pathlib import Path
from typing import Any

from geodash.sources.base import (
    CAPABILITIES,
    CHANGE_MARKER,
    GEOMETRY,
    TABLE,
    WRITABLE,
    Source,
    file_digest,
)
from geodash.sources.table import (
    MISSING_MARKERS,
    TABLE_SUFFIXES,
    Table,
    TableFiles,
    guess_decimal,
    parse_numbers,
    read_table,
)
from geodash.sources.vector import VECTOR_SUFFIXES, VectorFiles, read_vector

# Every source kind, asked in this order which one claims a spec. The last one
# that has a needed capability also reads what nobody claims, so that its reader
# names what is wrong with the file (e.g. "has the suffix '.dbf', which is not a
# table format").
SOURCES: dict[str, Source] = {
    source.name: source
    for source in (
        VectorFiles(),
        TableFiles(),
    )
}


def source_for(spec: Any, path: Path, *, needs: str | None = None) -> Source:
    """The registered source kind that reads ``spec``, optionally one with a capability.

    Parameters
    ----------
    spec
        A layer spec (from :mod:`geodash.catalog`).
    path
        The data file the spec names, resolved inside the workspace.
    needs
        ``"geometry"`` for a layer that must come with geometry (areas,
        zones), ``"table"`` for one read as rows of text (indicators), or
        ``None`` for a layer that may be either (sites: points or lon/lat
        columns).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> spec = SimpleNamespace()
    >>> source_for(spec, Path("angebote.geojson")).name, source_for(spec, Path("angebote.csv")).name
    ('files', 'tables')
    >>> source_for(spec, Path("stadtteile.csv"), needs="geometry").name
    'files'
    """
    if needs is not None and needs not in CAPABILITIES:
        raise ValueError(f"`needs` was {needs!r} but is expected to be one of {sorted(CAPABILITIES)}")
    candidates = [s for s in SOURCES.values() if needs is None or s.can(needs)]
    return next((s for s in candidates if s.claims(spec, path)), candidates[-1])


__all__ = [
    "CAPABILITIES",
    "CHANGE_MARKER",
    "GEOMETRY",
    "MISSING_MARKERS",
    "SOURCES",
    "TABLE",
    "TABLE_SUFFIXES",
    "VECTOR_SUFFIXES",
    "WRITABLE",
    "Source",
    "Table",
    "TableFiles",
    "VectorFiles",
    "file_digest",
    "guess_decimal",
    "parse_numbers",
    "read_table",
    "read_vector",
    "source_for",
]
