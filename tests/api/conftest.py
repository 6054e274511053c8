"""Fixtures of the OGC API tests: the API alone on a Flask app, for the grid and the demo."""

from __future__ import annotations

import flask
import pytest

from geodash.api import register_ogcapi


def client_of(dataset):
    """A test client of a Flask app that serves only the OGC API of ``dataset``."""
    server = flask.Flask("ogcapi-test")
    assert register_ogcapi(server, lambda: dataset, dataset.settings.api)
    return server.test_client()


@pytest.fixture
def api_client():
    """Makes a test client of the OGC API of a Dataset."""
    return client_of


@pytest.fixture(scope="module")
def grid_api(grid_dataset):
    return client_of(grid_dataset)


@pytest.fixture(scope="module")
def demo_api(demo_dataset):
    return client_of(demo_dataset)


@pytest.fixture(scope="session")
def demo_dataset():
    """The Ludwigshafen demo workspace, loaded once."""
    from geodash.workspace import load_workspace

    return load_workspace()
