"""The persisted Submission: what a learner answered, as versioned JSON.

A widget never grades from its live state at grading time (nbgrader re-runs the notebook in a
fresh kernel), so every answer is written down as a Submission and graded from there. The shape
is strict: unknown fields, a wrong type or an unknown `schema_version` make the file *corrupt*,
never silently accepted, because a hand-edited answer file is one way to cheat.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal, Mapping

from pydantic import BaseModel, ConfigDict, ValidationError

from ._errors import SubmissionCorrupt

SCHEMA_VERSION = 1
"""Bumped on any incompatible change of the envelope below."""

TASK_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
"""Task ids double as file names and nbgrader grade ids: lower-case ASCII, digits, '-' and '_'."""


def check_task_id(task_id: str) -> str:
    """Return `task_id` if it is a safe identifier, else raise ValueError saying what is allowed."""
    if not isinstance(task_id, str) or not TASK_ID.match(task_id):
        msg = (f"task id {task_id!r} is not allowed: use 1-64 lower-case ASCII letters, digits, "
               "'-' or '_', starting with a letter or digit")
        raise ValueError(msg)
    return task_id


@dataclass(frozen=True, kw_only=True)
class Learner:
    """Who submitted, as the classroom knows them (no passwords, no real ID numbers)."""

    class_code: str
    """Class code the learner signed in with."""
    name: str
    """Display name, NFC-normalised."""
    learner_id: str
    """Stable id that tells two learners with the same name apart."""


@dataclass(frozen=True, kw_only=True)
class Submission:
    """One learner's answers to one task, ready to store and to grade."""

    task_id: str
    """Identifier of the task in its notebook (also the nbgrader grade cell it feeds)."""
    kind: str
    """Exercise kind that produced it, e.g. "inbox"; decides which scoring function applies."""
    scenario_id: str
    """The scenario the learner saw; grading checks it is the one the task expects."""
    answers: Mapping[str, Any]
    """Canonical JSON answers; their shape is defined and checked per exercise kind."""
    learner: Learner | None = None
    """Who answered, when known (classroom); None in a plain notebook."""
    saved_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    """When it was saved, ISO 8601 UTC."""
    schema_version: int = SCHEMA_VERSION
    """Version of this envelope."""

    def to_dict(self) -> dict[str, Any]:
        """A plain dict, as written to JSON."""
        return {
            "schema_version": self.schema_version,
            "task_id": self.task_id,
            "kind": self.kind,
            "scenario_id": self.scenario_id,
            "answers": json.loads(json.dumps(self.answers)),
            "learner": None if self.learner is None else {
                "class_code": self.learner.class_code,
                "name": self.learner.name,
                "learner_id": self.learner.learner_id,
            },
            "saved_at": self.saved_at,
        }

    def to_json(self) -> str:
        """UTF-8 JSON text (Vietnamese kept readable, not \\u-escaped)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes, *, source: str = "<submission>") -> Submission:
        """Parse and check a submission; raise SubmissionCorrupt naming `source` and the problem."""
        try:
            data = json.loads(text)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            msg = f"{source}: not valid JSON ({exc}); the file was damaged or edited by hand — submit the task again"
            raise SubmissionCorrupt(msg) from exc
        return cls.from_dict(data, source=source)

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "<submission>") -> Submission:
        """Check a decoded submission; raise SubmissionCorrupt naming `source` and the field."""
        if isinstance(data, dict) and data.get("schema_version") != SCHEMA_VERSION:
            msg = (f"{source}: schema_version is {data.get('schema_version')!r}, this hocvuso reads "
                   f"version {SCHEMA_VERSION}; the file was made by another version or edited by hand")
            raise SubmissionCorrupt(msg)
        try:
            model = _Envelope.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'file'}: {err['msg']}" for err in exc.errors()
            )
            msg = f"{source}: not a valid hocvuso submission ({problems})"
            raise SubmissionCorrupt(msg) from exc
        try:
            check_task_id(model.task_id)
        except ValueError as exc:
            raise SubmissionCorrupt(f"{source}: {exc}") from exc
        learner = None if model.learner is None else Learner(**model.learner.model_dump())
        return cls(task_id=model.task_id, kind=model.kind, scenario_id=model.scenario_id,
                   answers=model.answers, learner=learner, saved_at=model.saved_at,
                   schema_version=model.schema_version)


class _LearnerModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    class_code: str
    name: str
    learner_id: str


class _Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    schema_version: Literal[1]
    task_id: str
    kind: str
    scenario_id: str
    answers: dict[str, Any]
    learner: _LearnerModel | None = None
    saved_at: str
