"""The validation report: what a load repaired, left out or noticed, for the CLI and the UI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

Level = Literal["repaired", "left_out", "notice"]

LEVEL_LABELS = {
    "repaired": {"de": "repariert", "en": "repaired"},
    "left_out": {"de": "ausgelassen", "en": "left out"},
    "notice": {"de": "Hinweis", "en": "notice"},
}


@dataclass(frozen=True)
class Finding:
    """One thing a user should know about their data, with where it is."""

    level: Level
    layer: str
    file: str
    where: str
    message: str

    def line(self) -> str:
        """The finding as one line of text for a terminal."""
        place = ", ".join(p for p in (self.file, self.where) if p)
        return f"[{self.level}] {place}: {self.message}"


@dataclass
class ReportBuilder:
    """Collects findings while a Dataset is built (the only mutable part of a load)."""

    findings: list[Finding] = field(default_factory=list)

    def add(self, level: Level, layer: str, file: str, where: str, message: str) -> None:
        """Record one finding."""
        self.findings.append(Finding(level, layer, file, where, message))

    def freeze(self) -> ValidationReport:
        """The finished, immutable report."""
        return ValidationReport(tuple(self.findings))


@dataclass(frozen=True)
class ValidationReport:
    """What was read, repaired and left out when a workspace was loaded."""

    findings: tuple[Finding, ...] = ()

    def of(self, level: Level) -> tuple[Finding, ...]:
        """The findings of one level."""
        return tuple(f for f in self.findings if f.level == level)

    def to_frame(self) -> pd.DataFrame:
        """The findings as a table (level, layer, file, where, message)."""
        return pd.DataFrame(
            [f.__dict__ for f in self.findings],
            columns=["level", "layer", "file", "where", "message"],
        )
