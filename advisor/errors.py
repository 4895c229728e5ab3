"""Every error park-advisor raises, and the Issue record that carries one problem.

Library code raises; only the CLI prints. An error carries a list of issues so that a
validation can report every problem at once instead of stopping at the first.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Issue:
    """One problem: where it is, what is wrong, and how to fix it."""

    file: str
    path: str
    problem: str
    fix: str = ""

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        text = f"{where}: {self.problem}"
        return f"{text} – {self.fix}" if self.fix else text

    def as_dict(self) -> dict:
        return {"file": self.file, "path": self.path, "problem": self.problem, "fix": self.fix}


@dataclass
class AdvisorError(Exception):
    """Base of all park-advisor errors; holds one or more issues."""

    issues: list[Issue] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(i) for i in self.issues)


class ProfileError(AdvisorError):
    """A park profile (YAML, JSON or workbook) is unreadable or invalid."""


class KnowledgeError(AdvisorError):
    """knowledge/ or rules/ is inconsistent."""


class RuleEngineError(AdvisorError):
    """The rule engine failed while evaluating a park."""


class UsageError(AdvisorError):
    """The command line was used wrongly (exit code 2)."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A 'did you mean …?' hint, or an empty string when nothing is close."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def one_issue(cls: type[AdvisorError], file: str, path: str, problem: str, fix: str = "") -> AdvisorError:
    return cls([Issue(file, path, problem, fix)])
