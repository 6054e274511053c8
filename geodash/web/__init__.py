"""The Dash dashboard: ``create_app(dataset)`` builds it; pages, figures and the frame live here."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geodash.web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str):
    # Imported on first use: exports (geodash.export.html_map) use web.figures without the app,
    # and the app's pages import those exports; an eager import here would make a cycle.
    if name == "create_app":
        from geodash.web.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
