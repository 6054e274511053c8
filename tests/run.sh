#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian machine, then run them.
#   bash tests/run.sh            all tests, browser tests included
#   bash tests/run.sh -m "not browser"   extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${GEODASH_VENV:-.venv}

# Headless Chromium and its driver for the browser tests, GDAL (ogrinfo, ogr2ogr) as the OGC API
# client of tests/api, poppler-utils (pdftotext, pdfimages, pdfinfo) to read back the maps, reports
# and PDFs the print tests make, PostgreSQL with PostGIS for the database source's tests (they start
# a throwaway server themselves) (Debian packages). Chromium brings pango, which WeasyPrint (the
# report's PDF) needs.
if ! command -v chromedriver >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1 \
        || ! command -v ogr2ogr >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1 \
        || ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null \
        || ! compgen -G "/usr/share/postgresql/*/extension/postgis.control" >/dev/null; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver gdal-bin \
        poppler-utils postgresql postgis >/dev/null
fi

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q -e ".[test]"

# axe-core for the accessibility audit of the offer finder (tests/browser/test_finder_journey.py);
# without npm the audit uses the older axe-core bundled with axe-selenium-python.
if command -v npm >/dev/null 2>&1 && [ ! -f tests/.axe/node_modules/axe-core/axe.min.js ]; then
    npm install --silent --no-save --no-audit --no-fund --prefix tests/.axe axe-core@4
fi

export DASH_TEST_CHROMEPATH=${DASH_TEST_CHROMEPATH:-$(command -v chromium)}
export PERCY_ENABLE=0
"$VENV/bin/python" -m pytest --headless -p no:cacheprovider "$@"
