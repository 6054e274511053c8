"""Element ids shared between the frame and the pages; page-local ids live in their page module.

The URL is the one place that holds the view (see :class:`~geodash.web.state.ViewState`).
A page changes the view by writing ``search`` (and, to go to another page,
``pathname``) of :data:`URL`. Because every page writes the same property,
those outputs need ``allow_duplicate=True`` (and therefore
``prevent_initial_call=True``)::

    Output(ids.URL, "search", allow_duplicate=True)

The frame then shows the view: a change of path, or of a query parameter the
page does not update itself (see ``LIVE_PARAMS`` in :mod:`geodash.web.app`),
builds the page again from the URL; browser back and forward work the same way.

A page that follows URL changes in place listens to a read-only
``dcc.Location(refresh=False)`` of its own inside its layout, not to
:data:`URL`: Dash reports an error for a callback whose inputs are only
partly on screen, which a callback mixing :data:`URL` with page controls
would be on every other page (see :mod:`geodash.web.pages.map`).
"""

from __future__ import annotations

# dcc.Location of the frame (refresh="callback-nav": no full reload on a change).
URL = "url"
# The page container the frame fills with the current page's layout.
CONTENT = "page-content"
# What the frame last built: {"path": ..., "query": ...}; the router's memory per tab.
RENDERED = "page-rendered"
# {"title": ..., "lang": ...} of the current view, written to the document by a clientside callback.
DOCUMENT = "page-document"
DOCUMENT_SINK = "page-document-sink"
# The frame around the pages.
NAVBAR = "navbar"
NAV_LINK = "nav-link-{}"  # .format(page key), e.g. nav-link-karte
LANG_LINK = "lang-{}"  # .format("de" | "en")
FOOTER = "footer"
# "Link kopieren" in the navbar: the button, its status line and the fallback field with the URL.
COPY_LINK = "link-kopieren"
COPY_LINK_STATUS = "link-kopieren-status"
COPY_LINK_FIELD = "link-kopieren-feld"
COPY_LINK_BOX = "link-kopieren-feld-box"  # hidden until the fallback shows the field
