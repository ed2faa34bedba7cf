"""How a lesson ends (the inbox and the feed): the result screen's content, and the lesson that comes next.

The result screen (common.js lessonResult) shows the total, the items judged well, and those to look at
again — each with why (its feedback's headline) and its place, so a tap reopens it.

"Mỗi tuần một kỹ năng số" is a series: the weekly inboxes are named `tuan-NN-…`, and the next lesson of
week NN is the inbox of week NN+1, found by its file name, so adding a week needs no list to update. Any
inbox or feed may instead name its next lesson (`next:` in its file). A lesson id is the inbox or feed id,
which is also its lesson folder's name (notebooks/ID/ID.ipynb): the widget links there.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .._content import content_root
from .._errors import ContentError
from .._score import ItemScore, Score

SERIES = re.compile(r"^tuan-(\d+)-")
"""The weekly series' inbox ids: tuan-01-goi-lai-so-quen …"""


def next_lesson_id(lesson_id: str, named: str | None = None, *, root: Path | None = None,
                   path: Path | None = None) -> str | None:
    """The lesson after `lesson_id`: `named` (its file's `next:`, an inbox or feed that must exist), else the
    next week of the series, else None (the last week, or a lesson outside the series)."""
    root = root or content_root()
    if named is not None:
        if not any((root / folder / f"{named}.yaml").is_file() for folder in ("inboxes", "feeds")):
            raise ContentError(f"next lesson {named!r} is neither an inbox nor a feed", path=path, field="next")
        return named
    week = SERIES.match(lesson_id)
    if week is None:
        return None
    following = sorted((root / "inboxes").glob(f"tuan-{int(week.group(1)) + 1:02d}-*.yaml"))
    return following[0].stem if following else None


def lesson_summary(result: Score, label: Callable[[str], str], why: Callable[[ItemScore], str]) -> dict[str, Any]:
    """The result screen of a scored lesson: {points, max_points, good: [{id, label, step}], review: [{id, label,
    why, step}]}; `step` is the item's place (1, 2 …), the label is "step. label(id)", `why(item)` says what
    went wrong."""
    good: list[dict[str, Any]] = []
    review: list[dict[str, Any]] = []
    for step, item in enumerate(result.items, start=1):
        # "2. DICHVUCONG": two messages may share a sender; the number is the one "open message 2 again" names.
        entry: dict[str, Any] = {"id": item.item_id, "label": f"{step}. {label(item.item_id)}", "step": step}
        if item.outcome == "correct":
            good.append(entry)
        else:
            review.append({**entry, "why": why(item)})
    return {"points": result.points, "max_points": result.max_points, "good": good, "review": review}
