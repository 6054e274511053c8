"""A workspace for the offer finder whose distances can be checked by hand.

The 2×2 grid of 1 km squares (see ``tests/conftest.py``) with four addresses and
six offers at round coordinates in EPSG:25832. From Ludwigstraße 2 (the grid's
centre, x0+1000, y0+1000) the running offers lie at (Pythagoras):

=====  ===========================  ==========================  ========
offer  where (dx, dy from centre)   distance                    notes
=====  ===========================  ==========================  ========
o2     (0, 200)                     200 m                       ik, 5 €
o1     (300, 400)                   500 m                       mbe, de+tr, free, families
o4     (600, 0)                     600 m                       treff, ar+uk+ru, free
o6     (-900, 0)                    900 m                       treff, de, free, Arabic name
o3     (-600, -800)                 1000 m                      mbe, tr+ar, free, families
o5     (0, 50)                      50 m                        ended in 2015: never listed
=====  ===========================  ==========================  ========

From Bürgermeister-Grünzweig-Straße 35 (x0+400, y0+400): o3 200 m, o6
sqrt(300² + 600²) = 670.8 m, o2 sqrt(600² + 800²) = 1000 m.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import X0, Y0, make_grid_workspace

ADDRESSES_TOML = """
kind = "addresses"
file = "data/adressen.csv"
geometry = "xy"
crs = "EPSG:25832"
[columns]
street = "STN"
number = "HNR"
postcode = "PLZ"
x = "RW"
y = "HW"
"""

ADDRESSES = [
    ("Ludwigstraße", "2", "67059", 1000, 1000),
    ("Ludwigstraße", "4", "67059", 1040, 1000),
    ("Bürgermeister-Grünzweig-Straße", "35", "67063", 400, 400),
    ("Wredestraße", "1", "67059", 1600, 1600),
]

SITES_TOML = """
kind = "sites"
file = "data/angebote.csv"
geometry = "xy"
crs = "EPSG:25832"
[columns]
id = "ID"
name = "Name"
category = "Art"
x = "X"
y = "Y"
start = "Beginn"
end = "Ende"
address = "Adresse"
languages = "Sprachen"
target_group = "Zielgruppe"
cost = "Kosten"
opening_hours = "Zeiten"
phone = "Telefon"
email = "Mail"
[categories.mbe]
label = { de = "Migrationsberatung", en = "Migration counselling", tr = "Göç danışmanlığı", \
ar = "استشارات الهجرة" }
[categories.ik]
label = { de = "Integrationskurs", en = "Integration course" }
[categories.treff]
label = { de = "Stadtteiltreff", en = "Neighbourhood centre", ar = "مركز الحي" }
[target_groups.familien]
label = { de = "Familien", en = "Families", tr = "Aileler", ar = "العائلات" }
"""

# id, name, name in Arabic, category, dx, dy, start, end, languages, target group, cost, hours, phone, mail
OFFERS = [
    ("o1", "Migrationsberatung Nord", "", "mbe", 1300, 1400, 2010, "", "Deutsch, Türkisch", "familien",
     "kostenlos", "Mo–Fr 9–12 Uhr", "0621 100", "mbe-nord@example.org"),
    ("o2", "Integrationskurs Mitte", "", "ik", 1000, 1200, 2010, "", "de", "erwachsene", "120 €",
     "Mo–Do 8–12 Uhr", "", ""),
    ("o3", "Beratung Süd", "", "mbe", 400, 200, 2012, "", "tr, ar", "familien, frauen", "kostenlos",
     "", "0621 300", ""),
    ("o4", "Sprachcafé Ost", "", "treff", 1600, 1000, 2015, "", "ar, uk, ru", "frauen", "0 €",
     "Di 15–17 Uhr", "", ""),
    ("o5", "Altes Projekt", "", "mbe", 1000, 1050, 2005, "2015", "tr", "familien", "kostenlos", "", "", ""),
    ("o6", "Jugendtreff West", "نادي الشباب الغربي", "treff", 100, 1000, 2000, "", "de", "jugendliche",
     "kostenlos", "Mo–Fr 14–19 Uhr", "", ""),
]


def make_finder_workspace(root: Path) -> Path:
    """The grid workspace with the addresses and offers above (its own sites layer)."""
    make_grid_workspace(root)
    (root / "layers" / "sites.toml").unlink()
    (root / "layers" / "adressen.toml").write_text(ADDRESSES_TOML, encoding="utf-8")
    (root / "layers" / "angebote.toml").write_text(SITES_TOML, encoding="utf-8")
    lines = ["STN;HNR;PLZ;RW;HW"] + [f"{s};{n};{p};{X0 + dx};{Y0 + dy}" for s, n, p, dx, dy in ADDRESSES]
    (root / "data" / "adressen.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    header = "ID;Name;Name_ar;Art;X;Y;Beginn;Ende;Sprachen;Zielgruppe;Kosten;Zeiten;Telefon;Mail;Adresse"
    rows = [";".join([i, n, n_ar, c, str(X0 + dx), str(Y0 + dy), str(b), e, lang, g, cost, t, ph, m,
                      f"{n}weg 1"])
            for i, n, n_ar, c, dx, dy, b, e, lang, g, cost, t, ph, m in OFFERS]
    (root / "data" / "angebote.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    (root / "layers" / "workspace.toml").write_text(
        'kind = "workspace"\nname = "Gitterstadt"\n'
        '[public]\nimprint = { de = "Stadt Gitterstadt, Rathausplatz 1", en = "City of Gitterstadt" }\n'
        'privacy = "Verantwortlich: Stadt Gitterstadt, Datenschutzbeauftragte."\n', encoding="utf-8")
    return root
