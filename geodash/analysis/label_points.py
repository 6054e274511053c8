"""Where an area's name goes on a map: a point inside the area, near its middle.

The centroid where it lies inside the area (most areas); elsewhere (a crescent,
an L-shaped area, an area of several parts) shapely's representative point,
which always lies inside. Computed in the metric CRS, for all areas at once.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely


def label_points(areas: gpd.GeoDataFrame, metric_crs: str) -> gpd.GeoSeries:
    """One point per area, inside it, for its name on a map (in the areas' CRS).

    Parameters
    ----------
    areas
        Polygons or multipolygons, in any CRS.
    metric_crs
        The CRS in which the centroid is computed (metres).

    Returns
    -------
    geopandas.GeoSeries
        Indexed like ``areas``, in the CRS of ``areas``; empty geometries stay empty.

    Examples
    --------
    A U-shaped area (its centroid lies in the gap) gets a point inside it:

    >>> from shapely.geometry import Polygon, box
    >>> u = Polygon([(0, 0), (30, 0), (30, 30), (20, 30), (20, 10), (10, 10), (10, 30), (0, 30)])
    >>> frame = gpd.GeoDataFrame(geometry=[box(0, 0, 10, 10), u], crs="EPSG:25832")
    >>> points = label_points(frame, "EPSG:25832")
    >>> points.iloc[0].coords[0], bool(points.within(frame.geometry).iloc[1])
    ((5.0, 5.0), True)
    """
    metric = areas.geometry.to_crs(metric_crs)
    shapes = np.asarray(metric.array)
    centroids = shapely.centroid(shapes)
    inside = shapely.contains_properly(shapes, centroids)
    points = np.where(inside, centroids, shapely.point_on_surface(shapes))
    return gpd.GeoSeries(points, index=areas.index, crs=metric_crs).to_crs(areas.crs)
