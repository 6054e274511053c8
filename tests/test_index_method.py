"""An unknown ``index.method`` is a spec error naming the settings file, before any data is read."""

from __future__ import annotations

import pytest

from geodash.errors import SpecError
from geodash.workspace import load_workspace


def test_an_unknown_index_method_names_the_settings_file_and_key(grid_workspace):
    settings = grid_workspace / "layers" / "workspace.toml"
    settings.write_text('kind = "workspace"\n[index]\nmethod = "wien"\n', encoding="utf-8")

    with pytest.raises(SpecError, match="`index.method` was 'wien'") as info:
        load_workspace(grid_workspace, cache=False)
    assert info.value.file.endswith("workspace.toml") and info.value.where == "key index.method"
