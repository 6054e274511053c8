"""The vectorised accessibility agrees with a slow, obvious reference on small random cities.

The reference below walks area by area with plain shapely calls, as one would
by hand; the package's functions work per category and distance on arrays.
"""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geodash.analysis.coverage import accessibility, covered_area, grid_points, population_points

CRS = "EPSG:25832"
CATEGORIES = ["qm", "kurs", "leer"]  # "leer" never has a site
DISTANCES = [300.0, 800.0]


def random_city(seed, n_areas=25, n_sites=30):
    rng = np.random.default_rng(seed)
    frame = shapely.box(0, 0, 4000, 3000)
    seeds = shapely.multipoints(rng.uniform((0, 0), (4000, 3000), size=(n_areas, 2)))
    cells = shapely.intersection(shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=frame)),
                                 frame)
    population = rng.integers(0, 3000, size=len(cells)).astype(float)
    population[0] = np.nan  # unknown population: its points weigh nothing
    population[1] = 0.0
    areas = gpd.GeoDataFrame({"key": [f"{i:03d}" for i in range(len(cells))],
                              "population": population}, geometry=cells, crs=CRS)
    sites = gpd.GeoDataFrame({"category": rng.choice(CATEGORIES[:2], size=n_sites)},
                             geometry=shapely.points(rng.uniform((-300, -300), (4300, 3300),
                                                                 size=(n_sites, 2))), crs=CRS)
    return areas, sites


def reference_points(areas, spacing):
    rows = []
    for key, pop, geom in zip(areas["key"], areas["population"], areas.geometry, strict=True):
        minx, miny, maxx, maxy = geom.bounds
        inside = [shapely.Point(x, y) for y in np.arange(miny + spacing / 2, maxy, spacing)
                  for x in np.arange(minx + spacing / 2, maxx, spacing)
                  if geom.contains(shapely.Point(x, y))]
        inside = inside or [geom.representative_point()]
        for point in inside:
            rows.append((key, (0.0 if np.isnan(pop) else pop) / len(inside), point))
    keys, weights, geoms = zip(*rows, strict=True)
    return gpd.GeoDataFrame({"area_key": keys, "weight": weights}, geometry=list(geoms), crs=CRS)


def reference_accessibility(areas, sites, points, even):
    rows = []
    for key, geom in zip(areas["key"], areas.geometry, strict=True):
        mine = points[points["area_key"] == key]
        if not len(mine):
            continue
        w = mine["weight"].to_numpy()
        w = w if w.sum() > 0 else np.ones_like(w)
        for cat in CATEGORIES:
            here = list(sites.geometry[sites["category"] == cat])
            row = {"area_key": key, "category": cat}
            if not here:
                row["mean_distance"] = np.nan
                row.update({f"share_{int(d)}": 0.0 for d in DISTANCES})
            else:
                nearest = np.array([min(p.distance(s) for s in here) for p in mine.geometry])
                row["mean_distance"] = float((w * nearest).sum() / w.sum())
                for d in DISTANCES:
                    if even:
                        reach = shapely.union_all([s.buffer(d, quad_segs=32) for s in here])
                        row[f"share_{int(d)}"] = geom.intersection(reach).area / geom.area
                    else:
                        row[f"share_{int(d)}"] = float(w[nearest <= d].sum() / w.sum())
            rows.append(row)
    return pd.DataFrame(rows).sort_values(["area_key", "category"]).reset_index(drop=True)


@pytest.mark.parametrize("seed", [1, 2])
def test_population_points_match_a_per_area_grid(seed):
    areas, _ = random_city(seed)
    got = population_points(areas, spacing=150)
    want = reference_points(areas, 150)
    assert got["area_key"].tolist() == want["area_key"].tolist()
    np.testing.assert_allclose(got["weight"], want["weight"])
    assert shapely.equals_exact(got.geometry.values, want.geometry.values, tolerance=1e-9).all()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_even_spread_accessibility_matches_the_slow_reference(seed):
    areas, sites = random_city(seed)
    got = accessibility(areas, sites, CATEGORIES, DISTANCES, spacing=150)
    want = reference_accessibility(areas, sites, reference_points(areas, 150), even=True)
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-9, atol=1e-9)


def test_grid_population_accessibility_matches_the_slow_reference():
    areas, sites = random_city(4)
    rng = np.random.default_rng(5)
    # Some cells fall outside every area (dropped) and some areas get no cell (no row).
    grid = gpd.GeoDataFrame({"count": rng.integers(0, 50, size=60)},
                            geometry=shapely.points(rng.uniform((-200, -200), (4200, 3200),
                                                                size=(60, 2))), crs=CRS)
    points = grid_points(grid, areas)
    got = accessibility(areas, sites, CATEGORIES, DISTANCES, points=points)
    want = reference_accessibility(areas, sites, points, even=False)
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("max_vertices", [8, 64, 10_000])
def test_covered_area_cut_in_pieces_equals_one_intersection_per_area(max_vertices):
    areas, sites = random_city(6)
    zone = shapely.union_all(shapely.buffer(sites.geometry.values, 600))
    geoms = areas.geometry.values
    want = shapely.area(shapely.intersection(geoms, zone))
    np.testing.assert_allclose(covered_area(np.asarray(geoms), zone, max_vertices=max_vertices),
                               want, rtol=1e-9, atol=1e-6)
