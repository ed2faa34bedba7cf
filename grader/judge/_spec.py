"""What an assignment asks, read from the judge's course: grade items, hidden cases, locked cells.

The source notebook (judge-only: it holds the hidden cases) and the release notebook (what students
got) are parsed, never executed. Each grade cell becomes one item:

* probe  – a `check_function(name, cases, out_of=…)` cell: the sandbox calls the student's function on
           the inputs; the expected outputs stay here, on the judge's side;
* widget – a `grade(task, scenario=…, out_of=…)` cell: scored from the saved answers file by the same
           `score()` the lessons use, with no kernel at all;
* model  – a `check_model(name, data=…, positive=…, baseline=…, target=…, out_of=…)` cell: the judge
           regenerates the hidden data set named by `data` (its seed is only in the source notebook),
           the sandbox calls the student's function once on the texts alone, and the F1 is computed
           here and scaled between baseline and target;
* variant – a `grade_variant(task, bank=…, out_of=…, key={…})` cell: a contest widget task whose
           items differ per student; the key is a literal inside the source notebook's hidden-test
           region, and the student's variant is rebuilt from the submission folder's name;
* manual – a cell nbgrader leaves to a human (a written answer): counted in the maximum, scored later;
* assert – any other test cell (stock nbgrader: asserts, prints, a partial-credit number): its source (from the
           source notebook, hidden tests included) runs in a judge-side process that never ran student code,
           against the student's namespace over the bridge, at the cell's place in the notebook
           (docs/assert-cells.md).

The release's locked cells give the checksums that tamper detection compares with.
"""
from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Mapping

import nbformat
from nbgrader.utils import compute_checksum

from hocvuso.contest import make_dataset
from hocvuso.core import load_exercise

from .._cells import GRADE_CALLS, call_name, cells_by_id, grade_id, is_graded, is_locked, nbgrader_meta
from .._errors import GraderError
from ._course import generate_release


@dataclass(frozen=True)
class ProbeCase:
    """One input for a student's function and the value it must return."""

    args: tuple
    """Positional arguments, sent into the sandbox."""
    expected: Any
    """Expected return value; never leaves the judge's process."""
    hidden: bool
    """True when students never saw this case (removed from the release)."""


@dataclass(frozen=True)
class GradeItem:
    """One grade cell of one notebook."""

    notebook: str
    """Notebook name (file stem)."""
    grade_id: str
    """nbgrader grade id of the cell."""
    points: float
    """Points of the cell."""
    kind: Literal["probe", "widget", "manual", "model", "variant", "assert"]
    """How it is scored (see the module docstring)."""
    function: str = ""
    """probe: the student's function to call."""
    cases: tuple[ProbeCase, ...] = ()
    """probe: the cases, public and hidden."""
    tolerance: float = 1e-9
    """probe: float tolerance."""
    task_id: str = ""
    """widget: task whose saved answers are scored."""
    scenario: str = ""
    """widget: scenario the task must answer."""
    competences: tuple[str, ...] = ()
    """Circular 02/2025 codes this item assesses."""
    model: Mapping[str, Any] | None = None
    """model: {"data": {...}, "positive", "baseline", "target"}; the texts and labels are in `cases`."""
    bank: str = ""
    """variant: the public item bank (a file of the release), relative to the notebook."""
    key: Mapping[str, Any] | None = None
    """variant: the literal key from the source notebook (never leaves the judge's process)."""
    test: str = ""
    """assert: the test cell's source from the source notebook (hidden tests included); it reaches only the
    judge-side test process, never the student's sandbox."""


@dataclass(frozen=True)
class NotebookSpec:
    """One notebook of the assignment."""

    name: str
    """File stem, e.g. "lua-dao-tin-nhan"."""
    locked: Mapping[str, str]
    """grade_id -> nbgrader checksum of every locked cell in the release."""
    cell_ids: frozenset[str]
    """Every grade_id the release has (locked and answer cells)."""
    items: tuple[GradeItem, ...]
    """The grade cells, in notebook order."""
    chrome_ids: frozenset[str] = frozenset()
    """Locked instructor cells that only show hocvuso widgets: lesson chrome, never run when judging
    (the package, with its answer keys, is deliberately not visible inside the sandbox)."""

    @property
    def needs_execution(self) -> bool:
        """Only probe, model and assert items need the student's code to run."""
        return any(i.kind in ("probe", "model", "assert") for i in self.items)


@dataclass(frozen=True)
class AssignmentSpec:
    """Everything the grader needs to know about one assignment."""

    name: str
    notebooks: Mapping[str, NotebookSpec]
    release_dir: str = ""
    """The release folder; its data files are copied over the student's before code runs."""
    release_files: tuple[str, ...] = field(default=())
    """Non-notebook files of the release (data files students need), relative paths."""

    @property
    def items(self) -> tuple[GradeItem, ...]:
        return tuple(i for nb in self.notebooks.values() for i in nb.items)

    @property
    def max_score(self) -> float:
        return float(sum(i.points for i in self.items))


def ensure_release(course: Path, assignment: str) -> Path:
    """The release folder of `assignment`, generating it with nbgrader if it does not exist yet."""
    release = course / "release" / assignment
    source = course / "source" / assignment
    if not source.is_dir():
        known = ", ".join(sorted(p.name for p in (course / "source").glob("*") if p.is_dir())) or "none"
        raise GraderError(f"no assignment {assignment!r} in {course / 'source'} (assignments there: {known}); "
                          "create it with `hocvuso course init` or copy an nbgrader source folder there")
    if not release.is_dir() or not list(release.glob("*.ipynb")):
        generate_release(course, assignment)
    return release


def load_spec(course: Path, assignment: str) -> AssignmentSpec:
    """Read the assignment's source and release into an AssignmentSpec; raise GraderError on a bad course."""
    course = Path(course)
    if not course.is_dir():
        raise GraderError(f"course folder {course} does not exist; create one with `hocvuso course init {course}`")
    release = ensure_release(course, assignment)
    source = course / "source" / assignment
    notebooks: dict[str, NotebookSpec] = {}
    for release_path in sorted(release.glob("*.ipynb")):
        source_path = source / release_path.name
        if not source_path.is_file():
            raise GraderError(f"{release_path} has no source notebook {source_path}; regenerate the release")
        notebooks[release_path.stem] = _notebook_spec(source_path, release_path)
    if not notebooks:
        raise GraderError(f"assignment {assignment!r} has no notebook in {release}")
    files = tuple(sorted(str(p.relative_to(release)) for p in release.rglob("*")
                         if p.is_file() and p.suffix != ".ipynb" and ".ipynb_checkpoints" not in p.parts))
    spec = AssignmentSpec(name=assignment, notebooks=notebooks, release_dir=str(release), release_files=files)
    if not spec.items:
        raise GraderError(f"assignment {assignment!r} has no grade cell: nothing to grade")
    return spec


def _read(path: Path) -> nbformat.NotebookNode:
    try:
        return nbformat.read(path, as_version=4)
    except Exception as exc:
        raise GraderError(f"cannot read {path}: {exc}") from exc


def _notebook_spec(source_path: Path, release_path: Path) -> NotebookSpec:
    source_nb, release_nb = _read(source_path), _read(release_path)
    released = cells_by_id(release_nb.cells)
    locked = {gid: compute_checksum(c) for gid, c in released.items() if is_locked(c)}
    items = []
    for cell in source_nb.cells:
        if not is_graded(cell):
            continue
        gid = grade_id(cell)
        if gid not in released:
            raise GraderError(f"{source_path}: grade cell {gid!r} is missing from the release; regenerate it")
        items.append(_grade_item(source_path, release_path.stem, cell, released[gid]))
    chrome = frozenset(gid for gid, c in released.items()
                       if c.cell_type == "code" and is_locked(c) and not is_graded(c) and _uses_hocvuso(c.source))
    return NotebookSpec(name=release_path.stem, locked=locked, cell_ids=frozenset(released), items=tuple(items),
                        chrome_ids=chrome)


def _uses_hocvuso(source: str) -> bool:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "hocvuso":
            return True
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "hocvuso" for a in node.names):
            return True
    return False


def _grade_item(path: Path, notebook: str, cell: Any, released_cell: Any) -> GradeItem:
    meta = nbgrader_meta(cell)
    gid, points = meta["grade_id"], float(meta.get("points", 0))
    competences = tuple(cell.metadata.get("hocvuso", {}).get("competences", ()))
    if cell.cell_type != "code" or meta.get("solution"):
        return GradeItem(notebook=notebook, grade_id=gid, points=points, kind="manual", competences=competences)
    call = _last_call(path, gid, cell.source)
    if call is None:
        return GradeItem(notebook=notebook, grade_id=gid, points=points, kind="assert", test=cell.source,
                         competences=competences or ("3.4",))
    name = call_name(call)
    kwargs = {k.arg: k.value for k in call.keywords}
    where = f"{path}, grade cell {gid!r}"
    if name == "grade":
        try:
            task_id = ast.literal_eval(call.args[0])
            scenario = ast.literal_eval(kwargs["scenario"])
        except (IndexError, KeyError, ValueError) as exc:
            raise GraderError(f"{where}: write grade(\"TASK\", scenario=\"SCENARIO\", out_of=N) with literal "
                              "strings") from exc
        try:
            scenario_obj, _key = load_exercise(scenario)
        except Exception as exc:
            raise GraderError(f"{where}: {exc}") from exc
        return GradeItem(notebook=notebook, grade_id=gid, points=points, kind="widget", task_id=task_id,
                         scenario=scenario, competences=competences or scenario_obj.competences)
    if name == "check_model":
        return _model_item(where, notebook, gid, points, call, kwargs, competences)
    if name == "grade_variant":
        return _variant_item(where, notebook, gid, points, call, kwargs, competences)
    try:
        function = ast.literal_eval(call.args[0])
        cases = ast.literal_eval(call.args[1] if len(call.args) > 1 else kwargs["cases"])
        tolerance = float(ast.literal_eval(kwargs["tolerance"])) if "tolerance" in kwargs else 1e-9
        parsed = [(tuple(args), expected) for args, expected in cases]
    except (IndexError, KeyError, ValueError, TypeError, SyntaxError) as exc:
        raise GraderError(f"{where}: check_function needs a literal function name and a literal list of "
                          "((args…), expected) cases") from exc
    public = {repr(c) for c in _public_cases(released_cell.source)}
    probe_cases = tuple(ProbeCase(args=a, expected=e, hidden=repr((a, e)) not in public) for a, e in parsed)
    if not probe_cases:
        raise GraderError(f"{where}: check_function has no cases")
    return GradeItem(notebook=notebook, grade_id=gid, points=points, kind="probe", function=function,
                     cases=probe_cases, tolerance=tolerance, competences=competences or ("3.4",))


def _last_call(path: Path, gid: str, source: str) -> ast.Call | None:
    """The cell's hocvuso grade call (imports allowed before it), or None for a stock test cell (asserts …)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None  # IPython syntax (a %magic): a stock test cell, run beside the student's code, and said so
    body = [n for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom))]
    if (len(body) == 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Call)
            and call_name(body[0].value) in GRADE_CALLS):
        return body[0].value
    return None


def _public_cases(release_source: str) -> list[tuple[tuple, Any]]:
    try:
        tree = ast.parse(release_source)
        call = next(n.value for n in tree.body if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call))
        kwargs = {k.arg: k.value for k in call.keywords}
        cases = ast.literal_eval(call.args[1] if len(call.args) > 1 else kwargs["cases"])
        return [(tuple(a), e) for a, e in cases]
    except Exception:  # noqa: BLE001 - a release cell that is not a literal call has no public cases
        return []


def _model_item(where: str, notebook: str, gid: str, points: float, call: ast.Call, kwargs: dict,
                competences: tuple[str, ...]) -> GradeItem:
    try:
        function = ast.literal_eval(call.args[0])
        data = ast.literal_eval(kwargs["data"])
        positive = ast.literal_eval(kwargs["positive"])
        baseline, target = float(ast.literal_eval(kwargs["baseline"])), float(ast.literal_eval(kwargs["target"]))
    except (IndexError, KeyError, ValueError, TypeError, SyntaxError) as exc:
        raise GraderError(f"{where}: write check_model(\"NAME\", data={{...}}, positive=\"...\", baseline=0.7, "
                          "target=0.9, out_of=N) with literal values") from exc
    if not isinstance(data, dict) or "seed" not in data or "n" not in data:
        raise GraderError(f"{where}: check_model's data needs \"seed\" (inside the hidden-test region) and \"n\"")
    if not 0 <= baseline < target <= 1:
        raise GraderError(f"{where}: check_model needs 0 <= baseline < target <= 1")
    try:
        samples = make_dataset(**data)
    except (LookupError, ValueError, TypeError) as exc:
        raise GraderError(f"{where}: cannot make the hidden data set {data}: {exc}") from exc
    case = ProbeCase(args=([s.text for s in samples],), expected=[s.label for s in samples], hidden=True)
    return GradeItem(notebook=notebook, grade_id=gid, points=points, kind="model", function=function, cases=(case,),
                     model={"data": dict(data), "positive": positive, "baseline": baseline, "target": target},
                     competences=competences or ("6.2", "6.3"))


def _variant_item(where: str, notebook: str, gid: str, points: float, call: ast.Call, kwargs: dict,
                  competences: tuple[str, ...]) -> GradeItem:
    try:
        task_id = ast.literal_eval(call.args[0])
        bank = ast.literal_eval(kwargs["bank"])
        key = ast.literal_eval(kwargs["key"])
    except (IndexError, KeyError, ValueError, TypeError, SyntaxError) as exc:
        raise GraderError(f"{where}: write grade_variant(\"TASK\", bank=\"FILE\", out_of=N, key={{...}}) with "
                          "literal values (the key inside the hidden-test region)") from exc
    if not isinstance(key, dict) or not key:
        raise GraderError(f"{where}: grade_variant has an empty key; the source notebook must hold it inside "
                          "### BEGIN/END HIDDEN TESTS")
    return GradeItem(notebook=notebook, grade_id=gid, points=points, kind="variant", task_id=task_id, bank=bank,
                     key=key, competences=competences)


def spec_fingerprint(spec: AssignmentSpec) -> str:
    """Changes when anything that decides a grade changes (items, cases, points)."""
    return hashlib.sha256(repr((spec.name, spec.items)).encode("utf-8")).hexdigest()[:16]
