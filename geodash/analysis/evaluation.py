"""Programme evaluation: residents inside programme areas, the index inside and outside, and a DiD.

Recommendation 10 asks the city to evaluate its integration work. The plain
question "is the status index inside the Soziale Stadt areas different from
outside?" needs to know how much of each area a programme area covers. An area
is not simply "in" or "out": each area counts with the **share of its
residents** living inside the programme areas that run in a year, by the
population grid where the workspace has one (residents located), else by the
share of its surface (residents spread evenly). There is no cut-off.

Beside the plain means, :func:`difference_in_differences` compares each
programme area's areas before and after its start with similar areas that never
had a programme area. It describes; it proves nothing (see the page's note).

Everything here is a pure function of frames, vectorised over areas and points:
one spatial query of areas (or resident points) against the zones, then grouped
sums; the only Python loops run over years and programme areas.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodash.analysis.similar import similar_areas
from geodash.analysis.years import zones_running
from geodash.joins import zone_shares

# How residents are located: on the population grid, or spread evenly over the surface.
WEIGHTINGS = ("points", "surface")

SHARE_COLUMNS = ["area_key", "year", "share", "by"]
INSIDE_COLUMNS = ["year", "inside", "outside", "n_inside", "n_outside",
                  "residents_inside", "residents_outside"]
DID_COLUMNS = ["zone_id", "name", "programme", "since", "until", "match_year", "pre_years",
               "post_years", "areas", "comparison", "n_areas", "n_comparison", "treated_pre",
               "treated_post", "comparison_pre", "comparison_post", "did", "reason"]

# Shares this close to 0 or 1 are floating-point noise of the overlay.
SHARE_TOLERANCE = 1e-9

# The reference row handed to ``similar_areas``: the programme area's areas as one.
_GROUP = "\x00programme"


def running(zones: pd.DataFrame, year: int) -> np.ndarray:
    """Whether each zone runs in ``year`` (:func:`geodash.analysis.years.zones_running`), as an array."""
    return zones_running(zones, year).to_numpy(dtype=bool)


def zone_resident_shares(
    areas: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, *, points: gpd.GeoDataFrame | None = None
) -> pd.DataFrame:
    """Share of each area's residents inside each zone.

    Parameters
    ----------
    areas
        ``key, geometry`` in a metric CRS.
    zones
        ``zone_id, geometry`` in the same CRS.
    points
        Residents located on a grid (``area_key, weight, geometry``, as
        ``Dataset.population_points``); without it residents are spread evenly
        over each area's surface. An area with no resident point, or whose
        points weigh nothing, keeps its surface share.

    Returns
    -------
    pandas.DataFrame
        ``area_key, zone_id, share, by`` for every pair with ``share > 0``;
        ``by`` is ``"points"`` or ``"surface"``.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> areas = gpd.GeoDataFrame({"key": ["a"]}, geometry=[box(0, 0, 100, 100)], crs=25832)
    >>> zones = gpd.GeoDataFrame({"zone_id": ["z"]}, geometry=[box(0, 0, 25, 100)], crs=25832)
    >>> zone_resident_shares(areas, zones)["share"].tolist()
    [0.25]
    """
    surface = zone_shares(areas, zones).assign(by="surface")
    if points is None or surface.empty:
        return surface.reset_index(drop=True)
    by_points, located = _point_shares(points, zones, zones["zone_id"].to_numpy())
    keep = surface[~surface["area_key"].isin(located)]
    by_points = by_points[by_points["area_key"].isin(set(areas["key"]))]
    out = pd.concat([keep, by_points.assign(by="points")], ignore_index=True)
    out = out[out["share"] > 0]
    return out.sort_values(["area_key", "zone_id"]).reset_index(drop=True)


def _point_shares(points: gpd.GeoDataFrame, zones: gpd.GeoDataFrame,
                  labels: np.ndarray) -> tuple[pd.DataFrame, set]:
    """Resident shares per (area, zone) from one query of the points against the zones.

    ``labels`` are the zone ids. Returns ``area_key, zone_id, share`` and the
    keys of the areas that have resident points.
    """
    keys = points["area_key"].to_numpy()
    weight = points["weight"].to_numpy(dtype=float)
    codes, uniques = pd.factorize(keys)
    total = np.bincount(codes, weight, minlength=len(uniques))
    # Points that weigh nothing (a grid without counts there) are counted, not weighed.
    weightless = total[codes] <= 0
    weight = np.where(weightless, 1.0, weight)
    total = np.bincount(codes, weight, minlength=len(uniques))
    point_pos, zone_pos = zones.sindex.query(points.geometry.values, predicate="intersects")
    pairs = pd.DataFrame({"point": point_pos, "label": labels[zone_pos]}).drop_duplicates()
    pairs["area"] = codes[pairs["point"].to_numpy()]
    pairs["weight"] = weight[pairs["point"].to_numpy()]
    sums = pairs.groupby(["area", "label"], sort=False)["weight"].sum().reset_index()
    shares = pd.DataFrame({
        "area_key": uniques[sums["area"].to_numpy()],
        "zone_id": sums["label"].to_numpy(),
        "share": np.clip(sums["weight"].to_numpy() / total[sums["area"].to_numpy()], 0.0, 1.0),
    })
    return shares, set(uniques)


def resident_shares(
    areas: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    years: Sequence[int],
    *,
    points: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """For every area and year, the share of its residents inside the zones running that year.

    Zones that overlap count once (their union is taken), so a share never
    exceeds 1. A zone runs in a year when its start is unknown or not later,
    and its end is unknown or not earlier.

    Parameters
    ----------
    areas, zones, points
        As for :func:`zone_resident_shares` (``zones`` with ``since, until``).
    years
        The years asked for.

    Returns
    -------
    pandas.DataFrame
        ``area_key, year, share, by`` for every area and year (share 0 outside
        every running zone), in ``areas`` order within each year.
    """
    years = [int(y) for y in years]
    keys = areas["key"].to_numpy()
    if not years:
        return pd.DataFrame(columns=SHARE_COLUMNS)
    frame = pd.DataFrame({"area_key": np.tile(keys, len(years)),
                          "year": np.repeat(years, len(keys)), "share": 0.0})
    located = set(points["area_key"].dropna()) if points is not None else set()
    frame["by"] = np.where(frame["area_key"].isin(located), "points", "surface")
    if zones.empty or areas.empty:
        return frame[SHARE_COLUMNS]
    # One label per distinct set of running zones: years with the same programmes share it.
    sets = {y: tuple(np.flatnonzero(running(zones, y))) for y in years}
    labels = {s: i for i, s in enumerate(dict.fromkeys(s for s in sets.values() if s))}
    if not labels:
        return frame[SHARE_COLUMNS]
    unions = gpd.GeoDataFrame(
        {"zone_id": list(labels.values())},
        geometry=[shapely.union_all(zones.geometry.values[list(s)]) for s in labels],
        crs=zones.crs)
    shares = zone_resident_shares(areas, unions, points=points)
    year_sets = pd.DataFrame({"year": years, "zone_id": [labels.get(sets[y], -1) for y in years]})
    long = year_sets.merge(shares[["area_key", "zone_id", "share"]], on="zone_id")
    found = frame[["area_key", "year"]].merge(long[["area_key", "year", "share"]],
                                                 on=["area_key", "year"], how="left")
    frame["share"] = found["share"].fillna(0.0).to_numpy()
    return frame[SHARE_COLUMNS]


def _weights(frame: pd.DataFrame, population: pd.DataFrame | None) -> pd.Series:
    """Residents of each (area, year) row; 1 for every row without a population table."""
    if population is None:
        return pd.Series(1.0, index=frame.index)
    table = population.set_index(["area_key", "year"])["population"].astype(float)
    keys = pd.MultiIndex.from_arrays([frame["area_key"], frame["year"].astype(int)])
    return pd.Series(table.reindex(keys).to_numpy(), index=frame.index)


def index_inside_outside(
    index_by_year: pd.DataFrame, shares: pd.DataFrame, population: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Resident-weighted mean status index inside and outside the programme areas, year by year.

    Each area counts inside with the residents it has inside (residents ×
    share) and outside with the rest (residents × (1 − share)):
    ``inside = Σ p·s·x / Σ p·s`` and ``outside = Σ p·(1−s)·x / Σ p·(1−s)``.

    Parameters
    ----------
    index_by_year
        ``area_key, year, status_index``.
    shares
        ``area_key, year, share`` (from :func:`resident_shares`); missing pairs are 0.
    population
        ``area_key, year, population``; without it every area weighs 1 (so
        the weights are the shares). Areas without residents in a year are
        left out of that year.

    Returns
    -------
    pandas.DataFrame
        ``year, inside, outside, n_inside, n_outside, residents_inside,
        residents_outside``: ``n_inside`` counts areas with a share above 0,
        ``n_outside`` areas with a share below 1; ``residents_*`` are the
        weights summed (residents, or areas when unweighted). NaN where a
        side has no weight.

    Examples
    --------
    >>> index = pd.DataFrame({"area_key": ["a", "b"], "year": [2020, 2020],
    ...                       "status_index": [2.0, -1.0]})
    >>> shares = pd.DataFrame({"area_key": ["a"], "year": [2020], "share": [0.5]})
    >>> index_inside_outside(index, shares)[["inside", "outside"]].round(3).values.tolist()
    [[2.0, 0.0]]
    """
    frame = index_by_year.dropna(subset=["status_index"])[["area_key", "year", "status_index"]].copy()
    frame["year"] = frame["year"].astype(int)
    share = shares.set_index(["area_key", "year"])["share"] if len(shares) else pd.Series(dtype=float)
    keys = pd.MultiIndex.from_arrays([frame["area_key"], frame["year"]])
    s = share.reindex(keys).fillna(0.0).to_numpy(dtype=float)
    # An area wholly covered may measure 0.9999999: it is not partly outside.
    frame["s"] = np.where(s > 1 - SHARE_TOLERANCE, 1.0, np.where(s < SHARE_TOLERANCE, 0.0, s))
    frame["p"] = _weights(frame, population)
    frame = frame[frame["p"] > 0]
    x = frame["status_index"].astype(float)
    frame = frame.assign(w_in=frame["p"] * frame["s"], w_out=frame["p"] * (1 - frame["s"]),
                         one_in=(frame["s"] > 0).astype(int), one_out=(frame["s"] < 1).astype(int))
    frame = frame.assign(x_in=frame["w_in"] * x, x_out=frame["w_out"] * x)
    sums = frame.groupby("year")[["w_in", "w_out", "x_in", "x_out", "one_in", "one_out"]].sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame({
            "year": sums.index.astype(int),
            "inside": np.where(sums["w_in"] > 0, sums["x_in"] / sums["w_in"], np.nan),
            "outside": np.where(sums["w_out"] > 0, sums["x_out"] / sums["w_out"], np.nan),
            "n_inside": sums["one_in"].astype(int).to_numpy(),
            "n_outside": sums["one_out"].astype(int).to_numpy(),
            "residents_inside": sums["w_in"].to_numpy(),
            "residents_outside": sums["w_out"].to_numpy(),
        })
    return out[INSIDE_COLUMNS].reset_index(drop=True)


def difference_in_differences(
    index_by_year: pd.DataFrame,
    zone_shares_by_zone: pd.DataFrame,
    zones: pd.DataFrame,
    *,
    population: pd.DataFrame | None = None,
    n_comparison: int = 5,
) -> pd.DataFrame:
    """Compare each programme area's areas before and after its start with similar areas.

    For a programme area starting in year ``s`` (and ending in ``u``, if it ended):

    - its areas are those with a share of residents inside it; each counts
      with residents × share (share alone without a population table);
    - *before* are the data years before ``s``, *after* the years from ``s``
      on while it runs;
    - the comparison areas are the ``n_comparison`` areas that no programme
      area ever touched whose status index in the last year before ``s``
      (the *match year*; the first year after when there is none) is closest
      to the programme area's weighted mean then
      (:func:`geodash.analysis.similar.similar_areas`, distance mode);
    - ``did = (treated_post − treated_pre) − (comparison_post − comparison_pre)``:
      with the status index (higher = more need), a negative value means need
      fell more (or rose less) in the programme area than in the comparison areas.

    Parameters
    ----------
    index_by_year
        ``area_key, year, status_index``.
    zone_shares_by_zone
        ``area_key, zone_id, share`` (from :func:`zone_resident_shares`).
    zones
        ``zone_id, name, programme, since, until``.
    population
        ``area_key, year, population``, for the weights; every area weighs 1 without it.
    n_comparison
        How many comparison areas at most.

    Returns
    -------
    pandas.DataFrame
        One row per programme area, in ``zones`` order: ``zone_id, name,
        programme, since, until, match_year``, ``pre_years`` and
        ``post_years`` (tuples), ``areas`` and ``comparison`` (tuples of area
        keys, comparison nearest first), ``n_areas, n_comparison``, the four
        means, ``did`` and ``reason``: ``None`` when ``did`` is a number, else
        why not (``"no_start"``, ``"no_areas"``, ``"no_before"``,
        ``"no_after"``, ``"no_comparison"``).
    """
    frame = index_by_year.dropna(subset=["status_index"])[["area_key", "year", "status_index"]].copy()
    frame["year"] = frame["year"].astype(int)
    frame["p"] = _weights(frame, population)
    frame = frame[frame["p"] > 0]
    years = sorted(frame["year"].unique().tolist())
    touched = set(zone_shares_by_zone.loc[zone_shares_by_zone["share"] > 0, "area_key"])
    never = frame[~frame["area_key"].isin(touched)]
    rows = []
    # A loop over programme areas (a handful per city), never over areas.
    for zone in zones.itertuples(index=False):
        rows.append(_did_row(zone, frame, never, zone_shares_by_zone, years, n_comparison))
    return pd.DataFrame(rows, columns=DID_COLUMNS)


def _did_row(zone, frame: pd.DataFrame, never: pd.DataFrame, shares: pd.DataFrame,
             years: list[int], n_comparison: int) -> dict:
    since = None if pd.isna(zone.since) else int(zone.since)
    until = None if pd.isna(zone.until) else int(zone.until)
    mine = shares[(shares["zone_id"] == zone.zone_id) & (shares["share"] > 0)]
    row = {"zone_id": zone.zone_id, "name": zone.name, "programme": zone.programme,
           "since": since, "until": until, "match_year": None, "pre_years": (), "post_years": (),
           "areas": tuple(mine["area_key"]), "comparison": (), "n_areas": len(mine),
           "n_comparison": 0, "treated_pre": np.nan, "treated_post": np.nan,
           "comparison_pre": np.nan, "comparison_post": np.nan, "did": np.nan, "reason": None}
    if since is None:
        return {**row, "reason": "no_start"}
    if mine.empty:
        return {**row, "reason": "no_areas"}
    pre = tuple(y for y in years if y < since)
    post = tuple(y for y in years if y >= since and (until is None or y <= until))
    row.update(pre_years=pre, post_years=post)
    match_year = pre[-1] if pre else (post[0] if post else None)
    treated = frame.merge(mine[["area_key", "share"]], on="area_key")
    treated = treated.assign(w=treated["p"] * treated["share"])
    if match_year is None:
        return {**row, "reason": "no_after"}
    row["match_year"] = match_year
    at_match = treated[treated["year"] == match_year]
    candidates = never[never["year"] == match_year].set_index("area_key")["status_index"]
    if at_match.empty or candidates.empty:
        return {**row, "reason": "no_comparison" if candidates.empty else "no_areas"}
    reference = float(np.average(at_match["status_index"], weights=at_match["w"]))
    wide = pd.concat([candidates, pd.Series({_GROUP: reference})]).to_frame("status_index")
    near = similar_areas(wide, _GROUP, ["status_index"], mode="distance", limit=n_comparison)
    comparison = never[never["area_key"].isin(near.index)]
    row.update(comparison=tuple(near.index), n_comparison=len(near))
    row.update(treated_pre=_mean(treated, pre, "w"), treated_post=_mean(treated, post, "w"),
               comparison_pre=_mean(comparison, pre, "p"),
               comparison_post=_mean(comparison, post, "p"))
    if not pre:
        return {**row, "reason": "no_before"}
    if not post:
        return {**row, "reason": "no_after"}
    values = [row["treated_pre"], row["treated_post"], row["comparison_pre"], row["comparison_post"]]
    if any(np.isnan(v) for v in values):
        return {**row, "reason": "no_comparison"}
    row["did"] = (row["treated_post"] - row["treated_pre"]) - (
        row["comparison_post"] - row["comparison_pre"])
    return row


def _mean(frame: pd.DataFrame, years: Sequence[int], weight: str) -> float:
    """Weighted mean status index over the rows of ``years`` (NaN when none)."""
    part = frame[frame["year"].isin(years)]
    if part.empty or part[weight].sum() <= 0:
        return np.nan
    return float(np.average(part["status_index"], weights=part[weight]))
