"""Static maps: the classes and colours of the web map, a legend and sources a council paper can cite."""

from __future__ import annotations

import io
import subprocess
from datetime import date

import numpy as np
import pytest
import shapely
from matplotlib.colors import to_rgba
from PIL import Image

from geodash.catalog import load_catalog
from geodash.cli import main
from geodash.dataset import build_dataset
from geodash.errors import ParameterError
from geodash.export.map_formats import map_bytes, map_format
from geodash.export.static_map import MapLayout, check_view, fitting_labels, static_map
from geodash.web.figures.choropleth import map_view
from geodash.web.figures.palettes import MISSING_COLOR
from geodash.web.state import ViewState

CREATED = date(2026, 1, 15)
# alq 2022 in the grid: 5, 10, 15, 20. Equal intervals, 3 classes: width (20 − 5) / 3 = 5,
# upper bounds 10, 15, 20; a value on a bound belongs to the lower class: 2, 1 and 1 areas.
EQUAL_3 = ViewState(indicator="alq", year=2022, scheme="equal_interval", k=3)
YLORRD_3 = ("#ffeda0", "#feb24c", "#f03b20")


@pytest.fixture(scope="module")
def sourced_dataset(tmp_path_factory):
    """The grid with a source for alq, so that the source line has something to cite."""
    from tests.conftest import make_grid_workspace

    root = make_grid_workspace(tmp_path_factory.mktemp("maps") / "grid")
    spec = root / "layers" / "indicators.toml"
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        'polarity = "need"\nin_index = true',
        'polarity = "need"\nsource = "Statistikstelle Gitterstadt"\nin_index = true', 1), encoding="utf-8")
    return build_dataset(load_catalog(root))


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "map.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_map_pdf_holds_title_hand_computed_legend_unit_source_and_dates(sourced_dataset, tmp_path):
    data = map_bytes(sourced_dataset, EQUAL_3, "pdf", MapLayout(created=CREATED))
    text = pdf_text(data, tmp_path)
    name = sourced_dataset.settings.name

    assert f"Arbeitslosenquote 2022 – {name}" in text
    for bounds, count in (("5,0 – 10,0", 2), ("10,0 – 15,0", 1), ("15,0 – 20,0", 1)):
        rows = [line for line in text.splitlines() if bounds in line]
        assert rows and rows[0].rstrip().endswith(str(count)), bounds
    assert "Einheit: %" in text
    assert "Anzahl Stadtteile" in text
    assert "Quelle: Statistikstelle Gitterstadt" in text
    assert "Datenstand: 2022" in text and "Erstellt am 15.01.2026" in text
    # The map box is 195.8 × 161 mm (A4 less margins, title, footer and legend); the grid with 3 %
    # padding is 2,120 m square, so 2,120 / 161 = 13.2 m per mm: about 1 : 13,000, and a scale bar
    # of at most a fifth of the box (516 m) is 500 m long.
    assert "Maßstab ca. 1 : 13.000 (bei Druck auf A4)" in text and "500 m" in text


def test_english_map_formats_numbers_and_dates_in_english(sourced_dataset, tmp_path):
    data = map_bytes(sourced_dataset, EQUAL_3.with_(lang="en"), "pdf", MapLayout(created=CREATED))
    text = pdf_text(data, tmp_path)

    assert "Unemployment rate 2022" in text
    assert "5.0 – 10.0" in text and "Unit: %" in text
    assert "Source: Statistikstelle Gitterstadt" in text and "Made on 15 January 2026" in text


def test_area_colours_are_exactly_those_of_the_web_map(sourced_dataset):
    figure = static_map(sourced_dataset, EQUAL_3)
    areas = figure.axes[0].collections[0]

    expected = [to_rgba(c) for c in map_view(sourced_dataset, EQUAL_3).area_colors]
    assert [tuple(c) for c in areas.get_facecolor()] == expected
    # Nordwest 5 and Nordost 10 in the lightest class, Südwest 15 in the middle, Südost 20 darkest.
    assert expected == [to_rgba(c) for c in (YLORRD_3[0], YLORRD_3[0], YLORRD_3[1], YLORRD_3[2])]


def test_png_is_200_dpi_a4_and_shows_every_legend_colour_and_the_no_data_grey(sourced_dataset):
    # kinder 2023 has no value for Nordost: a "keine Daten" class.
    state = ViewState(indicator="kinder", year=2023, scheme="equal_interval", k=3)
    image = Image.open(io.BytesIO(map_bytes(sourced_dataset, state, "png")))
    pixels = np.asarray(image.convert("RGB")).reshape(-1, 3)
    colours = {tuple(int(v) for v in row) for row in np.unique(pixels, axis=0)}

    assert image.size == (2338, 1653)  # 297 × 210 mm at 200 dpi, rounded down
    view = map_view(sourced_dataset, state)
    for colour in (*view.colors, MISSING_COLOR):
        assert tuple(round(v * 255) for v in to_rgba(colour)[:3]) in colours, colour


def test_keine_daten_row_counts_the_area_without_value(sourced_dataset, tmp_path):
    state = ViewState(indicator="kinder", year=2023, scheme="equal_interval", k=3)
    text = pdf_text(map_bytes(sourced_dataset, state, "pdf"), tmp_path)

    assert any("keine Daten" in line and line.rstrip().endswith("1") for line in text.splitlines())


def test_a3_portrait_pages_have_their_paper_size(sourced_dataset):
    figure = static_map(sourced_dataset, EQUAL_3, MapLayout(paper="a3", orientation="portrait"))

    width, height = figure.get_size_inches() * 25.4
    assert (round(width), round(height)) == (297, 420)


def test_svg_keeps_text_as_text(sourced_dataset):
    svg = map_bytes(sourced_dataset, EQUAL_3, "svg").decode("utf-8")

    assert svg.startswith("<?xml") and "<text" in svg and "10,0 – 15,0" in svg


def test_sites_and_zones_get_their_legend_sections(sourced_dataset, tmp_path):
    state = EQUAL_3.with_(overlays=("sites:sites", "zones"))
    text = pdf_text(map_bytes(sourced_dataset, state, "pdf"), tmp_path)

    # The legend counts the sites on the map: the window is 195.8 mm × 13.17 m/mm = 2,578 m wide
    # around the grid's centre, reaching 289 m west of it; s4 lies 300 m west, just outside.
    assert "Angebote" in text and "Quartiersmanagement (2)" in text and "kurs (1)" in text
    assert "Programmgebiete" in text and "Programmgebiet (Umriss)" in text


@pytest.mark.parametrize(("metres_per_mm", "fits"), [(90.0, True), (100.0, False)])
def test_a_label_is_kept_only_where_its_text_fits_inside_the_area(metres_per_mm, fits):
    # A 1 km square and "Nordwest" at 6 pt: 8 characters × 0.62 em × 6 pt × 0.3528 mm/pt
    # = 10.5 mm of paper, i.e. 945 m at 90 m/mm (fits) and 1,050 m at 100 m/mm (does not).
    square = np.array([shapely.box(0, 0, 1000, 1000)])
    kept, x, y = fitting_labels(square, np.array(["Nordwest"]), metres_per_mm, 6.0)

    assert kept.tolist() == [fits]
    assert (x[0], y[0]) == (500.0, 500.0)


def test_labels_are_drawn_on_the_map_where_they_fit(sourced_dataset):
    figure = static_map(sourced_dataset, EQUAL_3, MapLayout(labels=True))
    texts = {t.get_text() for t in figure.axes[0].texts}

    assert {"Nordwest", "Nordost", "Südwest", "Südost"} <= texts


@pytest.mark.parametrize(("state", "message"), [
    (ViewState(indicator="nix"), "`indicator` was 'nix'"),
    (ViewState(indicator="alq", year=1999), "`year` was 1999 but 'alq' has values for 2022, 2023"),
    (ViewState(indicator="alq", scheme="beliebig"), "`scheme` was 'beliebig'"),
    (ViewState(indicator="alq", k=12), "`classes` was 12"),
])
def test_a_view_the_workspace_cannot_show_is_a_parameter_error(grid_dataset, state, message):
    with pytest.raises(ParameterError) as info:
        check_view(grid_dataset, state)
    assert message in info.value.message


def test_unknown_suffix_names_the_allowed_ones():
    with pytest.raises(ParameterError) as info:
        map_format("karte.docx")
    assert ".png, .svg, .pdf, .html" in info.value.message


# --- the command line ---


def test_cli_writes_a_pdf_map_with_sites_and_zones(grid_workspace, tmp_path, capsys):
    out = tmp_path / "karte.pdf"
    argv = ["export", "map", str(grid_workspace), "-o", str(out), "--indicator", "alq", "--year", "2022",
            "--scheme", "equal_interval", "--classes", "3", "--sites", "--zones", "--labels"]
    assert main(argv) == 0

    text = pdf_text(out.read_bytes(), tmp_path)
    assert "Arbeitslosenquote 2022" in text and "10,0 – 15,0" in text and "Quartiersmanagement" in text


def test_cli_writes_the_html_map_through_the_web_maps_export(grid_workspace, tmp_path):
    out = tmp_path / "karte.html"
    assert main(["export", "map", str(grid_workspace), "-o", str(out), "--lang", "en"]) == 0

    assert out.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html>")


@pytest.mark.parametrize(("extra", "message"), [
    (["--indicator", "nix"], "`indicator` was 'nix'"),
    (["--year", "1999"], "`year` was 1999"),
    (["--classes", "9"], "`classes` was 9"),
])
def test_cli_bad_view_exits_2_with_one_line_and_writes_nothing(grid_workspace, tmp_path, capsys, extra,
                                                                message):
    out = tmp_path / "karte.png"
    assert main(["export", "map", str(grid_workspace), "-o", str(out), *extra]) == 2

    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0] and err[0].startswith("geodash: usage error:")
    assert not out.exists()


def test_cli_unknown_suffix_exits_2_before_loading(tmp_path, capsys):
    missing = tmp_path / "kein-arbeitsbereich"
    assert main(["export", "map", str(missing), "-o", str(tmp_path / "karte.docx")]) == 2

    assert "the map format was 'docx'" in capsys.readouterr().err
    assert not (tmp_path / "karte.docx").exists()


@pytest.mark.parametrize("module", ["geodash.export.map_formats", "geodash.export.static_map",
                                    "geodash.report", "geodash.web.pages.map_export",
                                    "geodash.web.pages.profile_report"])
def test_each_module_imports_first_in_a_fresh_interpreter(module):
    # static_map uses the web figures, whose package imports the pages that offer these files.
    import sys

    result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_cli_html_map_with_sites_holds_the_sites(grid_workspace, tmp_path):
    out = tmp_path / "karte.html"
    assert main(["export", "map", str(grid_workspace), "-o", str(out), "--sites", "--zones"]) == 0

    page = out.read_text(encoding="utf-8")
    assert "QM Nordwest" in page and "West" in page
