"""Read layers from PostgreSQL/PostGIS (writing edits back: :mod:`geodash.sources.postgis_history`).

A spec names ``database = "postgresql://user@host:5432/db"`` and either
``table = "schema.table"`` or a ``query = "SELECT …"``. Everything is read in
a READ ONLY transaction, so a query cannot change data even if it tried. The
URL never holds a password (the catalog refuses one): ``${NAME}`` is taken
from the environment, and libpq reads ``PGPASSFILE``, ``~/.pgpass`` and
service files (``postgresql:///?service=stadt``) by itself.

The geometry column and its CRS come from the database (``geometry_columns``
for a table, ``ST_SRID`` of the rows for a query); geometry travels as WKB
(``ST_AsBinary``) and is built in one vectorised ``shapely.from_wkb``.
"""

from __future__ import annotations

import os
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geodash.errors import DataError, SpecError
from geodash.sources.base import CHANGE_MARKER, GEOMETRY, TABLE, WRITABLE, Source
from geodash.sources.table import Table

# How long one statement may run before the read is given up (a typo'd join can run for hours).
STATEMENT_TIMEOUT_MS = 120_000
CONNECT_TIMEOUT_S = 10
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_GEOMETRY_ALIAS = "__geodash_wkb"


def expand_url(url: str, spec_file: str = "") -> str:
    """The spec's URL with every ``${NAME}`` replaced from the environment.

    Raises
    ------
    SpecError
        When a named variable is not set.

    Examples
    --------
    >>> os.environ["GEODASH_DOC_DB"] = "stadt"
    >>> expand_url("postgresql://planung@db:5432/${GEODASH_DOC_DB}")
    'postgresql://planung@db:5432/stadt'
    >>> del os.environ["GEODASH_DOC_DB"]
    """
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise SpecError(f"names the environment variable ${{{name}}} in database, which is not set.",
                            file=spec_file or None, where="key database",
                            fix=f"set {name} in the environment of geodash (or use a PGPASSFILE / "
                            "service file instead).")
        return os.environ[name]

    return _ENV.sub(value, url)


def _psycopg():
    try:
        import psycopg
    except ImportError as exc:  # optional: only database layers need it
        raise SpecError("names a database, but the PostgreSQL driver is not installed.",
                        fix='install it with `pip install "psycopg[binary]"`.') from exc
    return psycopg


def connect(location, *, read_only: bool = True):
    """A psycopg connection to the layer's database; read-only unless asked otherwise."""
    psycopg = _psycopg()
    try:
        conn = psycopg.connect(expand_url(location.url, location.spec_file),
                               connect_timeout=CONNECT_TIMEOUT_S, application_name="geodash")
    except psycopg.OperationalError as exc:
        raise DataError(f"cannot be reached ({_first_line(exc)}).", file=location,
                        fix="check host, port, database and user in the spec's database URL, and that "
                        "the password is in PGPASSFILE / ~/.pgpass, a service file or ${PGPASSWORD}.",
                        ) from exc
    conn.read_only = read_only
    # numeric as float, as a file's numbers are (and without a Python pass over the cells).
    from psycopg.types.numeric import FloatLoader

    conn.adapters.register_loader("numeric", FloatLoader)
    return conn


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _relation(spec):
    """The layer's rows as a composable SQL relation: the table, or the query as a subquery."""
    from psycopg import sql

    if spec.database_table:
        return sql.Identifier(*spec.database_table.split("."))
    return sql.SQL("({}) AS geodash_query").format(sql.SQL(spec.query))


class PostGIS(Source):
    """Layers kept in PostgreSQL/PostGIS: a table or a read-only query."""

    name = "postgis"
    capabilities = frozenset({GEOMETRY, TABLE, WRITABLE, CHANGE_MARKER})
    errors = (DataError, SpecError)

    def claims(self, spec, path) -> bool:
        """A spec that names a ``database``."""
        return getattr(spec, "database", None) is not None

    def location(self, spec, path) -> str:
        """The table (or query), its spec and the database URL as written (no password)."""
        return str(path)

    # --- reading ---

    def _read(self, spec, location, *, geometry: bool) -> tuple[pd.DataFrame, list[str], int | None]:
        """The rows as a DataFrame (geometry as WKB bytes in ``_GEOMETRY_ALIAS``), their labels, the SRID."""
        psycopg = _psycopg()
        from psycopg import sql

        relation = _relation(spec)
        try:
            with connect(location) as conn, conn.cursor() as cur:
                _limit_time(cur)
                cur.execute(sql.SQL("SELECT * FROM {} LIMIT 0").format(relation))
                columns = [(d.name, d.type_code) for d in cur.description]
                geometry_oid = _type_oid(cur, "geometry")
                geom_columns = [n for n, oid in columns if geometry_oid is not None and oid == geometry_oid]
                if geometry and len(geom_columns) != 1:
                    found = ", ".join(geom_columns) or "none"
                    raise DataError(
                        f"needs exactly one geometry column, found {found}.", file=location,
                        fix="select one geometry column (a view or query can drop the others; points "
                        "from lon/lat columns: ST_SetSRID(ST_MakePoint(lon, lat), 4326)).")
                key = _primary_key(cur, spec.database_table) if spec.database_table else None
                plain = [n for n, _ in columns if n not in geom_columns]
                fields = [sql.Identifier(n) for n in plain]
                srid = None
                if geometry:
                    geom = sql.Identifier(geom_columns[0])
                    srid = _srid(cur, spec.database_table, relation, geom_columns[0])
                    fields.append(sql.SQL("ST_AsBinary({}) AS {}").format(
                        geom, sql.Identifier(_GEOMETRY_ALIAS)))
                order = sql.SQL(" ORDER BY {}").format(sql.Identifier(key)) if key else sql.SQL("")
                cur.execute(sql.SQL("SELECT {} FROM {}{}").format(
                    sql.SQL(", ").join(fields), relation, order))
                records = cur.fetchall()
                names = [d.name for d in cur.description]
        except psycopg.Error as exc:
            raise DataError(f"cannot be read ({_first_line(exc)}).", file=location,
                            fix="check the table name or the query (it runs read-only), and that the "
                            "database user may SELECT from it.") from exc
        frame = pd.DataFrame.from_records(records, columns=names)
        if key:
            labels = ("row " + key + "=" + frame[key].astype(str)).tolist()
        else:
            labels = ("row " + pd.Series(np.arange(1, len(frame) + 1)).astype(str)).tolist()
        return frame, labels, srid

    def features(self, spec, path) -> gpd.GeoDataFrame:
        """The rows with their geometry, in the CRS the database declares (or the spec's ``crs``)."""
        frame, labels, srid = self._read(spec, path, geometry=True)
        geometry = shapely.from_wkb(frame.pop(_GEOMETRY_ALIAS).to_numpy(dtype=object))
        if srid:
            crs = pyproj.CRS.from_epsg(srid)
        elif spec.crs:
            crs = pyproj.CRS.from_user_input(spec.crs)
        else:
            raise DataError("declares no coordinate reference system (SRID 0).", file=path,
                            fix="give the geometry column an SRID (UpdateGeometrySRID), or add "
                            'crs = "EPSG:…" to the layer spec.')
        out = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs=crs))
        out.attrs["places"] = labels
        return out

    def rows(self, spec, path) -> Table:
        """The rows as text cells (numbers written with a decimal point), labelled by their key."""
        frame, labels, _ = self._read(spec, path, geometry=False)
        text = frame.apply(_as_text) if len(frame.columns) else frame
        return Table(frame=text, path=path, separator=None,
                     rows=tuple(label.removeprefix("row ") for label in labels))

    # --- knowing whether it changed ---

    def change_marker(self, spec, path) -> str:
        """Row count and ``max(updated_at)``, the spec's ``checksum`` query, or an MD5 over all rows."""
        psycopg = _psycopg()
        from psycopg import sql

        relation = _relation(spec)
        if spec.checksum:
            statement = sql.SQL(spec.checksum)
        elif spec.updated_at:
            statement = sql.SQL("SELECT count(*), max({})::text FROM {}").format(
                sql.Identifier(spec.updated_at), relation)
        else:
            # Without a marker the spec names, every row counts: slower, never stale.
            statement = sql.SQL("SELECT count(*), md5(string_agg(md5(r::text), '' ORDER BY md5(r::text))) "
                                "FROM (SELECT * FROM {}) AS r").format(relation)
        try:
            with connect(path) as conn, conn.cursor() as cur:
                _limit_time(cur)
                cur.execute(statement)
                return "postgis " + repr(cur.fetchone())
        except psycopg.Error as exc:
            raise DataError(f"cannot tell whether it changed ({_first_line(exc)}).", file=path,
                            fix="check updated_at / checksum in the spec, and the table or query.") from exc


def _limit_time(cur) -> None:
    from psycopg import sql

    cur.execute(sql.SQL("SET LOCAL statement_timeout = {}").format(sql.Literal(STATEMENT_TIMEOUT_MS)))


def _type_oid(cur, name: str) -> int | None:
    cur.execute("SELECT to_regtype(%s)::oid", (name,))
    row = cur.fetchone()
    return row[0] if row else None


def _primary_key(cur, table: str) -> str | None:
    """The one primary-key column of ``table``, or ``None`` (none, or several columns)."""
    cur.execute(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
        "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = to_regclass(%s) AND i.indisprimary",
        (table,))
    keys = [row[0] for row in cur.fetchall()]
    return keys[0] if len(keys) == 1 else None


def _srid(cur, table_name: str | None, relation, column: str) -> int:
    """The SRID of the layer's geometry: from ``geometry_columns`` for a table, else from the rows."""
    from psycopg import sql

    if table_name:
        schema, _, table = table_name.rpartition(".")
        cur.execute("SELECT srid FROM geometry_columns WHERE f_table_schema = COALESCE(NULLIF(%s, ''), "
                    "current_schema()) AND f_table_name = %s AND f_geometry_column = %s",
                    (schema, table, column))
        row = cur.fetchone()
        if row and row[0]:
            return int(row[0])
    cur.execute(sql.SQL("SELECT DISTINCT ST_SRID({}) FROM {} WHERE {} IS NOT NULL LIMIT 2").format(
        sql.Identifier(column), relation, sql.Identifier(column)))
    srids = [row[0] for row in cur.fetchall()]
    if len(srids) > 1:
        raise DataError(f"mixes coordinate reference systems (SRIDs {', '.join(map(str, srids))}) in "
                        f"column {column!r}.", fix="transform the geometry to one SRID (ST_Transform).")
    return int(srids[0]) if srids else 0


def _as_text(column: pd.Series) -> pd.Series:
    """A column as the text a CSV would hold: empty where NULL, whole floats without ``.0``.

    Examples
    --------
    >>> _as_text(pd.Series([5.0, 2.5, None])).tolist()
    ['5', '2.5', '']
    """
    missing = column.isna().to_numpy()
    if pd.api.types.is_float_dtype(column):
        # Whole numbers lose their ".0" (a key 7.0 is "7"); huge ones keep their float form.
        whole = ((column % 1 == 0) & (column.abs() < 1e15)).to_numpy()
        integers = column.where(whole, 0).fillna(0).astype("int64").astype(str)
        text = np.where(whole, integers, column.astype(str))
    else:
        text = column.astype(str).to_numpy()
    return pd.Series(np.where(missing, "", text), index=column.index, dtype=object).astype(str)
