"""Paging through the features of one or more years: the page's rows, its links, its table."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from geodash.api.features import FeatureTable
from geodash.api.metadata import GEOJSON, link


def page_rows(selected: list[tuple[FeatureTable, np.ndarray]], offset: int,
              limit: int) -> list[tuple[FeatureTable, np.ndarray]]:
    """Rows ``offset`` to ``offset + limit`` of the selections one after the other (one per year)."""
    page, skip, left = [], offset, limit
    for table, rows in selected:
        part = rows[skip:skip + left]
        skip = max(0, skip - len(rows))
        if len(part):
            page.append((table, part))
            left -= len(part)
        if not left:
            break
    return page


def page_links(url: str, args: Mapping[str, str], offset: int, limit: int, matched: int,
                fmt: str) -> list[dict]:
    """self, alternate, and next/prev links that keep every other parameter of the request."""
    kept = {k: v for k, v in args.items() if k not in ("offset", "f")}
    media = GEOJSON if fmt == "json" else "text/html"

    def at(rel: str, position: int, media_type: str, f: str, title: str) -> dict:
        params = {**kept, "offset": str(position), "f": f} if position else {**kept, "f": f}
        return link(url, rel, media_type, title, **params)

    other, other_f = ("text/html", "html") if fmt == "json" else (GEOJSON, "json")
    links = [at("self", offset, media, fmt, "This page"),
             at("alternate", offset, other, other_f, "This page as " + other_f.upper())]
    if offset + limit < matched:
        links.append(at("next", offset + limit, media, fmt, "Next page"))
    if offset > 0:
        links.append(at("prev", max(0, offset - limit), media, fmt, "Previous page"))
    return links


def page_frame(page: list[tuple[FeatureTable, np.ndarray]], properties: list[str] | None) -> pd.DataFrame:
    """The page's properties as one table with the feature id first (for HTML)."""
    frames = []
    for table, rows in page:
        columns = table.columns if properties is None else properties
        part = pd.DataFrame(table.frame[columns].iloc[rows]).reset_index(drop=True)
        part.insert(0, "id", table.ids[rows])
        frames.append(part)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"id": []})
