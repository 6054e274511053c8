"""Edits of a database layer: accepted changes written in one transaction, the history kept and restored.

The rows a change replaces are copied into ``<table>_history`` (created on
first use, with the table's columns plus ``changed_at`` and ``changed_by``)
in the same transaction that writes the new rows, under an EXCLUSIVE lock of
the table: readers keep reading the old rows until the commit, and a second
writer waits its turn. Nothing is ever lost, and :func:`restore_rows` brings
any kept version back.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geodash.errors import DataError
from geodash.sources.postgis import _first_line, _psycopg, _srid, _type_oid, connect


def history_table(table: str) -> str:
    """The table that keeps replaced rows: ``<schema>.<table>_history``."""
    return f"{table}_history"


def replace_rows(location, frame: gpd.GeoDataFrame, who: str) -> int:
    """Replace a database layer's rows with ``frame`` in one transaction, keeping the previous rows.

    ``location`` is the layer's :class:`~geodash.catalog.DatabaseLocation`;
    ``frame`` holds the table's own column names (others are ignored) and
    its geometry in any CRS (it is transformed to the column's SRID). The
    previous rows are copied into :func:`history_table` with ``changed_at``
    (the transaction's time) and ``changed_by`` (``who``); the table is locked
    for the transaction, so two editors accepting at once take turns: each
    change is written whole, and the one replaced is kept in the history.
    Returns the number of rows written.

    Raises
    ------
    DataError
        When the layer is a query (only a table takes changes), or the
        database refuses the change (its message is named).
    """
    if not location.table:
        raise DataError("is a query, which cannot take changes.", file=location,
                        fix="name the table (table = \"schema.table\") to edit the layer in geodash.")
    if not who:
        raise ValueError("`who` must name the editor whose change this is")
    psycopg = _psycopg()
    from psycopg import sql

    table = sql.Identifier(*location.table.split("."))
    history = sql.Identifier(*history_table(location.table).split("."))
    try:
        with connect(location, read_only=False) as conn, conn.cursor() as cur:
            # EXCLUSIVE: readers go on reading the old rows; a second writer waits its turn.
            cur.execute(sql.SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(table))
            cur.execute(sql.SQL("SELECT * FROM {} LIMIT 0").format(table))
            described = [(d.name, d.type_code) for d in cur.description]
            geometry_oid = _type_oid(cur, "geometry")  # (a new query: description read before)
            geom = [name for name, oid in described if oid == geometry_oid]
            described = [name for name, _ in described]
            srid = _srid(cur, location.table, table, geom[0]) if geom else None
            cur.execute(sql.SQL(
                "CREATE TABLE IF NOT EXISTS {h} (LIKE {t}, changed_at timestamptz NOT NULL, "
                "changed_by text NOT NULL)").format(h=history, t=table))
            names = sql.SQL(", ").join(sql.Identifier(n) for n in described)
            # statement_timestamp(): when this change copied them, after it waited for the lock.
            keep_previous = sql.SQL("INSERT INTO {h} ({cols}, changed_at, changed_by) "
                                    "SELECT {cols}, statement_timestamp(), %s FROM {t}")
            cur.execute(keep_previous.format(h=history, t=table, cols=names), (who,))
            cur.execute(sql.SQL("DELETE FROM {}").format(table))
            written = _insert(cur, table, frame, described, geom, srid)
            conn.commit()
    except psycopg.Error as exc:
        raise DataError(f"refused the change ({_first_line(exc)}).", file=location,
                        fix="check that the upload's columns match the table's, and that the database "
                        "user may INSERT, DELETE and CREATE the history table there.") from exc
    return written


def _insert(cur, table, frame: gpd.GeoDataFrame, table_columns: list[str], geom: list[str],
            srid: int | None) -> int:
    """INSERT the frame's rows (its columns that the table has), geometry as WKB in the table's SRID."""
    from psycopg import sql

    keep = [c for c in frame.columns if c in table_columns and c not in geom and c != frame.geometry.name]
    fields = [sql.Identifier(c) for c in keep]
    values = [sql.Placeholder()] * len(keep)
    records = frame[keep].astype(object).where(frame[keep].notna(), None)
    rows = [list(r) for r in records.itertuples(index=False, name=None)]
    if geom:
        srid = srid or 4326
        fields.append(sql.Identifier(geom[0]))
        values.append(sql.SQL("ST_GeomFromWKB({}, {})").format(sql.Placeholder(), sql.Literal(srid)))
        wkb = shapely.to_wkb(np.asarray(frame.to_crs(epsg=srid).geometry.array))
        rows = [[*row, blob] for row, blob in zip(rows, wkb, strict=True)]
    statement = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
        table, sql.SQL(", ").join(fields), sql.SQL(", ").join(values))
    cur.executemany(statement, rows)
    return len(rows)


def history_versions(location) -> list[tuple]:
    """The kept versions of a database layer, newest first: ``(changed_at, changed_by, rows)``.

    Each version is the rows a change replaced, stamped with that change's time and editor.
    """
    psycopg = _psycopg()
    from psycopg import sql

    history = sql.Identifier(*history_table(location.table).split("."))
    try:
        with connect(location) as conn, conn.cursor() as cur:
            cur.execute("SELECT to_regclass(%s)", (history_table(location.table),))
            if cur.fetchone()[0] is None:
                return []
            cur.execute(sql.SQL("SELECT changed_at, changed_by, count(*) FROM {} GROUP BY changed_at, "
                                "changed_by ORDER BY changed_at DESC").format(history))
            return cur.fetchall()
    except psycopg.Error as exc:
        raise DataError(f"cannot list its history ({_first_line(exc)}).", file=location) from exc


def restore_rows(location, who: str, changed_at=None):
    """Put a kept version back (default: the newest), keeping the current rows in the history too.

    Like an accepted upload it runs in one locked transaction, so nothing is
    ever lost: the rows it replaces become the newest kept version. Returns
    the ``changed_at`` of the version restored.

    Raises
    ------
    DataError
        When there is no kept version (at ``changed_at``).
    """
    versions = history_versions(location)
    chosen = changed_at if changed_at is not None else (versions[0][0] if versions else None)
    if chosen is None or chosen not in [v[0] for v in versions]:
        raise DataError("has no kept version" + (f" from {chosen}" if chosen else "") + ".", file=location,
                        fix="list the kept versions first; each accepted change keeps one.")
    psycopg = _psycopg()
    from psycopg import sql

    table = sql.Identifier(*location.table.split("."))
    history = sql.Identifier(*history_table(location.table).split("."))
    try:
        with connect(location, read_only=False) as conn, conn.cursor() as cur:
            cur.execute(sql.SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(table))
            cur.execute(sql.SQL("SELECT * FROM {} LIMIT 0").format(table))
            names = sql.SQL(", ").join(sql.Identifier(d.name) for d in cur.description)
            cur.execute(sql.SQL("INSERT INTO {h} ({cols}, changed_at, changed_by) "
                                "SELECT {cols}, statement_timestamp(), %s FROM {t}").format(
                h=history, t=table, cols=names), (who,))
            cur.execute(sql.SQL("DELETE FROM {}").format(table))
            put_back = sql.SQL("INSERT INTO {t} ({cols}) SELECT {cols} FROM {h} WHERE changed_at = %s")
            cur.execute(put_back.format(h=history, t=table, cols=names), (chosen,))
            conn.commit()
    except psycopg.Error as exc:
        raise DataError(f"refused the restore ({_first_line(exc)}).", file=location) from exc
    return chosen
