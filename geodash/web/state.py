"""The view a user sees, kept in the URL so that a link or a reload shows the same view.

``ViewState`` is parsed from and written to the query string; it is the only
per-user state, so two tabs never see each other's selections.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, urlencode

LANGS = ("de", "en")
OVERLAYS = ("sites", "zones")
# "sites:<layer>" switches one sites layer on; "sites" alone means each at its default.
SITES_LAYER = "sites:"


@dataclass(frozen=True)
class ViewState:
    """Everything that defines a view: page, indicator, year, districts, overlays, labels, language."""

    page: str = "karte"
    indicator: str | None = None
    year: int | None = None
    areas: tuple[str, ...] = ()
    overlays: tuple[str, ...] = OVERLAYS
    categories: tuple[str, ...] | None = None
    scheme: str = "quantiles"
    k: int = 5
    lang: str = "de"
    basemap: bool = False
    # Area names on the map (``namen=aus`` switches them off).
    labels: bool = True
    extra: dict[str, str] = field(default_factory=dict)

    def with_(self, **changes) -> ViewState:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def to_query(self) -> str:
        """The query string (without ``?``) of this view; defaults are left out."""
        params: dict[str, str] = {}
        if self.indicator:
            params["ind"] = self.indicator
        if self.year is not None:
            params["jahr"] = str(self.year)
        if self.areas:
            params["gebiete"] = ",".join(self.areas)
        if self.overlays != OVERLAYS:
            params["ebenen"] = ",".join(self.overlays) or "-"
        if self.categories is not None:
            params["kat"] = ",".join(self.categories) or "-"
        if self.scheme != "quantiles":
            params["klass"] = self.scheme
        if self.k != 5:
            params["k"] = str(self.k)
        if self.lang != "de":
            params["lang"] = self.lang
        if self.basemap:
            params["karte"] = "osm"
        if not self.labels:
            params["namen"] = "aus"
        params.update(self.extra)
        return urlencode(params, safe=",")

    @classmethod
    def from_query(cls, query: str | None, page: str = "karte") -> ViewState:
        """Parse a query string; unknown or malformed values fall back to defaults."""
        raw = parse_qs((query or "").lstrip("?"), keep_blank_values=True)

        def one(name: str) -> str | None:
            values = raw.get(name)
            return values[-1] if values else None

        def listed(name: str) -> tuple[str, ...] | None:
            value = one(name)
            if value is None:
                return None
            return tuple(v for v in value.split(",") if v and v != "-")

        def integer(name: str, default: int | None) -> int | None:
            value = one(name)
            try:
                return int(value) if value is not None else default
            except ValueError:
                return default

        known = {"ind", "jahr", "gebiete", "ebenen", "kat", "klass", "k", "lang", "karte", "namen"}
        lang = one("lang")
        overlays = listed("ebenen")
        return cls(
            page=page,
            indicator=one("ind") or None,
            year=integer("jahr", None),
            areas=listed("gebiete") or (),
            overlays=tuple(o for o in overlays if o in OVERLAYS or o.startswith(SITES_LAYER))
            if overlays is not None else OVERLAYS,
            categories=listed("kat"),
            scheme=one("klass") or "quantiles",
            k=min(max(integer("k", 5) or 5, 2), 9),
            lang=lang if lang in LANGS else "de",
            basemap=one("karte") == "osm",
            labels=one("namen") != "aus",
            extra={k: v[-1] for k, v in raw.items() if k not in known},
        )
