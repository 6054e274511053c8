"""Who may change data: built-in accounts, their roles, and the secret that signs sessions.

Accounts live in the workspace's ``.geodash/users.json`` (mode 0600), passwords
hashed with scrypt through :func:`werkzeug.security.generate_password_hash`
(Flask's own library, so no new dependency). The secret that signs login
sessions lives beside it in ``.geodash/secret`` (0600): every worker process
of one workspace shares it, and removing it logs everyone out.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from geodash.errors import ParameterError
from geodash.uploads.atomic import write_atomic
from geodash.uploads.lock import instance_dir, workspace_lock

ROLES = ("viewer", "editor")
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
MIN_PASSWORD = 10
USERS = "users.json"
SECRET = "secret"  # noqa: S105 - the file name, not a secret
# Compared against when the name is unknown, so a login takes as long for a wrong name as for a
# wrong password (no guessing which names exist by timing).
_DUMMY_HASH = generate_password_hash("not a password of anyone", method="scrypt")


@dataclass(frozen=True)
class User:
    """Someone the dashboard knows: their name, role and how they were recognised."""

    name: str
    role: str  # "viewer" or "editor"
    via: str = "account"  # account | proxy | local | command line

    @property
    def can_edit(self) -> bool:
        """Whether they may upload, accept and restore data."""
        return self.role == "editor"


def users_file(workspace: str | Path) -> Path:
    """The workspace's accounts file."""
    return instance_dir(workspace, create=False) / USERS


def read_users(workspace: str | Path) -> dict[str, dict]:
    """Every account: name → ``{"role", "password", "created"}`` (empty when there is none)."""
    path = users_file(workspace)
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")).get("users", {}))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ParameterError(f"cannot be read ({exc}).", file=path,
                             fix="restore it, or remove it and add the accounts again.") from exc


def _write_users(workspace: str | Path, users: dict[str, dict]) -> None:
    instance_dir(workspace)
    body = json.dumps({"users": users}, ensure_ascii=False, indent=1) + "\n"
    write_atomic(users_file(workspace), body.encode("utf-8"), mode=0o600)


def check_name(name: str) -> str:
    """A user name as given, when it is allowed (letters, digits and ``._@-``, at most 64)."""
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise ParameterError(f"the user name {name!r} is not allowed.",
                             fix="use letters, digits and . _ @ - (at most 64, starting with a letter "
                             "or digit).")
    return name


def add_user(workspace: str | Path, name: str, password: str | None, role: str) -> User:
    """Add an account, or change its role and password.

    ``password`` may be ``None`` only for a name a trusted proxy passes (the
    account then only sets that name's role).
    """
    check_name(name)
    if role not in ROLES:
        raise ParameterError(f"the role was {role!r} but is expected to be one of {list(ROLES)}.")
    if password is not None and len(password) < MIN_PASSWORD:
        raise ParameterError(f"the password is shorter than {MIN_PASSWORD} characters.",
                             fix="choose a longer one (a passphrase of several words).")
    with workspace_lock(workspace):
        users = read_users(workspace)
        users[name] = {"role": role,
                       "password": generate_password_hash(password, method="scrypt") if password else None,
                       "created": datetime.now(UTC).isoformat(timespec="seconds")}
        _write_users(workspace, users)
    return User(name, role)


def remove_user(workspace: str | Path, name: str) -> None:
    """Remove an account; their sessions end with their next request."""
    with workspace_lock(workspace):
        users = read_users(workspace)
        if name not in users:
            raise ParameterError(f"there is no user {name!r}.", fix="`geodash user list` shows them.")
        del users[name]
        _write_users(workspace, users)


def authenticate(workspace: str | Path, name: str, password: str) -> User | None:
    """The account of ``name`` when ``password`` is theirs, else ``None``."""
    account = read_users(workspace).get(name) if isinstance(name, str) else None
    stored = account.get("password") if account else None
    if not check_password_hash(stored or _DUMMY_HASH, str(password)) or not stored:
        return None
    return User(name, account["role"])


def account_role(workspace: str | Path, name: str) -> str | None:
    """The role of an account, or ``None`` when there is no such account."""
    account = read_users(workspace).get(name)
    return account.get("role") if account else None


def has_accounts(workspace: str | Path) -> bool:
    """Whether any account with a password exists (so people can log in)."""
    return any(a.get("password") for a in read_users(workspace).values())


def session_secret(workspace: str | Path) -> bytes:
    """The key that signs login sessions, made on first use and shared by every worker."""
    path = instance_dir(workspace) / SECRET
    if not path.is_file():
        with workspace_lock(workspace):
            if not path.is_file():
                write_atomic(path, secrets.token_hex(32).encode("ascii"), mode=0o600)
    return path.read_bytes().strip()
