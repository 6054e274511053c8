"""The benchmark of issue 6: geodash against the naive ways, on synthetic cities.

``geodash bench`` (or ``python -m geodash.bench``) builds cities of thousands
of irregular blocks with German indicator tables and up to a million sites,
writes each as a real workspace, and prints one table that puts every
geodash figure beside the naive peer's, measured in the same run. The load
test for a running server is :mod:`geodash.bench.load_test`.
"""
