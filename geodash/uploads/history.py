"""Every version of every uploadable data file, one history per file, with a manifest.

The history of ``geodata/indikatoren.csv`` lives in
``history/geodata/indikatoren.csv/``: the layer's path mirrored under
``history/``, so ``extra/indikatoren.csv`` has its own. Each version is one
file ``<version><suffix>`` (the version is the UTC time it was kept, e.g.
``20261202T083000123456Z``) and one entry of ``manifest.json``: time, size,
SHA-256, who accepted it and from which upload. The copy is written
atomically and synced before its entry is; so every entry names a whole file,
whatever moment a crash hits.

Writers hold the workspace lock (:mod:`geodash.uploads.lock`); readers need none,
as every file is replaced by a rename.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from geodash.errors import DataError, ParameterError
from geodash.uploads.atomic import remove_parts, sha256_file, write_atomic

HISTORY = "history"
MANIFEST = "manifest.json"
LEGACY_HISTORY = Path("geodata") / "history"  # before version 0.2: one flat folder for all layers
STAMP = "%Y%m%dT%H%M%S%fZ"
VERSION_PATTERN = re.compile(r"\d{8}T\d{12}Z(-\d+)?")


@dataclass(frozen=True)
class Version:
    """One kept version of a data file, as its manifest entry records it."""

    version: str
    file: str  # the copy's name in the history folder
    time: str  # ISO 8601, UTC
    size: int
    sha256: str
    by: str  # who accepted or restored it ("" when unknown)
    upload: str = ""  # the upload's file name, or the version it was restored from
    action: str = "accepted"  # accepted | restored | original | changed outside geodash | migrated

    @property
    def when(self) -> datetime:
        """The time as a datetime (UTC)."""
        return datetime.fromisoformat(self.time)


class LayerHistory:
    """The history of one data file of a workspace.

    Parameters
    ----------
    workspace
        The workspace folder.
    data_file
        The data file, relative to the workspace as its spec names it
        (``geodata/indikatoren.csv``).
    """

    def __init__(self, workspace: str | Path, data_file: str | Path) -> None:
        self.workspace = Path(workspace)
        self.data_file = workspace_relative(self.workspace, data_file)
        self.folder = self.workspace / HISTORY / self.data_file

    @property
    def target(self) -> Path:
        """The data file itself."""
        return self.workspace / self.data_file

    def entries(self) -> list[Version]:
        """Every kept version, oldest first."""
        path = self.folder / MANIFEST
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            raise DataError(f"cannot be read ({exc}).", file=self.relative(path),
                            fix="restore it from a backup, or move the history folder aside.") from exc
        return [Version(**entry) for entry in raw.get("versions", [])]

    def relative(self, path: Path) -> str:
        """A path inside the workspace as the user sees it (``history/…``)."""
        return Path(path).relative_to(self.workspace).as_posix()

    def path_of(self, entry: Version) -> Path:
        """The history copy of one version."""
        return self.folder / entry.file

    def current(self, entries: list[Version] | None = None) -> Version | None:
        """The newest entry whose content is the data file's content now, if any."""
        entries = self.entries() if entries is None else entries
        if not self.target.is_file():
            return None
        digest = sha256_file(self.target)
        return next((e for e in reversed(entries) if e.sha256 == digest), None)

    def find(self, version: str) -> Version:
        """The entry of ``version`` (its id, its file name or its path from ``--list``).

        Raises
        ------
        ParameterError
            When there is no such version.
        """
        name = Path(str(version)).name
        entries = self.entries()
        found = next((e for e in entries if name in (e.version, e.file)), None)
        if found is None:
            listed = ", ".join(e.version for e in entries[-5:]) or "(none)"
            raise ParameterError(f"{version!r} is not a kept version of {self.data_file}.",
                                 fix=f"run `geodash restore {self.data_file} --list`; the newest are "
                                 f"{listed}.")
        return found

    def add(self, source: Path, *, by: str, upload: str = "", action: str = "accepted",
            when: datetime | None = None) -> Version:
        """Keep a copy of ``source`` as a new version; the caller holds the workspace lock."""
        self.folder.mkdir(parents=True, exist_ok=True)
        entries = self.entries()
        when = when or datetime.now(UTC)
        version = when.strftime(STAMP)
        taken = {e.version for e in entries}
        n = 1
        while version in taken or (self.folder / f"{version}{self.target.suffix}").exists():
            n += 1
            version = f"{when.strftime(STAMP)}-{n}"
        name = f"{version}{self.target.suffix}"
        copy = write_atomic(self.folder / name, source)
        entry = Version(version, name, when.isoformat(timespec="microseconds"), copy.stat().st_size,
                        sha256_file(copy), by, upload, action)
        self._write(entries + [entry])
        return entry

    def _write(self, entries: list[Version]) -> None:
        entries = sorted(entries, key=lambda e: (e.time, e.version))  # migrated ones are older
        body = {"data_file": self.data_file, "versions": [asdict(e) for e in entries]}
        write_atomic(self.folder / MANIFEST,
                     (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))

    def verify(self, entry: Version) -> Path:
        """The history copy of ``entry``, after checking that its content is what was kept.

        Raises
        ------
        DataError
            Naming the history file and how to pick another version, when the
            copy is missing or its SHA-256 differs from the manifest's.
        """
        path = self.path_of(entry)
        fix = (f"restore another version: `geodash restore {self.data_file} --version VERSION` "
               f"(`--list` shows them).")
        if not path.is_file():
            raise DataError(f"is missing, though the manifest lists version {entry.version}.",
                            file=self.relative(path), fix=fix)
        digest = sha256_file(path)
        if digest != entry.sha256:
            raise DataError(f"is damaged: its SHA-256 is {digest[:12]}…, but {entry.sha256[:12]}… was "
                            f"recorded when version {entry.version} was kept.",
                            file=self.relative(path), fix=fix)
        return path

    def prune(self, *, keep_versions: int = 0, keep_days: float = 0,
              now: datetime | None = None) -> list[Version]:
        """Delete the versions beyond the retention limits; the caller holds the workspace lock.

        A version goes when it is not among the newest ``keep_versions`` (0: no
        limit) or is older than ``keep_days`` days (0: no limit), whichever
        comes first. The version that is the data file's content now is
        always kept. Returns the versions deleted.
        """
        entries = self.entries()
        if not entries:
            return []
        now = now or datetime.now(UTC)
        current = self.current(entries)
        doomed = set()
        if keep_versions:
            doomed |= {e.version for e in entries[:-keep_versions]}
        if keep_days:
            limit = now - timedelta(days=keep_days)
            doomed |= {e.version for e in entries if e.when < limit}
        if current is not None:
            doomed.discard(current.version)
        if not doomed:
            return []
        kept = [e for e in entries if e.version not in doomed]
        gone = [e for e in entries if e.version in doomed]
        # The manifest first: a crash in between leaves an unlisted file, never a listed missing one.
        self._write(kept)
        listed = {e.file for e in kept} | {MANIFEST}
        for entry in gone:
            if entry.file not in listed:
                self.path_of(entry).unlink(missing_ok=True)
        return gone

    def clean(self) -> list[Path]:
        """Remove ``.part`` files and copies no manifest entry names; the caller holds the lock."""
        removed = remove_parts(self.folder)
        if self.folder.is_dir():
            listed = {e.file for e in self.entries()} | {MANIFEST}
            for path in self.folder.iterdir():
                if path.is_file() and path.name not in listed and not path.name.startswith("."):
                    path.unlink(missing_ok=True)
                    removed.append(path)
        return removed


def workspace_relative(workspace: Path, data_file: str | Path) -> str:
    """A data file's path relative to the workspace, refusing one outside it."""
    workspace = Path(workspace).resolve()
    path = Path(data_file)
    full = (path if path.is_absolute() else workspace / path).resolve()
    try:
        return full.relative_to(workspace).as_posix()
    except ValueError:
        raise ParameterError(f"{data_file} is outside the workspace {workspace}.",
                             fix="uploads and restores only replace data files inside the workspace.") \
            from None


def histories(workspace: str | Path) -> list[LayerHistory]:
    """Every data file that has a history in the workspace."""
    root = Path(workspace) / HISTORY
    if not root.is_dir():
        return []
    return [LayerHistory(workspace, manifest.parent.relative_to(root).as_posix())
            for manifest in sorted(root.rglob(MANIFEST))]


def migrate_legacy(workspace: str | Path, data_files: list[str]) -> list[str]:
    """Move the versions of the old flat ``geodata/history/`` into the per-file histories.

    A legacy copy ``<stem>.<stamp><suffix>`` goes to the history of the one
    data file with that stem and suffix; when two data files share the name
    (the bug of the flat folder) it stays where it is and is named in the
    returned notes. The caller holds the workspace lock.
    """
    workspace = Path(workspace)
    legacy = workspace / LEGACY_HISTORY
    if not legacy.is_dir():
        return []
    notes = []
    for path in sorted(p for p in legacy.iterdir() if p.is_file()):
        stem, _, rest = path.name.partition(".")
        stamp = rest[: -len(path.suffix)] if path.suffix else rest
        owners = [f for f in data_files if Path(f).stem == stem and Path(f).suffix == path.suffix]
        try:
            when = datetime.strptime(stamp, STAMP).replace(tzinfo=UTC)
        except ValueError:
            continue  # not a file the old history wrote
        if len(owners) != 1:
            notes.append(f"{path.relative_to(workspace).as_posix()}: "
                         + ("matches no data file" if not owners else
                            f"may belong to {' or '.join(owners)}; left in place"))
            continue
        LayerHistory(workspace, owners[0]).add(path, by="", upload=path.name, action="migrated", when=when)
        path.unlink()
    if legacy.is_dir() and not any(legacy.iterdir()):
        shutil.rmtree(legacy, ignore_errors=True)
    return notes
