"""The Sozialraumbericht: content checked by hand on the 2×2 grid, pages and margins, tables that fit A4."""

from __future__ import annotations

import re
import subprocess
from datetime import date

import pytest

from geodash.cli import main
from geodash.errors import ParameterError
from geodash.report import build_report, render_html, report_bytes

CREATED = date(2026, 1, 15)
# A4 portrait is 595.3 pt wide; the text column ends at the right margin of 18 mm (51.0 pt).
PAGE_WIDTH_PT = 595.276
RIGHT_EDGE_PT = PAGE_WIDTH_PT - 18 / 25.4 * 72


def pdf_pages(data: bytes, tmp_path, *options: str) -> list[str]:
    path = tmp_path / "bericht.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


def words_right_edge(data: bytes, tmp_path) -> float:
    """The right end of the rightmost word on any page, in points (pdftotext -bbox)."""
    path = tmp_path / "bericht.pdf"
    path.write_bytes(data)
    boxes = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True,
                           check=True).stdout
    return max(float(x) for x in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"', boxes))


@pytest.fixture(scope="module")
def city_pdf(grid_dataset):
    return report_bytes(grid_dataset, "pdf", created=CREATED)


def test_every_page_carries_city_data_year_creation_date_and_page_x_of_y(grid_dataset, city_pdf, tmp_path):
    pages = pdf_pages(city_pdf, tmp_path, "-layout")
    name = grid_dataset.settings.name

    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.strip().splitlines() if line.strip()]
        assert lines[0].startswith(name) and lines[0].endswith("Datenstand 2023"), lines[0]
        assert lines[-1].startswith("Erstellt am 15.01.2026"), lines[-1]
        assert lines[-1].endswith(f"Seite {number} von {len(pages)}"), lines[-1]


def test_city_report_has_its_sections_maps_legend_and_sources(grid_dataset, city_pdf, tmp_path):
    text = "\n".join(pdf_pages(city_pdf, tmp_path, "-layout"))

    assert f"Sozialraumbericht {grid_dataset.settings.name} 2023" in text
    for heading in ("1. Sozialer Status 2023", "2. Stadtteile mit dem größten Handlungsbedarf",
                    "3. Angebote und Versorgung", "4. Programmgebiete", "5. Methode und Quellen"):
        assert heading in text
    # The MSS classes of the status map's legend, with the thresholds as the MSS states them.
    assert "hoch: unter −1,0" in text and "mittel: −1,0 bis 1,0" in text
    assert "Einheit: z" in text


def test_greatest_need_table_holds_the_hand_computed_status_index(grid_dataset):
    # alq 2023 is 4, 8, 16, 22.5: mean 12.625, population SD √(204.6875 / 4) = 7.153, so the z-scores
    # (the status index, with one index indicator) are −1.21, −0.65, 0.47, 1.38. In 2022 (5, 10, 15, 20;
    # SD 5.590) they were −1.34, −0.45, 0.45, 1.34: Südost changed by 1.381 − 1.342 = +0.04.
    report = build_report(grid_dataset, created=CREATED)
    need = next(s for s in report.sections if s.id == "bedarf").tables[0]

    assert [row[:3] for row in need.rows] == [["1", "Südost", "1,38"], ["2", "Südwest", "0,47"],
                                              ["3", "Nordost", "−0,65"], ["4", "Nordwest", "−1,21"]]
    assert need.rows[0][5:] == ["1,34", "1", "+0,04"]
    assert "Index 2022" in need.heads


def test_programme_section_weighs_by_residents_and_has_the_before_after_table(grid_dataset):
    # West covers half of Nordwest (500 of 1,000 residents) and all of Südwest (3,000). 2022:
    # inside (500 · −1.342 + 3000 · 0.447) / 3500 = 0.19; Nordwest is partly on both sides.
    report = build_report(grid_dataset, created=CREATED)
    section = next(s for s in report.sections if s.id == "programmgebiete")
    by_year, zones, did = section.tables
    assert by_year.rows[0][:2] == ["2022", "0,19"] and by_year.rows[0][3:] == ["2", "3"]
    assert "ohne Schwelle" in section.paragraphs[0]
    assert did.heads[1].startswith("Vergleichs-Stadtteile")
    assert did.rows[0][:2] == ["West (Soziale Stadt, 2005–heute)", "Nordost, Südost"]
    assert did.rows[0][4].startswith("Kein Jahr vor dem Start (2005)")
    assert any("parallele Trends" in p for p in section.paragraphs)


def test_offers_per_area_count_the_sites_inside_each_area(grid_dataset):
    # Nordwest holds s1 (qm) and s2 (kurs) and 1,000 residents: 2 offers, 2,00 per 1,000; Südost s3.
    report = build_report(grid_dataset, created=CREATED)
    per_area = next(s for s in report.sections if s.id == "versorgung").tables[1]
    rows = {row[0]: row for row in per_area.rows}

    assert rows["Nordwest"][1:4] == ["1.000", "2", "2,00"]
    assert rows["Südost"][1:4] == ["4.000", "1", "0,25"]
    assert rows["Nordost"][1:4] == ["2.000", "0", "0,00"]


def test_html_report_is_self_contained(grid_dataset):
    page = render_html(build_report(grid_dataset, created=CREATED))

    # The status map, inline (two years are too few for the dynamics over the MSS's two years).
    assert page.count("<svg") == 1
    assert "<link" not in page and "<script" not in page and "@import" not in page
    assert not re.search(r'\bsrc\s*=', page)
    # The only URLs are references inside the SVGs and the SVG/XLink namespace names.
    assert set(re.findall(r"url\(([^)]*)\)", page)) <= {m for m in re.findall(r"url\((#[^)]*)\)", page)}
    assert set(re.findall(r"https?://[^\s\"')<]+", page)) <= {
        "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_area_report_names_indicators_against_the_city_offers_and_zone(grid_dataset, tmp_path):
    data = report_bytes(grid_dataset, "pdf", area="01", lang="en", created=CREATED)
    text = "\n".join(pdf_pages(data, tmp_path, "-layout"))

    assert "Social area report Nordwest" in text and "Borough: Nord" in text
    assert "Made on 15 January 2026" in text and "Page 1 of" in text
    # Nordwest has the lowest unemployment rate in 2023 (4.0 %): rank 4 of 4; it fell by 1.0 since 2022.
    row = next(line for line in text.splitlines() if line.strip().startswith("Unemployment rate"))
    assert "4.0 %" in row and re.search(r"4\s*/\s*4", row) and "−1.0 (2022)" in row
    assert "QM Nordwest" in text and "Kurs Nordwest" in text
    # The zone West covers the western half of Nordwest.
    west = next(line for line in text.splitlines() if line.strip().startswith("West "))
    assert "Soziale Stadt" in west and "2005" in west and "50 %" in west


def test_unknown_area_or_year_is_a_parameter_error(grid_dataset):
    with pytest.raises(ParameterError, match="`area` was '99'"):
        build_report(grid_dataset, area="99")
    with pytest.raises(ParameterError, match="`year` was 1999 but the indicators have values for 2022, 2023"):
        build_report(grid_dataset, year=1999)


@pytest.mark.slow
def test_report_of_447_areas_keeps_every_table_inside_the_page_width(tmp_path):
    from geodash.bench.workspace import write_city_workspace
    from geodash.workspace import load_workspace

    workspace = write_city_workspace(tmp_path / "stadt", 447, 300)
    dataset = load_workspace(workspace.folder, analyses=("access",))
    data = report_bytes(dataset, "pdf", created=CREATED)
    pages = pdf_pages(data, tmp_path)

    assert len(pages) > 8  # the 447-row table runs over several pages …
    assert sum("Einwoh" in page and "Lücke" in page for page in pages) > 5  # … repeating its header
    # No word right of the text column: a fixed table layout with widths adding up to 100 % wraps
    # long cells instead of pushing columns past the margin.
    assert words_right_edge(data, tmp_path) <= RIGHT_EDGE_PT + 0.5


# --- the command line ---


def test_cli_writes_the_report_as_html_and_pdf(grid_workspace, tmp_path):
    for name in ("bericht.html", "bericht.pdf"):
        assert main(["report", str(grid_workspace), "-o", str(tmp_path / name), "--year", "2023"]) == 0
    assert (tmp_path / "bericht.pdf").read_bytes().startswith(b"%PDF")
    assert "Sozialraumbericht" in (tmp_path / "bericht.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("argv", "message"), [
    (["-o", "bericht.pdf", "--area", "99"], "`area` was '99'"),
    (["-o", "bericht.pdf", "--year", "1999"], "`year` was 1999"),
    (["-o", "bericht.docx"], "the report format was 'docx'"),
])
def test_cli_bad_request_exits_2_with_one_line_and_no_file(grid_workspace, tmp_path, capsys, argv, message):
    argv = [a if not a.startswith("bericht") else str(tmp_path / a) for a in argv]
    assert main(["report", str(grid_workspace), *argv]) == 2

    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
    assert not list(tmp_path.glob("bericht*"))
