"""The one palette rule of every map, heat table and chart: the warning end means "more need".

Dark red (the warning end of ColorBrewer's YlOrRd) always marks more need:
the highest class of a ``need`` indicator, the lowest of a ``resource``
(fewer offers, fewer residents within reach), status "sehr niedrig",
dynamics "negativ", the areas flagged as a gap. Neutral indicators (age
shares) take a blue scale where dark only means "more". The map classes
(:func:`class_colors`), the heat tables (:func:`need_colorscale`) and the
charts' highlight colour (:data:`WARNING_COLOR`) all come from here.
"""

from __future__ import annotations

MISSING_COLOR = "#cfcfcf"

# ColorBrewer sequential palettes, light to dark; both stay readable for the
# common forms of colour blindness and in greyscale print. YlOrRd ends in dark
# red, the warning end; PuBu is for neutral indicators, where dark means
# "more" without meaning "worse".
YLORRD = {
    3: ("#ffeda0", "#feb24c", "#f03b20"),
    4: ("#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"),
    5: ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
    6: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"),
    7: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"),
    8: ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"),
    9: ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026",
        "#800026"),
}
PUBU = {
    3: ("#ece7f2", "#a6bddb", "#2b8cbe"),
    4: ("#f1eef6", "#bdc9e1", "#74a9cf", "#0570b0"),
    5: ("#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"),
    6: ("#f1eef6", "#d0d1e6", "#a6bddb", "#74a9cf", "#2b8cbe", "#045a8d"),
    7: ("#f1eef6", "#d0d1e6", "#a6bddb", "#74a9cf", "#3690c0", "#0570b0", "#034e7b"),
    8: ("#fff7fb", "#ece7f2", "#d0d1e6", "#a6bddb", "#74a9cf", "#3690c0", "#0570b0", "#034e7b"),
    9: ("#fff7fb", "#ece7f2", "#d0d1e6", "#a6bddb", "#74a9cf", "#3690c0", "#0570b0", "#045a8d",
        "#023858"),
}
PALETTES = {"need": YLORRD, "resource": YLORRD, "neutral": PUBU}
# Named classes in their order: status hoch → sehr niedrig light to dark red (ColorBrewer
# Reds); dynamics positiv blue, stabil pale yellow, negativ red (apart for colour-blind eyes).
NAMED_COLORS = {
    "status": ("#fee5d9", "#fcae91", "#fb6a4a", "#cb181d"),
    "dynamics": ("#67a9cf", "#fee391", "#d7301f"),
}


# The colour of "more need" in charts (a highlighted point, a warning line): YlOrRd's dark red.
WARNING_COLOR = "#bd0026"
# Its counterpart, "less need" where a chart needs one (ColorBrewer PuBu's dark blue).
RELIEF_COLOR = "#2b8cbe"


def need_colorscale(polarity: str) -> list[list]:
    """A continuous Plotly colour scale over the values, dark at the end of more need.

    For ``need`` the highest value is darkest, for ``resource`` (offers per
    1,000 residents, the share within reach) the lowest; ``neutral`` goes
    light to dark blue with the value. Use it with ``zmin``/``zmax`` spanning
    the values.

    Examples
    --------
    >>> need_colorscale("resource")[0]
    [0.0, '#800026']
    >>> need_colorscale("need")[-1]
    [1.0, '#800026']
    """
    colors = class_colors(polarity, 9)
    return [[i / (len(colors) - 1), color] for i, color in enumerate(colors)]


def class_colors(polarity: str, n: int) -> tuple[str, ...]:
    """Colours of ``n`` classes, ordered like the classes (class 0 holds the lowest values).

    The darkest colour marks the most need: the highest class for ``need``
    (and, as "most", for ``neutral``), the lowest class for ``resource``.

    Examples
    --------
    >>> class_colors("need", 3)[-1], class_colors("resource", 3)[0]
    ('#f03b20', '#f03b20')
    """
    if polarity not in PALETTES:
        raise ValueError(f"`polarity` was {polarity!r} but is expected to be in {sorted(PALETTES)}")
    palette = PALETTES[polarity]
    if n <= 0:
        return ()
    if n < 3:
        # Too few distinct values for a ColorBrewer set: take its ends.
        colors = (palette[3][-1],) if n == 1 else (palette[3][0], palette[3][-1])
    else:
        colors = palette[min(n, 9)]
    return tuple(reversed(colors)) if polarity == "resource" else colors


# Diverging palettes of the change map (web.figures.side_by_side): ColorBrewer RdBu for
# 3–7 classes, red (more) to blue (less); PuOr for neutral indicators.
RDBU = {
    3: ("#ef8a62", "#f7f7f7", "#67a9cf"),
    4: ("#ca0020", "#f4a582", "#92c5de", "#0571b0"),
    5: ("#ca0020", "#f4a582", "#f7f7f7", "#92c5de", "#0571b0"),
    6: ("#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac"),
    7: ("#b2182b", "#ef8a62", "#fddbc7", "#f7f7f7", "#d1e5f0", "#67a9cf", "#2166ac"),
}
PUOR = {
    3: ("#f1a340", "#f7f7f7", "#998ec3"),
    4: ("#e66101", "#fdb863", "#b2abd2", "#5e3c99"),
    5: ("#e66101", "#fdb863", "#f7f7f7", "#b2abd2", "#5e3c99"),
    6: ("#b35806", "#f1a340", "#fee0b6", "#d8daeb", "#998ec3", "#542788"),
    7: ("#b35806", "#f1a340", "#fee0b6", "#f7f7f7", "#d8daeb", "#998ec3", "#542788"),
}
