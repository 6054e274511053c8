"""Who is asking: login and logout, a trusted proxy's user header, and CSRF protection.

Three ways to be recognised, checked in this order on every request:

1. **A trusted reverse proxy or SSO** passes the user name in a header
   (``[access] proxy_header`` in ``layers/workspace.toml``). The header counts
   only when the request comes from one of ``trusted_proxies``; from any
   other address it is ignored, so nobody can name themselves. The role is
   the name's account role if it has one, else ``proxy_role``.
2. **Built-in accounts** (``geodash user add NAME --role editor``): a login
   form at ``/anmelden``; the session cookie is signed with the workspace's
   secret, HttpOnly and ``SameSite=Lax``; failed logins are limited per
   address and per name, counted across worker processes.
3. **Nobody set up** (no accounts, no proxy header): a server on this
   computer lets a browser on this computer edit, as the operating-system
   user; a request relayed by a proxy (``Forwarded``/``X-Forwarded-For``) or
   from another address is nobody. ``geodash serve --uploads`` refuses other
   addresses in this case.

CSRF: Dash changes state through JSON POSTs to ``/_dash-update-component``.
A browser sends a JSON POST to another site only after a CORS preflight,
which this server never answers with permission; on top of that every
state-changing request whose ``Origin`` (or, without it, ``Referer``) names
another host is refused with 403, and the session cookie is ``SameSite=Lax``,
so a cross-site POST carries no login. The login and logout forms are plain
HTML forms (which any site could post), so they also carry a per-session
token that must match the session's.
"""

from __future__ import annotations

import getpass
import ipaddress
import os
import secrets
import time
from contextlib import contextmanager
from html import escape
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import flask

from geodash.catalog import AccessSettings
from geodash.uploads.atomic import write_atomic
from geodash.uploads.lock import instance_dir
from geodash.uploads.users import User, account_role, authenticate, has_accounts, session_secret

ACCESS = "geodash.access"  # where the app keeps its Access, beside Flask's extensions
LOGIN_PATH = "/anmelden"
LOGOUT_PATH = "/abmelden"
FORWARDING_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP")
OPEN_PREFIXES = ("/_dash-component-suites/", "/assets/", "/_favicon.ico", LOGIN_PATH)
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

TEXT = {
    "de": {"title": "Anmelden", "name": "Benutzername", "password": "Passwort", "submit": "Anmelden",
           "wrong": "Benutzername oder Passwort stimmen nicht.",
           "limited": "Zu viele Fehlversuche. Bitte in {minutes} Minuten erneut versuchen.",
           "expired": "Das Formular ist abgelaufen. Bitte erneut anmelden.",
           "back": "Zurück zum Dashboard", "lang": "lang=en", "other": "English"},
    "en": {"title": "Log in", "name": "User name", "password": "Password", "submit": "Log in",
           "wrong": "User name or password are wrong.",
           "limited": "Too many failed attempts. Please try again in {minutes} minutes.",
           "expired": "The form has expired. Please log in again.",
           "back": "Back to the dashboard", "lang": "lang=de", "other": "Deutsch"},
}


def is_loopback(host: str) -> bool:
    """Whether a listening address is only reachable from this computer."""
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class FailedLogins:
    """Failed logins per address and per name within a window; too many lock that key out.

    Kept in ``.geodash/logins.json`` under its own ``flock``, so that every
    worker process counts the same attempts (an attacker gains nothing from
    gunicorn's ``-w 4``). Only failures are written; a success clears its keys.
    """

    def __init__(self, folder: Path, limit: int, window_s: float) -> None:
        self.path = folder / "logins.json"
        self.limit = limit
        self.window_s = window_s

    @contextmanager
    def _state(self, write: bool):
        import fcntl
        import json

        self.path.parent.mkdir(mode=0o700, exist_ok=True)
        fd = os.open(self.path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                state = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                state = {}
            now = time.time()
            state = {k: [t for t in v if t > now - self.window_s] for k, v in state.items()
                     if isinstance(v, list)}
            state = {k: v for k, v in state.items() if v}
            yield state
            if write:
                write_atomic(self.path, json.dumps(state).encode("utf-8"), mode=0o600)
        finally:
            os.close(fd)  # closing drops the lock

    def wait_s(self, *keys: str) -> float:
        """Seconds until another attempt is allowed for these keys (0 when it is allowed)."""
        now = time.time()
        with self._state(write=False) as state:
            waits = [min(state[k]) + self.window_s - now for k in keys if len(state.get(k, ())) >= self.limit]
        return max(waits, default=0.0)

    def fail(self, *keys: str) -> None:
        """Count a failed attempt for each key."""
        with self._state(write=True) as state:
            for key in keys:
                state.setdefault(key, []).append(time.time())

    def clear(self, *keys: str) -> None:
        """Forget the failures of these keys (after a successful login)."""
        with self._state(write=True) as state:
            for key in keys:
                state.pop(key, None)


class Access:
    """How one app recognises its users; attach it to the Flask server with :meth:`attach`.

    Parameters
    ----------
    workspace
        The workspace whose accounts and secret are used.
    settings
        The workspace's ``[access]`` settings.
    """

    def __init__(self, workspace: str | Path, settings: AccessSettings | None = None) -> None:
        self.workspace = Path(workspace)
        self.settings = settings or AccessSettings()
        self.proxies = [ipaddress.ip_network(a, strict=False) for a in self.settings.trusted_proxies]
        self.failed = FailedLogins(instance_dir(self.workspace, create=False),
                                   self.settings.max_failed_logins, self.settings.lockout_minutes * 60)

    @property
    def configured(self) -> bool:
        """Whether any authentication is set up (a proxy header, or an account with a password)."""
        return bool(self.settings.proxy_header) or has_accounts(self.workspace)

    def _from_proxy(self, request: flask.Request) -> bool:
        try:
            address = ipaddress.ip_address(request.remote_addr or "")
        except ValueError:
            return False
        return any(address in network for network in self.proxies)

    def user(self, request: flask.Request) -> User | None:
        """Who sent ``request``, or ``None`` for nobody."""
        header = self.settings.proxy_header
        if header and self._from_proxy(request):
            name = (request.headers.get(header) or "").strip()
            # The name goes into the manifest and onto the page: one printable line, not too long.
            if name and len(name) <= 128 and name.isprintable():
                return User(name, account_role(self.workspace, name) or self.settings.proxy_role, "proxy")
        name = flask.session.get("user")
        if isinstance(name, str):
            role = account_role(self.workspace, name)  # a removed account's session ends here
            if role:
                return User(name, role, "account")
        if not self.configured and self._local(request):
            return User(_os_user(), "editor", "local")
        return None

    @staticmethod
    def _local(request: flask.Request) -> bool:
        if any(h in request.headers for h in FORWARDING_HEADERS):
            return False  # relayed by a proxy: the browser may be anywhere
        return is_loopback(request.remote_addr or "")

    def attach(self, server: flask.Flask) -> None:
        """Sign sessions, check origins, guard the pages if asked, and serve login and logout."""
        server.extensions[ACCESS] = self
        server.secret_key = session_secret(self.workspace)
        server.config.update(SESSION_COOKIE_NAME="geodash_session", SESSION_COOKIE_HTTPONLY=True,
                             SESSION_COOKIE_SAMESITE="Lax")
        server.before_request(self._check_request)
        server.add_url_rule(LOGIN_PATH, "geodash_login", self._login, methods=["GET", "POST"])
        server.add_url_rule(LOGOUT_PATH, "geodash_logout", self._logout, methods=["POST"])

    def _check_request(self):
        request = flask.request
        if request.method in UNSAFE_METHODS and not same_origin(request):
            return flask.Response("Cross-site request refused.\n", 403, mimetype="text/plain")
        if self.settings.viewers_must_log_in and not request.path.startswith(OPEN_PREFIXES):
            if self.user(request) is None:
                if request.method == "GET":
                    return flask.redirect(f"{LOGIN_PATH}?{urlencode({'next': request.full_path})}")
                return flask.Response("Log in first.\n", 401, mimetype="text/plain")
        return None

    def _login(self):
        request = flask.request
        lang = "en" if request.values.get("lang") == "en" else "de"
        target = safe_next(request.values.get("next"))
        if request.method == "GET":
            return self._login_page(lang, target)
        if not _token_ok(request.form.get("csrf")):
            return self._login_page(lang, target, TEXT[lang]["expired"], 400)
        name = str(request.form.get("name") or "")[:64]
        keys = (f"ip:{request.remote_addr}", f"name:{name.lower()}")
        wait = self.failed.wait_s(*keys)
        if wait:
            minutes = max(1, round(wait / 60))
            response = self._login_page(lang, target, TEXT[lang]["limited"].format(minutes=minutes), 429)
            response.headers["Retry-After"] = str(int(wait) + 1)
            return response
        user = authenticate(self.workspace, name, str(request.form.get("password") or ""))
        if user is None:
            self.failed.fail(*keys)
            return self._login_page(lang, target, TEXT[lang]["wrong"], 401)
        self.failed.clear(*keys)
        flask.session.clear()  # a new session: nothing of the anonymous one carries over
        flask.session["user"] = user.name
        flask.session["csrf"] = secrets.token_urlsafe(32)
        return flask.redirect(target, 303)

    def _logout(self):
        if not _token_ok(flask.request.form.get("csrf")):
            return flask.Response("The form has expired.\n", 400, mimetype="text/plain")
        flask.session.clear()
        return flask.redirect(safe_next(flask.request.form.get("next")), 303)

    def _login_page(self, lang: str, target: str, message: str = "", status: int = 200):
        text = TEXT[lang]
        token = csrf_token()
        alert = f'<p class="alert alert-danger" role="alert">{escape(message)}</p>' if message else ""
        other = f"{LOGIN_PATH}?{text['lang']}&{urlencode({'next': target})}"
        body = f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(text['title'])}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}}
label,input,button{{display:block;width:100%;margin:.3rem 0;font-size:1rem}}input{{padding:.4rem}}
button{{padding:.5rem;margin-top:1rem}}.alert{{color:#842029;background:#f8d7da;padding:.5rem}}</style>
</head><body><main>
<h1>{escape(text['title'])}</h1>{alert}
<form method="post" action="{LOGIN_PATH}" id="gd-login">
<input type="hidden" name="csrf" value="{escape(token)}">
<input type="hidden" name="next" value="{escape(target)}">
<input type="hidden" name="lang" value="{lang}">
<label for="gd-login-name">{escape(text['name'])}</label>
<input id="gd-login-name" name="name" autocomplete="username" required maxlength="64">
<label for="gd-login-password">{escape(text['password'])}</label>
<input id="gd-login-password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" id="gd-login-submit">{escape(text['submit'])}</button>
</form>
<p><a href="{escape(target)}">{escape(text['back'])}</a> · <a href="{escape(other)}">{text['other']}</a></p>
</main></body></html>"""
        return flask.Response(body, status, mimetype="text/html")


def csrf_token() -> str:
    """The session's form token (made when missing); forms that change state carry it."""
    token = flask.session.get("csrf")
    if not isinstance(token, str):
        token = flask.session["csrf"] = secrets.token_urlsafe(32)
    return token


def _token_ok(given) -> bool:
    expected = flask.session.get("csrf")
    return isinstance(given, str) and isinstance(expected, str) and secrets.compare_digest(given, expected)


def same_origin(request: flask.Request) -> bool:
    """Whether a request's ``Origin`` (or ``Referer``) is this host; true when neither is sent.

    Browsers send ``Origin`` with every cross-site POST; a client that sends
    neither header is no browser, so no CSRF victim.
    """
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source:
        return True
    if source == "null":
        return False  # sandboxed frames, data: URLs
    host = urlsplit(source).netloc.lower()
    hosts = {request.host.lower()}
    access = flask.current_app.extensions.get(ACCESS)
    if access is not None and access._from_proxy(request) and request.headers.get("X-Forwarded-Host"):
        hosts.add(request.headers["X-Forwarded-Host"].split(",")[0].strip().lower())
    return host in hosts


def safe_next(target: str | None) -> str:
    """A path on this site to go back to after login; anything else becomes ``/daten``."""
    target = str(target or "")
    if not target.startswith("/") or target.startswith("//") or "\\" in target or "\n" in target:
        return "/daten"
    return target


def current_user() -> User | None:
    """Who sent the current request (``None`` outside a request or for nobody)."""
    if not flask.has_request_context():
        return None
    access = flask.current_app.extensions.get(ACCESS)
    return access.user(flask.request) if access is not None else None


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "lokal"


def current_access() -> Access | None:
    """The app's Access (``None`` outside a request, or when the app has none)."""
    return flask.current_app.extensions.get(ACCESS) if flask.has_app_context() else None


def check_serve_access(workspace: str | Path, host: str) -> None:
    """Refuse to serve uploads beyond this computer when nobody can be authenticated.

    Raises
    ------
    ParameterError
        Saying how to set up accounts or a trusted proxy header.
    """
    from geodash.catalog import load_catalog
    from geodash.errors import ParameterError

    if is_loopback(host):
        return
    settings = load_catalog(workspace).settings.access
    if Access(workspace, settings).configured:
        return
    raise ParameterError(
        f"--uploads on {host} would let anyone who reaches the server change the data, and no "
        "login is set up.",
        fix=f"add an editor with `geodash user add NAME --role editor {workspace}`, or set "
        "[access] proxy_header and trusted_proxies in layers/workspace.toml when a reverse proxy "
        "or SSO logs users in; or serve on 127.0.0.1.")
