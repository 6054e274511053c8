"""The benchmark of issues 6 and 9: geodash against the naive ways, on synthetic cities.

``geodash bench`` (or ``python -m geodash.bench``) builds cities of thousands
of irregular blocks with German indicator tables and up to a million sites,
writes each as a real workspace, and prints tables that put every geodash
figure beside the naive peer's, measured in the same run, on the same display
geometry, with the same number of repeats:

- what a user waits for, on running servers (:mod:`~geodash.bench.steps_served`):
  start-up until the first map answer, bytes on the wire over real HTTP
  (:mod:`~geodash.bench.wire`), time to the drawn map and to the repaint in
  headless Chromium (:mod:`~geodash.bench.browser`), beside the tutorial Dash
  app (:mod:`~geodash.bench.tutorial_app`), and the load test;
- the server functions in process (load, sites to areas, payloads, memory).

The load test for a running server is :mod:`geodash.bench.load_test`.
"""
