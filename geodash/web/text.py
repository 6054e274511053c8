"""Text from the data, made safe for Plotly figures.

Plotly draws hover labels, annotations, legend entries, titles and tick
labels through its own small HTML subset (``<b>``, ``<br>``, ``<a href>``,
``<span style>``, …) and fills ``%{…}`` placeholders in templates. A district
named ``<img src=x onerror=alert(1)>`` or ``<b>X</b>`` is a name, not markup:
every text that comes from a workspace (names of districts, sites, zones,
addresses, category and indicator labels, units) passes :func:`plotly_text`
before it enters a figure. Plotly turns the entities back into characters
when it draws them, so the name reads as written.

Texts for Dash components (``html.*``, ``dcc.Dropdown`` labels, AG Grid
cells) need nothing: React writes them as text.
"""

from __future__ import annotations

import html
import math

# Plotly decodes numeric entities and a few named ones (amp, lt, gt, …) but not
# &quot;, so quotes and braces become numeric entities. Braces: a unit such as
# "%{x}" must not become a template placeholder when a template includes it.
_EXTRA = str.maketrans({'"': "&#34;", "'": "&#39;", "{": "&#123;", "}": "&#125;"})


def plotly_text(value: object) -> str:
    """Escape a text from the data for a Plotly figure; ``None`` and NaN become ``""``.

    Examples
    --------
    >>> plotly_text("<b>Nord & Süd</b>")
    '&lt;b&gt;Nord &amp; Süd&lt;/b&gt;'
    >>> plotly_text(None), plotly_text(12)
    ('', '12')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=False).translate(_EXTRA)


def plotly_texts(values) -> list[str]:
    """:func:`plotly_text` of every value of an iterable, as a list."""
    return [plotly_text(v) for v in values]
