"""The one small interface every source kind implements, and the capabilities it declares.

A source kind (vector files, tables, a database) reads a layer spec's data
into the frame the loaders expect: a GeoDataFrame with a known CRS when it
delivers features, a :class:`~geodash.sources.table.Table` of text cells with
the row a user sees when it delivers rows. It says what it can do, so that a
loader asks for "features" or "rows" instead of testing file suffixes, and it
names the errors it raises (always :mod:`geodash.errors` types naming where the
problem is and the fix).
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar

from geodash.errors import DataError, GeodashError, SpecError

# What a source kind may declare it can do.
GEOMETRY = "geometry"  # delivers features with geometry and a CRS (a GeoDataFrame)
TABLE = "table"  # delivers rows as text cells with the row number a user sees (a Table)
WRITABLE = "writable"  # accepted uploads and edits can be written back into it
CHANGE_MARKER = "change_marker"  # tells cheaply whether its data changed since the last read
CAPABILITIES = frozenset({GEOMETRY, TABLE, WRITABLE, CHANGE_MARKER})


class Source(ABC):
    """One kind of source, behind one small interface (cf. pygeoapi's providers).

    Subclasses set :attr:`name` and :attr:`capabilities`, say which specs they
    :meth:`claim` and implement :meth:`read`. Register an instance in
    :data:`geodash.sources.SOURCES`; nothing else needs to know about it.
    """

    #: The registry key, also shown in messages.
    name: ClassVar[str]
    #: A subset of :data:`CAPABILITIES`.
    capabilities: ClassVar[frozenset[str]]
    #: The errors :meth:`read` raises for problems a user can fix; anything else is a bug.
    errors: ClassVar[tuple[type[GeodashError], ...]] = (DataError, SpecError)

    def can(self, capability: str) -> bool:
        """Whether this source kind declares ``capability`` (one of :data:`CAPABILITIES`)."""
        return capability in self.capabilities

    @abstractmethod
    def claims(self, spec: Any, path: Path) -> bool:
        """Whether this source kind reads ``spec`` (whose data file resolves to ``path``)."""

    @abstractmethod
    def read(self, spec: Any, path: Path) -> Any:
        """Read the layer: a GeoDataFrame (:data:`GEOMETRY`) or a Table (:data:`TABLE`)."""

    def change_marker(self, spec: Any, path: Path) -> str:
        """A text that changes whenever the layer's data changes (keys the dataset cache).

        Files: the SHA-256 of their bytes. A database overrides this with a
        cheaper query (row count, last change).
        """
        return file_digest(path)


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks so that large files need little memory."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
