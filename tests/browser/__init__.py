"""Browser tests (dash testing, headless Chromium); a package so that its conftest does not
shadow ``tests/conftest.py``, which other tests import as ``conftest``."""
