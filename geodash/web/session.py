"""A saved session: the view (page and URL state), the selection with its name, and free-text notes.

A session is a small JSON file the user downloads and loads again later (or
passes to a colleague). Its schema is versioned (:data:`VERSION`, documented in
the README); :func:`session_json` writes it and :func:`read_session` checks a
file before anything of it is used: a file that is no geodash session, of a
newer version, or malformed is refused with one message naming what is wrong
(:class:`SessionError`); area keys this workspace does not have are named in a
note and left out. Nothing here knows Dash: the map page wires it to its
download and upload controls.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from geodash.errors import ParameterError
from geodash.web.figures.selection import NAME_MAX, NAME_PARAM, selection_name, with_selection
from geodash.web.state import ViewState

FORMAT = "geodash-session"
VERSION = 1
MAX_BYTES = 64 * 1024  # a session is a few hundred bytes; notes of a few pages fit
MAX_NOTES = 20_000  # characters
# URL parameters the session keeps in ``selection``, not in ``view.query``.
SELECTION_PARAMS = ("gebiete", NAME_PARAM)


class SessionError(ParameterError):
    """A file that cannot be loaded as a session; ``key`` and ``values`` name the message."""

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(f"{key}: {values}" if values else key)


@dataclass(frozen=True)
class LoadedSession:
    """A checked session: the page and query to open, the notes, and what was left out."""

    page: str
    query: str
    notes: str
    name: str
    areas: tuple[str, ...]
    unknown_areas: tuple[str, ...] = ()
    workspace: str = ""
    notes_cut: bool = False
    warnings: tuple[str, ...] = field(default=())


def session_document(page: str, state: ViewState, notes: str, *, workspace: str,
                     saved_at: datetime | None = None) -> dict:
    """The session of a view as a JSON-ready dict (see the README for the schema)."""
    view = state.with_(areas=(), extra={k: v for k, v in state.extra.items() if k != NAME_PARAM})
    return {
        "format": FORMAT,
        "version": VERSION,
        "saved_at": (saved_at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "workspace": workspace,
        "view": {"page": page or "/", "query": view.to_query()},
        "selection": {"areas": list(state.areas), "name": selection_name(state)},
        "notes": (notes or "")[:MAX_NOTES],
    }


def session_json(page: str, state: ViewState, notes: str, *, workspace: str,
                 saved_at: datetime | None = None) -> str:
    """The session file's text: indented UTF-8 JSON, readable and diffable."""
    document = session_document(page, state, notes, workspace=workspace, saved_at=saved_at)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def read_session(content: bytes, *, pages: Iterable[str], area_keys: Iterable[str],
                 workspace: str = "") -> LoadedSession:
    """Check a session file and return what to open; refuse anything else with a named reason.

    Parameters
    ----------
    content
        The file's bytes.
    pages
        The paths of this app's pages (a session's page must be one).
    area_keys
        The workspace's area keys; the session's other keys are named and left out.
    workspace
        The workspace's name; a session saved for another one loads with a note.

    Raises
    ------
    SessionError
        ``too_large``, ``not_utf8``, ``not_json``, ``not_session``,
        ``newer_version``, ``bad_version``, ``bad_field`` (with ``field``) or
        ``unknown_page`` (with ``page``).
    """
    if len(content) > MAX_BYTES:
        raise SessionError("too_large", size=len(content), limit=MAX_BYTES)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SessionError("not_utf8") from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SessionError("not_json", line=exc.lineno, column=exc.colno) from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SessionError("not_session")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SessionError("bad_version", version=str(version)[:20])
    if version > VERSION:
        raise SessionError("newer_version", version=version, supported=VERSION)
    view = _mapping(document, "view")
    selection = _mapping(document, "selection", required=False)
    page = _text(view, "page", "view.page") or "/"
    query = _text(view, "query", "view.query")
    areas = selection.get("areas", [])
    if not isinstance(areas, list) or not all(isinstance(a, str | int) and not isinstance(a, bool)
                                              for a in areas):
        raise SessionError("bad_field", field="selection.areas")
    name = _text(selection, "name", "selection.name")
    notes = document.get("notes", "")
    if not isinstance(notes, str):
        raise SessionError("bad_field", field="notes")
    saved_for = document.get("workspace", "")
    if not isinstance(saved_for, str):
        raise SessionError("bad_field", field="workspace")
    known_pages = {"/" + p.strip("/") for p in pages}
    page = "/" + page.strip("/")
    if page not in known_pages:
        raise SessionError("unknown_page", page=page[:100])
    known = set(area_keys)
    asked = list(dict.fromkeys(str(a) for a in areas))
    kept = tuple(a for a in asked if a in known)
    unknown = tuple(a for a in asked if a not in known)
    state = ViewState.from_query(query)
    # The view's query never carries a selection of its own: the selection block holds it.
    state = state.with_(extra={k: v for k, v in state.extra.items() if k not in SELECTION_PARAMS})
    state = with_selection(state, kept, name[:NAME_MAX])
    warnings = ("other_workspace",) if saved_for and workspace and saved_for != workspace else ()
    return LoadedSession(page=page, query=state.to_query(), notes=notes[:MAX_NOTES],
                         name=selection_name(state), areas=kept, unknown_areas=unknown,
                         workspace=saved_for, notes_cut=len(notes) > MAX_NOTES,
                         warnings=warnings)


def _mapping(document: dict, key: str, *, required: bool = True) -> dict:
    value = document.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise SessionError("bad_field", field=key)
    return value


def _text(mapping: dict, key: str, name: str) -> str:
    value = mapping.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > 8 * 1024:
        raise SessionError("bad_field", field=name)
    return value
