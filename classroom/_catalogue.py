"""The lesson catalogue: which bundled lessons a class can open, with titles and competences.

Read from the lesson notebooks themselves (the first heading and paragraph of the Vietnamese and the
English lesson text, cells marked `"hocvuso": {"lang": ...}`; or one heading "Vietnamese · *English*"),
the exercises their code cells create), so a new lesson folder appears in the catalogue without any
change here. Competences come from the exercises' content files (Circular 02/2025 codes).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from hocvuso.core import ContentError, load_exercise
from hocvuso.notebooks import find_lesson, lesson_notebooks

_EXERCISE = re.compile(r"\b(?:ScamInbox|DossierPortal|NewsFeed)\(\s*[\"']([a-z0-9_-]+)[\"']")
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
    codes: set[str] = set()
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
            for scenario_id in _EXERCISE.findall(src):
                try:
                    scenario, _key = load_exercise(scenario_id)
                except (ContentError, LookupError, ValueError):
                    continue
                codes.update(getattr(scenario, "competences", ()))
    return Lesson(name=notebook.parent.name, notebook=notebook, title=title, summary=summary,
                  competences=tuple(sorted(codes, key=lambda c: tuple(int(x) for x in c.split(".")))), contest=contest)


def lesson_catalogue(names: list[str] | None = None) -> list[Lesson]:
    """The bundled lessons (all, or `names` in that order)."""
    if names:
        return [read_lesson(find_lesson(n)) for n in names]
    return [read_lesson(p) for p in lesson_notebooks()]


__all__ = ["Lesson", "lesson_catalogue", "read_lesson"]
