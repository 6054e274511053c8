"""The public offer finder (Angebotsfinder, ``/angebote/``): its own Dash app, pages and catalogues.

See :mod:`geodash.web.public.app` (the app, alone or mounted beside the planning
app), :mod:`~geodash.web.public.finder` and :mod:`~geodash.web.public.legal` (the
pages), :mod:`~geodash.web.public.search` (one search answered from a Dataset),
:mod:`~geodash.web.public.query` (the search in the URL) and
:mod:`~geodash.web.public.i18n` (the gettext catalogues in ``locale/``).
"""
