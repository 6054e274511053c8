"""The history and access settings: declared once, documented in the template, checked at load."""

from __future__ import annotations

import pytest

from geodash.catalog import AccessSettings, HistorySettings, load_catalog
from geodash.errors import SpecError
from geodash.workspace import init_workspace


@pytest.mark.parametrize("settings", [HistorySettings, AccessSettings])
def test_every_setting_is_documented_in_the_template(tmp_path, settings):
    text = (init_workspace(tmp_path / "ws") / "layers" / "workspace.toml").read_text(encoding="utf-8")
    section = {HistorySettings: "history", AccessSettings: "access"}[settings]
    assert f"# [{section}]" in text
    for name in settings.model_fields:
        assert f"# {name} = " in text, name


@pytest.mark.parametrize(("toml", "fragment"), [
    ('[access]\nproxy_header = "X-Remote-User"\n', "trusted_proxies"),
    ('[access]\nproxy_header = "X-User"\ntrusted_proxies = ["not an address"]\n', "not an address"),
    ("[history]\nkeep_versions = -1\n", "keep_versions"),
    ('[access]\nproxy_role = "admin"\n', "proxy_role"),
])
def test_a_wrong_setting_is_named_before_anything_is_read(grid_workspace, toml, fragment):
    (grid_workspace / "layers" / "workspace.toml").write_text('kind = "workspace"\n' + toml,
                                                              encoding="utf-8")
    with pytest.raises(SpecError, match=fragment):
        load_catalog(grid_workspace)
