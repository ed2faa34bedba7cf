"""The lesson catalogue: which bundled lessons a class can open, with titles and competences.

Read from the lesson notebooks themselves (the first heading and paragraph of the Vietnamese and the
English lesson text, cells marked `"hocvuso": {"lang": ...}`; or one heading "Vietnamese · *English*"),
the exercises their code cells create), so a new lesson folder appears in the catalogue without any
change here. Competences come from the exercises' content files (Circular 02/2025 codes), gathered
through the kinds registry (`item_competences`), so codes named per step, message or post count too.

Order: guided lessons first, graded tasks after them (`guided_first`), so a learner meets the lesson
that teaches a procedure before the task that grades it. A lesson is finished for a learner when the
store holds a submission of that learner for each of its tasks (`finished_lessons`).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa

from hocvuso.core import ContentError, Learner, SqlStore, kind_of, load_exercise
from hocvuso.notebooks import find_lesson, lesson_notebooks

_EXERCISE = re.compile(r"\b[A-Z]\w*\(\s*[\"']([a-z0-9_-]+)[\"']([^)]*)\)")
"""A widget made in a code cell: `PhoneSimulator("scenario-id", task_id="task", ...)`; any class whose first
argument names a bundled scenario counts (a new kind's widget needs no change here)."""
_TASK_ID = re.compile(r"\btask_id\s*=\s*[\"']([a-z0-9_-]+)[\"']")
_CONTEST = re.compile(r"mode\s*=\s*[\"']contest[\"']")
_EMPH = re.compile(r"[*_`]+")


@dataclass(frozen=True, kw_only=True)
class Lesson:
    """One lesson card."""

    name: str
    """Assignment name (folder), e.g. "lua-dao-tin-nhan"."""
    notebook: Path
    """The lesson notebook."""
    title: dict[str, str]
    """Title per locale ("vi", "en")."""
    summary: dict[str, str]
    """First paragraph per locale (plain text)."""
    competences: tuple[str, ...]
    """Circular 02/2025 codes the lesson trains, sorted."""
    contest: bool
    """True for a graded task (no feedback while working)."""
    tasks: tuple[tuple[str, str], ...] = ()
    """(task id, scenario id) of each exercise the lesson's code cells make, in notebook order."""

    @property
    def relpath(self) -> str:
        """Path under the served folder, e.g. "lua-dao-tin-nhan/lua-dao-tin-nhan.ipynb"."""
        return f"{self.name}/{self.notebook.name}"


def _split_bilingual(text: str) -> dict[str, str]:
    """ "Tiếng Việt · *English*" → {"vi": ..., "en": ...}; one language → the same for both."""
    vi, _, en = text.partition("·")
    vi, en = _EMPH.sub("", vi).strip(), _EMPH.sub("", en).strip()
    return {"vi": vi, "en": en or vi}


def read_lesson(notebook: Path) -> Lesson:
    """A Lesson from its notebook; raise ContentError naming the file if it cannot be read."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ContentError(f"cannot read lesson notebook: {exc}", path=notebook) from exc
    title = {"vi": notebook.parent.name, "en": notebook.parent.name}
    summary = {"vi": "", "en": ""}
    codes: dict[str, None] = {}  # insertion-ordered set
    tasks: list[tuple[str, str]] = []
    contest = False
    seen: set[str] = set()
    for cell in nb.get("cells", []):
        src = "".join(cell.get("source", []))
        lang = ((cell.get("metadata") or {}).get("hocvuso") or {}).get("lang")
        if cell.get("cell_type") == "markdown" and lang in title and lang not in seen:
            # A lesson text in one language (hocvuso.lang): its heading and first paragraph.
            seen.add(lang)
            lines = src.strip().splitlines()
            if lines and lines[0].startswith("# "):
                title[lang] = _EMPH.sub("", lines[0][2:]).strip()
                first = next((p for p in "\n".join(lines[1:]).split("\n\n") if p.strip()), "")
                summary[lang] = _EMPH.sub("", " ".join(first.split()))
        elif cell.get("cell_type") == "markdown" and not lang and title["vi"] == notebook.parent.name:
            lines = src.strip().splitlines()
            if lines and lines[0].startswith("# "):
                title = _split_bilingual(lines[0][2:])
                paragraphs = [p.strip() for p in "\n".join(lines[1:]).split("\n\n") if p.strip()]
                vi = next((p for p in paragraphs if not p.startswith("*")), "")
                en = next((p for p in paragraphs if p.startswith("*") and not p.startswith("**")), "")
                summary = {"vi": _EMPH.sub("", " ".join(vi.split())), "en": _EMPH.sub("", " ".join(en.split())) or
                           _EMPH.sub("", " ".join(vi.split()))}
        elif cell.get("cell_type") == "code":
            contest = contest or bool(_CONTEST.search(src))
            for scenario_id, args in _EXERCISE.findall(src):
                try:
                    scenario, _key = load_exercise(scenario_id)
                except (ContentError, LookupError, ValueError):
                    continue
                task = _TASK_ID.search(args)
                if task and task.group(1) not in {t for t, _s in tasks}:
                    tasks.append((task.group(1), scenario_id))
                for item_codes in kind_of(scenario).item_competences(scenario).values():
                    codes.update(dict.fromkeys(item_codes))
    return Lesson(name=notebook.parent.name, notebook=notebook, title=title, summary=summary,
                  competences=tuple(sorted(codes, key=_code_order)), contest=contest, tasks=tuple(tasks))


def _code_order(code: str) -> tuple[int, ...]:
    """"2.10" after "2.9": competence codes compare by their numbers."""
    return tuple(int(x) for x in code.split(".") if x.isdigit())


def guided_first(lessons: Iterable[Lesson]) -> list[Lesson]:
    """Guided lessons before graded tasks, each group in the order given (a stable sort): the graded
    birth-registration task comes after the guided lessons that teach the procedure."""
    return sorted(lessons, key=lambda lesson: lesson.contest)


def finished_lessons(lessons: Iterable[Lesson], store: SqlStore, learner: Learner | None) -> set[str]:
    """Names of the lessons `learner` finished: the store holds a submission of that learner for each of the
    lesson's tasks (one query for the whole catalogue). A lesson with no task is never finished; nobody signed
    in has finished nothing."""
    lessons = list(lessons)
    if learner is None or not learner.learner_id:
        return set()
    t = store.submissions
    query = sa.select(t.c.task_id).distinct().where(t.c.class_code == learner.class_code,
                                                    t.c.learner_id == learner.learner_id)
    with store.engine.connect() as conn:
        done = {row.task_id for row in conn.execute(query)}
    return {lesson.name for lesson in lessons if lesson.tasks and all(task in done for task, _s in lesson.tasks)}


@lru_cache(maxsize=4)
def task_titles(locale: str) -> dict[str, str]:
    """Task id -> what a teacher calls it: the lesson's title ("Nhận diện tin nhắn lừa đảo"), and for a lesson of
    several tasks the task's own title after it ("Giấy tờ tùy thân…: Căn cước… – Làm lại thẻ Căn cước bị mất")."""
    out: dict[str, str] = {}
    for lesson in lesson_catalogue():
        title = lesson.title.get(locale, lesson.name)
        for task, scenario_id in lesson.tasks:
            if len(lesson.tasks) == 1:
                out.setdefault(task, title)
            else:
                out.setdefault(task, f"{title} – {load_exercise(scenario_id)[0].title.get(locale)}")
    return out


def lesson_catalogue(names: list[str] | None = None) -> list[Lesson]:
    """The bundled lessons (all, or `names` in that order)."""
    if names:
        return [read_lesson(find_lesson(n)) for n in names]
    return [read_lesson(p) for p in lesson_notebooks()]


__all__ = ["Lesson", "finished_lessons", "guided_first", "lesson_catalogue", "read_lesson", "task_titles"]
