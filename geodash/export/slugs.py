"""Safe ASCII names for exported columns and files, with the human labels kept beside them.

Category codes come from the city's files ("Jugendfreizeiteinrichtungen (JFE)",
"Beratung/Hilfe"); as parts of column names they break QGIS expressions, R
formulas and SQL. Exports use :func:`slug` names and keep the labels in the
file's metadata (see :mod:`geodash.export.formats`).
"""

from __future__ import annotations

import re
import unicodedata

# German letters that NFKD does not reduce to something readable ("ß") or that
# a German reader expects spelt out ("ä" -> "ae", not "a").
GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
                        "ß": "ss", "ẞ": "SS"})


def slug(text: object, *, fallback: str = "x") -> str:
    """Lower-case ASCII letters, digits and underscores: a name every tool accepts.

    Examples
    --------
    >>> slug("Jugendfreizeiteinrichtungen (JFE)")
    'jugendfreizeiteinrichtungen_jfe'
    >>> slug("Planungsräume"), slug("Straße/Platz  Nr. 1"), slug("(((")
    ('planungsraeume', 'strasse_platz_nr_1', 'x')
    """
    ascii_text = (unicodedata.normalize("NFKD", str(text).translate(GERMAN))
                  .encode("ascii", "ignore").decode("ascii"))
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_") or fallback
