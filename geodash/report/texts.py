"""Every text of the Sozialraumbericht, in German and English (``{Units}`` is the city's word)."""

from __future__ import annotations

TEXT = {
    "de": {
        "report": "Sozialraumbericht",
        "title_city": "Sozialraumbericht {city} {year}",
        "title_area": "Sozialraumbericht {area}",
        "subtitle_area": "{Unit} in {city} · Daten {year}",
        "created": "Erstellt am {date}",
        "data_year": "Datenstand {year}",
        "page": "Seite ",
        "of": " von ",
        "contents": "Inhalt",
        "status_map": "Sozialer Status {year}",
        "dynamics_map": "Dynamik {year}",
        "indicator_map": "{label} {year}",
        "map_note": "Klassen nach dem Monitoring Soziale Stadtentwicklung (MSS). Quelle: {source}.",
        "need": "{Units} mit dem größten Handlungsbedarf",
        "need_intro": "Die {n} {Units} mit dem höchsten Statusindex {year} (höher = niedrigerer sozialer "
                      "Status, mehr Bedarf), mit Rang und Index {before} und der Veränderung seither.",
        "need_none": "Dieser Datenbestand hat keinen Sozialindex (keine Indikatoren mit in_index = true).",
        "col_rank": "Rang", "col_area": "{Unit}", "col_status": "Status­index {year}",
        "col_class": "Status", "col_dynamics": "Dynamik", "col_before": "Index {year}",
        "col_rank_before": "Rang {year}", "col_change": "Verände­rung",
        "offers": "Angebote und Versorgung",
        "offers_intro": "Angebote je Art in der ganzen Stadt; dann je {Unit}: Angebote, Angebote je 1.000 "
                        "Einwohner/innen und der Anteil der Bewohner/innen, die ein Angebot in "
                        "Luftlinie erreichen. „Lücke“: hoher Bedarf und wenige Angebote.",
        "col_category": "Art des Angebots", "col_count": "Angebote", "col_population": "Einwohner",
        "col_per_1000": "je 1.000 EW", "col_share": "≤ {d} m", "col_distance": "mittl. Entfernung",
        "col_gap": "Lücke", "gap_yes": "ja", "all_offers": "Alle Angebote",
        "no_offers": "In diesem Datenbestand sind keine Angebote erfasst.",
        "programme": "Programmgebiete",
        "programme_intro": "Der mittlere Statusindex der {Units} in und außerhalb der laufenden "
                           "Programmgebiete, Jahr für Jahr; ein {Unit} zählt mit dem Anteil seiner "
                           "Einwohner/innen im Programmgebiet als innen und mit dem Rest als "
                           "außen (ohne Schwelle).",
        "no_programme": "Dieser Datenbestand hat keine Programmgebiete oder keinen Sozialindex.",
        "col_year": "Jahr", "col_inside": "in Programmgebieten", "col_outside": "außerhalb",
        "col_n_inside": "{Units} (ganz/teils) innen",
        "col_n_outside": "{Units} (ganz/teils) außen",
        "col_zone": "Programmgebiet", "col_programme": "Programm", "col_since": "seit",
        "col_until": "bis", "col_share_area": "Anteil der Fläche",
        "method": "Methode und Quellen",
        "method_index": "Status- und Dynamikindex nach dem Berliner Monitoring Soziale "
                        "Stadtentwicklung (MSS): die Indexindikatoren werden über die {Units} "
                        "z-standardisiert (positiv = mehr Bedarf) und gemittelt. Klassen nach "
                        "Standardabweichungen: Status hoch (< −1), mittel (−1 … +1), niedrig "
                        "(> +1 … +1,5), sehr niedrig (> +1,5); Dynamik positiv (< −1), stabil, "
                        "negativ (> +1).",
        "method_coverage": "Versorgung: Angebote je 1.000 Einwohner/innen zählen die Angebote "
                           "innerhalb des {Unit}s; die Entfernung ist die Luftlinie von den Wohnorten "
                           "(gleichmäßig über die Fläche verteilt oder aus dem Bevölkerungsraster) "
                           "zum nächsten Angebot, auch jenseits der Grenze.",
        "sources": "Quellen der Ebenen",
        "col_layer": "Ebene", "col_source": "Quelle", "col_file": "Datei", "col_rows": "Zeilen",
        "indicators": "Indikatoren",
        "col_indicator": "Indikator", "col_unit": "Einheit", "col_years": "Jahre",
        "col_in_index": "im Index", "yes": "ja", "no": "nein",
        "profile": "Profil",
        "population": "Einwohner/innen: {n}",
        "parent": "{Parent}: {name}",
        "area_map": "{Unit} mit Angeboten und Programmgebieten",
        "index": "Sozialindex",
        "status_line": "Statusindex {year}: {value} (Status {cls}), Rang {rank} von {n}",
        "dynamics_line": "Dynamikindex {year}: {value} (Dynamik {cls})",
        "no_index": "Kein Sozialindex für diesen {Unit}.",
        "against_city": "Alle Indikatoren im Vergleich zur Stadt",
        "col_value": "Wert", "col_city": "Stadt", "col_trend": "Trend seit",
        "col_theme": "Thema",
        "rank_of": "{rank} / {n}",
        "neutral": "– (neutral)",
        "area_offers": "Angebote im {Unit}",
        "col_name": "Name", "col_address": "Adresse",
        "no_area_offers": "Im {Unit} sind keine Angebote erfasst.",
        "reach": "Wie nah die Bewohner/innen wohnen",
        "area_zones": "Programmgebiete im {Unit}",
        "no_area_zones": "Der {Unit} liegt in keinem Programmgebiet.",
        "suppressed": "vertraulich",
        "no_source": "nicht angegeben",
    },
    "en": {
        "report": "Social area report",
        "title_city": "Social area report {city} {year}",
        "title_area": "Social area report {area}",
        "subtitle_area": "{Unit} in {city} · data {year}",
        "created": "Made on {date}",
        "data_year": "Data as of {year}",
        "page": "Page ",
        "of": " of ",
        "contents": "Contents",
        "status_map": "Social status {year}",
        "dynamics_map": "Dynamics {year}",
        "indicator_map": "{label} {year}",
        "map_note": "Classes after Berlin's Monitoring Soziale Stadtentwicklung (MSS). Source: {source}.",
        "need": "{Units} with the greatest need",
        "need_intro": "The {n} {units} with the highest status index in {year} (higher = lower social "
                      "status, more need), with their rank and index in {before} and the change since.",
        "need_none": "This dataset has no social index (no indicators with in_index = true).",
        "col_rank": "Rank", "col_area": "{Unit}", "col_status": "Status index {year}",
        "col_class": "Status", "col_dynamics": "Dynamics", "col_before": "Index {year}",
        "col_rank_before": "Rank {year}", "col_change": "Change",
        "offers": "Offers and coverage",
        "offers_intro": "Offers by kind across the city; then per {unit}: offers, offers per 1,000 "
                        "residents and the share of residents within reach of an offer (straight "
                        "line). \u201cGap\u201d: high need and few offers.",
        "col_category": "Kind of offer", "col_count": "Offers", "col_population": "Residents",
        "col_per_1000": "per 1,000", "col_share": "≤ {d} m", "col_distance": "mean distance",
        "col_gap": "Gap", "gap_yes": "yes", "all_offers": "All offers",
        "no_offers": "This dataset has no offers.",
        "programme": "Programme areas",
        "programme_intro": "The mean status index of the {units} inside and outside the running "
                           "programme areas, year by year; a {unit} counts inside with the share of "
                           "its residents in a programme area and outside with the rest (no "
                           "cut-off).",
        "no_programme": "This dataset has no programme areas or no social index.",
        "col_year": "Year", "col_inside": "in programme areas", "col_outside": "outside",
        "col_n_inside": "{Units} (wholly/partly) inside",
        "col_n_outside": "{Units} (wholly/partly) outside",
        "col_zone": "Programme area", "col_programme": "Programme", "col_since": "since",
        "col_until": "until", "col_share_area": "share of the surface",
        "method": "Method and sources",
        "method_index": "Status and dynamics index after Berlin's Monitoring Soziale "
                        "Stadtentwicklung (MSS): the index indicators are z-standardised across "
                        "the {units} (positive = more need) and averaged. Classes by standard "
                        "deviations: status high (< −1), medium (−1 … +1), low (> +1 … +1.5), very "
                        "low (> +1.5); dynamics positive (< −1), stable, negative (> +1).",
        "method_coverage": "Coverage: offers per 1,000 residents count the offers inside the {unit}; "
                           "the distance is the straight line from where residents live (spread "
                           "evenly or from the population grid) to the nearest offer, also beyond "
                           "the border.",
        "sources": "Sources of the layers",
        "col_layer": "Layer", "col_source": "Source", "col_file": "File", "col_rows": "Rows",
        "indicators": "Indicators",
        "col_indicator": "Indicator", "col_unit": "Unit", "col_years": "Years",
        "col_in_index": "in index", "yes": "yes", "no": "no",
        "profile": "Profile",
        "population": "Residents: {n}",
        "parent": "{Parent}: {name}",
        "area_map": "The {unit} with its offers and programme areas",
        "index": "Social index",
        "status_line": "Status index {year}: {value} (status {cls}), rank {rank} of {n}",
        "dynamics_line": "Dynamics index {year}: {value} (dynamics {cls})",
        "no_index": "No social index for this {unit}.",
        "against_city": "Every indicator against the city",
        "col_value": "Value", "col_city": "City", "col_trend": "Trend since",
        "col_theme": "Theme",
        "rank_of": "{rank} / {n}",
        "neutral": "– (neutral)",
        "area_offers": "Offers in the {unit}",
        "col_name": "Name", "col_address": "Address",
        "no_area_offers": "No offers are recorded in this {unit}.",
        "reach": "How close residents live",
        "area_zones": "Programme areas in the {unit}",
        "no_area_zones": "The {unit} lies in no programme area.",
        "suppressed": "confidential",
        "no_source": "not given",
    },
}
