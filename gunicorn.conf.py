"""gunicorn settings read from the working directory: ``gunicorn app:server``.

The access log names the path of each request, never its query string: a link to
the offer finder (``/angebote/?adresse=…``) holds the address a resident typed, and
no address is to be logged. ``%(U)s`` is the path without the query.
"""

access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss'
