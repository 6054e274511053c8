"""The Dash dashboard: ``create_app(dataset)`` builds it; pages, figures and the frame live here."""

from geodash.web.app import create_app

__all__ = ["create_app"]
