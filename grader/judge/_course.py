"""A judge's nbgrader course: create it from the bundled assignments, and release an assignment."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from hocvuso._tools import tool_env
from hocvuso.notebooks import contest_notebooks, lesson_notebooks

from .._errors import GraderError

CONFIG = """# nbgrader configuration written by `hocvuso course init`.
c = get_config()
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = {root!r}
"""


def course_init(*, directory: Path, assignments: list[str] | None = None, course_id: str = "hocvuso") -> list[str]:
    """Create an nbgrader course in `directory` with bundled assignments in source/; return their names."""
    directory = Path(directory).resolve()
    bundled = {p.parent.name: p.parent for p in [*lesson_notebooks(), *contest_notebooks()]}
    wanted = assignments or sorted(bundled)
    unknown = sorted(set(wanted) - set(bundled))
    if unknown:
        raise GraderError(f"no bundled assignment {', '.join(unknown)}; bundled: {', '.join(sorted(bundled))}")
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "nbgrader_config.py"
    if not config.exists():
        config.write_text(CONFIG.format(course_id=course_id, root=str(directory)), encoding="utf-8")
    for name in wanted:
        target = directory / "source" / name
        if target.exists():
            continue  # never overwrite a judge's edited source
        shutil.copytree(bundled[name], target, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.hocvuso.json"))
    return wanted


def assign(*, course: Path, assignment: str) -> Path:
    """Generate (or regenerate) the student version of `assignment`; return the release folder."""
    course = Path(course).resolve()
    if not (course / "source" / assignment).is_dir():
        raise GraderError(f"no assignment {assignment!r} in {course / 'source'}")
    return generate_release(course, assignment)


def generate_release(course: Path, assignment: str) -> Path:
    """Run `nbgrader generate_assignment` for `assignment` in `course`; one clear GraderError if it fails.

    nbgrader's gradebook runs `alembic` by its bare name: the tools of this interpreter go first on PATH,
    so a virtual environment that is not activated works too.
    """
    done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force"],
                          cwd=course, capture_output=True, text=True, env=tool_env())
    if done.returncode != 0:
        raise GraderError(f"nbgrader generate_assignment {assignment} failed in {course}: "
                          f"{_what_went_wrong(done.stdout + done.stderr) or f'exit code {done.returncode}'}")
    return course / "release" / assignment


def _what_went_wrong(output: str) -> str:
    """The one line of nbgrader's output that says what is wrong: the exception that ended its traceback
    (e.g. "NotJSONError: Notebook does not appear to be JSON"), else its first ERROR line."""

    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    raised = [ln for ln in lines if re.match(r"^[\w.]+(Error|Exception|Exit)\b.*:", ln)]
    if raised:
        name, _, message = raised[-1].partition(":")
        return f"{name.rsplit('.', 1)[-1]}:{message}"
    errors = [ln for ln in lines if "ERROR" in ln]
    return errors[0] if errors else (lines[-1] if lines else "")
