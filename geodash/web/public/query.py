"""The offer finder's search, kept in the URL so that a counsellor can send it as a link.

``/angebote/?adresse=Ludwigstra%C3%9Fe+2&kat=mbe&sprache=tr&kostenlos=1&lang=tr``:
``adresse`` (what was typed), ``gebiet`` (a district key) or ``punkt``
(``lat,lon`` of a click on the map) give the place; ``kat`` (category codes),
``zielgruppe``, ``sprache`` (the language an offer is given in) and
``kostenlos`` filter; ``anzahl`` is the length of the list; ``lang`` the
page's language.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlencode

COUNTS = (3, 5, 10, 20)
DEFAULT_COUNT = 5


@dataclass(frozen=True)
class FinderQuery:
    """One search of the offer finder."""

    address: str = ""
    area: str = ""
    point: tuple[float, float] | None = None
    categories: tuple[str, ...] = ()
    target_group: str = ""
    language: str = ""
    free_only: bool = False
    count: int = DEFAULT_COUNT
    lang: str = "de"

    def with_(self, **changes) -> FinderQuery:
        """A copy with some fields changed."""
        return replace(self, **changes)

    @property
    def has_place(self) -> bool:
        """Whether the search names a place (address, district or point)."""
        return bool(self.address or self.area or self.point)

    def to_query(self) -> str:
        """The query string (without ``?``); defaults are left out.

        Examples
        --------
        >>> FinderQuery(address="Ludwigstraße 2", categories=("mbe",), lang="tr").to_query()
        'adresse=Ludwigstra%C3%9Fe+2&kat=mbe&lang=tr'
        """
        params: dict[str, str] = {}
        if self.address:
            params["adresse"] = self.address
        if self.area:
            params["gebiet"] = self.area
        if self.point:
            params["punkt"] = f"{self.point[0]:.5f},{self.point[1]:.5f}"
        if self.categories:
            params["kat"] = ",".join(self.categories)
        if self.target_group:
            params["zielgruppe"] = self.target_group
        if self.language:
            params["sprache"] = self.language
        if self.free_only:
            params["kostenlos"] = "1"
        if self.count != DEFAULT_COUNT:
            params["anzahl"] = str(self.count)
        if self.lang != "de":
            params["lang"] = self.lang
        return urlencode(params, safe=",")

    @classmethod
    def from_query(cls, query: str | None, languages: tuple[str, ...] | list[str] = ("de",)) -> FinderQuery:
        """Parse a query string; unknown or malformed values fall back to the defaults.

        Examples
        --------
        >>> FinderQuery.from_query("?adresse=Ludwigstr+2&kat=mbe,ik&kostenlos=1&lang=ar", ["de", "ar"])
        FinderQuery(address='Ludwigstr 2', area='', point=None, categories=('mbe', 'ik'), \
target_group='', language='', free_only=True, count=5, lang='ar')
        """
        raw = parse_qs((query or "").lstrip("?"), keep_blank_values=True)

        def one(name: str) -> str:
            values = raw.get(name)
            return values[-1].strip() if values else ""

        point = None
        try:
            lat, lon = (float(v) for v in one("punkt").split(","))
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                point = (lat, lon)
        except ValueError:
            point = None
        try:
            count = int(one("anzahl") or DEFAULT_COUNT)
        except ValueError:
            count = DEFAULT_COUNT
        lang = one("lang")
        return cls(
            address=one("adresse")[:200],
            area=one("gebiet"),
            point=point,
            categories=tuple(c for c in one("kat").split(",") if c),
            target_group=one("zielgruppe").lower(),
            language=one("sprache").lower(),
            free_only=one("kostenlos") in ("1", "ja", "true"),
            count=count if count in COUNTS else DEFAULT_COUNT,
            lang=lang if lang in languages else "de",
        )
