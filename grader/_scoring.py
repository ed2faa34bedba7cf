"""The one road from saved answers to points: load the submission, check it answers this exercise, score it.

Four callers walk it — the lesson's grade cell (`grade`), the contest's variant cell (`grade_variant`)
and the judge's widget and variant items (`hocvuso.grader.judge._judge`) — so a learner, a student
and a judge always get the same number for the same file. Each caller decides only what a failure
means for it: a quiet note in a live lesson, a 0 under nbgrader, a `tampered` row for the judge.

The exercise is found by its scenario id (`exercise`) or rebuilt from a contest bank for one student
(`variant`); its kind — which the saved file must name, and whose pure scoring function gives the
points — comes from the exercise-kind registry (`hocvuso.core.kind_of`), never from the caller.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from hocvuso.contest import load_bank, variant_exercise
from hocvuso.core import GradingError, Learner, Score, Submission, SubmissionStore, kind_of, load_exercise


def exercise(scenario_id: str) -> tuple[Any, Any]:
    """(public scenario, key) of a bundled scenario, whatever its kind."""
    return load_exercise(scenario_id)


def variant(bank: str | Path, student: str, key: Mapping[str, Any]) -> tuple[Any, Any]:
    """(public scenario, key) of `student`'s variant of a contest bank (judge side: `key` is the source's)."""
    return variant_exercise(load_bank(bank), student, key)


def score_saved(store: SubmissionStore, task_id: str, find: Callable[[], tuple[Any, Any]], *,
                learner: Learner | None = None) -> tuple[Submission, Score]:
    """The saved submission of `task_id` and its score against the exercise `find()` gives (`exercise`,
    `variant`), which is looked up only once there is a submission to score.

    Raises SubmissionNotFound / SubmissionCorrupt from the store, GradingError when the file answers
    another exercise (edited, or copied from another task), and what scoring raises for answers that do
    not fit the scenario (AnswersInvalid, GradingError).
    """
    submission = store.load(task_id, learner=learner)
    scenario, key = find()
    kind = kind_of(scenario)
    if submission.scenario_id != scenario.id or submission.kind != kind.id:
        raise GradingError(f"the saved answers for task {task_id!r} are for {submission.kind} "
                           f"{submission.scenario_id!r}, not {kind.id} {scenario.id!r}; the file was edited "
                           "or copied from another task")
    return submission, kind.score(scenario, key, submission.answers)
