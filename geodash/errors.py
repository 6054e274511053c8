"""The errors a user can cause, each naming the file, the place in it and the fix.

Programming errors stay ordinary exceptions; these are turned into one clear
message at the edge (a CLI line on stderr with exit status 1, an alert in the UI).
"""

from __future__ import annotations

from pathlib import Path


class GeodashError(Exception):
    """Base class of every error a user can cause by their files or parameters.

    Parameters
    ----------
    problem
        What is wrong, in one sentence.
    file
        The file that holds the problem, if any.
    where
        The row, feature, column or key inside that file (e.g. ``"row 7"``).
    fix
        What the user should do about it.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | Path | None = None,
        where: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = str(file) if file is not None else None
        self.where = where
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The whole message in one line: file, place, problem and fix."""
        place = ", ".join(part for part in (self.file, self.where) if part)
        text = f"{place}: {self.problem}" if place else self.problem
        if self.fix:
            text = f"{text} Fix: {self.fix}"
        return text


class SpecError(GeodashError):
    """A layer spec (``layers/*.toml``) is malformed or names something that does not exist."""


class DataError(GeodashError):
    """A data file cannot be read or its content fails validation."""


class ParameterError(GeodashError):
    """A parameter given on the command line or in the UI is not allowed."""


class AccessError(GeodashError):
    """Someone who is not logged in as an editor tried to change data (web: HTTP 401/403)."""

    def __init__(self, problem: str, *, logged_in: bool = False, fix: str | None = None) -> None:
        super().__init__(problem, fix=fix)
        self.logged_in = logged_in

    @property
    def status(self) -> int:
        """The HTTP status: 401 when nobody is logged in, 403 when the user lacks the role."""
        return 403 if self.logged_in else 401
