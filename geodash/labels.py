"""Unique display labels of areas: names where they are unique, "Name (Bezirk)" or "Name (key)" where not.

Areas are identified by key; two areas may share a name (a city has two
"Schloßstraße"). Everything that shows areas to people (pickers, chart axes,
tables, exports' labels) takes its text from :func:`area_labels`, so a
repeated name never makes two rows look alike or two labels collide.
"""

from __future__ import annotations

import pandas as pd


def area_labels(areas: pd.DataFrame) -> pd.Series:
    """A label per area that tells areas of the same name apart.

    Parameters
    ----------
    areas
        ``key``, ``name`` and optionally ``parent_name`` (the name of the level
        above, e.g. the Bezirk) per area.

    Returns
    -------
    pandas.Series
        Indexed by ``key`` (in the frame's order): the name where it is unique;
        ``"Name (Parent name)"`` where it repeats and the parent names tell
        the areas apart; ``"Name (key)"`` otherwise.

    Examples
    --------
    >>> areas = pd.DataFrame({"key": ["1", "2", "3", "4"],
    ...                       "name": ["Mitte", "Schloßstraße", "Schloßstraße", "Hafen"],
    ...                       "parent_name": ["Nord", "Nord", "Süd", None]})
    >>> area_labels(areas).tolist()
    ['Mitte', 'Schloßstraße (Nord)', 'Schloßstraße (Süd)', 'Hafen']
    """
    keys = areas["key"].astype(str)
    names = areas["name"].astype(str)
    repeated = names.duplicated(keep=False)
    parents = (areas["parent_name"] if "parent_name" in areas
               else pd.Series(None, index=areas.index, dtype=object))
    with_parent = names + " (" + parents.astype("string").fillna("") + ")"
    # The parent only helps where it is known and makes the pair unique.
    parent_tells = parents.notna() & ~with_parent.duplicated(keep=False)
    with_key = names + " (" + keys + ")"
    labels = names.where(~repeated, with_parent.where(parent_tells, with_key))
    return pd.Series(labels.astype(str).to_numpy(), index=pd.Index(keys.to_numpy(), name="key"),
                     name="label")


def repeated_names(areas: pd.DataFrame) -> dict[str, list[str]]:
    """Names used by more than one area, each with the keys that use it (for the validation report).

    Examples
    --------
    >>> repeated_names(pd.DataFrame({"key": ["1", "2", "3"], "name": ["A", "B", "A"]}))
    {'A': ['1', '3']}
    """
    names = areas["name"].astype(str)
    dupes = areas[names.duplicated(keep=False)]
    return {str(name): [str(k) for k in group] for name, group in
            dupes.groupby(dupes["name"].astype(str), sort=True)["key"]}
