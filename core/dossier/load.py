"""Reading the dossier's content: procedures, the portal catalogue and tasks, each checked against the others.

A task is checked against the procedures before it is split into its public scenario and private key:
its expected dossier must pass the portal's own rules, so a learner is never marked wrong by a key
that the portal itself would refuse.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .._common import check_competences, load_scenario_file
from .._content import content_root, load_file
from .._errors import ContentError
from .._text import normalize_text
from ..validators import check_mobile
from .model import DossierKey, DossierScenario, Portal, Portals
from .rules import check_field, document_problems, fee_for
from .schema import FileDef, PortalsFile, ProcedureDef, TaskDef


def procedure_paths(root: Path | None = None) -> list[Path]:
    """Every procedure file, sorted by name."""
    return sorted(((root or content_root()) / "procedures").glob("*.yaml"))


def task_paths(root: Path | None = None) -> list[Path]:
    """Every task file, sorted by name."""
    return sorted(((root or content_root()) / "dossier_tasks").glob("*.yaml"))


def load_procedure(path: Path, *, root: Path | None = None) -> ProcedureDef:
    """Read and check one procedure file."""
    proc = load_file(ProcedureDef, path)
    if proc.id != path.stem:
        raise ContentError(f"id {proc.id!r} must equal the file name {path.stem!r}", path=path, field="id")
    check_competences(proc.competences, root=root or content_root(), path=path, field="competences")
    return proc


def load_procedures(root: Path | None = None) -> tuple[ProcedureDef, ...]:
    """Every procedure, sorted by file name."""
    root = root or content_root()
    return tuple(load_procedure(p, root=root) for p in procedure_paths(root))


def load_portals(root: Path | None = None) -> Portals:
    """The portal catalogue (content/portals.yaml)."""
    path = (root or content_root()) / "portals.yaml"
    data = load_file(PortalsFile, path)
    ids = [p.id for p in data.portals]
    if len(set(ids)) != len(ids):
        raise ContentError("a portal id is listed twice", path=path, field="portals")
    return Portals(choices=tuple(Portal(p.id, p.address, p.label) for p in data.portals),
                   official=frozenset(p.id for p in data.portals if p.official),
                   explain={p.id: p.explain for p in data.portals}, staff_chat=data.staff_chat,
                   otp_sms=data.otp_sms, bank=data.bank)


def load_dossier(task_id: str, *, root: Path | None = None) -> tuple[DossierScenario, DossierKey]:
    """Load dossier task `task_id`: its public scenario and its private key (the expected dossier)."""
    root = root or content_root()
    task, path = load_scenario_file(TaskDef, task_id, root=root, folder="dossier_tasks", what="dossier task",
                                    known="tasks")
    return dossier_from_task(task, root=root, path=path)


def dossier_from_task(task: TaskDef, *, root: Path | None = None,
                      path: Path | None = None) -> tuple[DossierScenario, DossierKey]:
    """Check a task (read from a file, or built in memory, e.g. a contest variant) against the procedures
    and split it into its public scenario and its private key. `path` only names the source in errors."""
    root = root or content_root()
    path = path or Path(f"<task {task.id}>")
    procedures = load_procedures(root)
    _check_task(task, root=root, path=path)
    proc = _expected_procedure(task, procedures, path=path)
    _check_population(task, procedures, path=path)
    population = {k: normalize_text(val) for k, val in task.population.items()}
    expected = _expected_fields(task, proc, population, path=path)
    _check_documents(task, proc, path=path)
    scenario = DossierScenario(
        id=task.id, title=task.title, situation=task.situation, today=task.today, account=task.account,
        population=population, files=tuple(task.files), procedures=procedures, portals=load_portals(root),
        competences=tuple(task.competences), level=task.level)
    key = DossierKey(
        scenario_id=task.id, procedure=proc.id, agencies=tuple(task.key.agencies), fields=expected,
        documents={k: tuple(val) for k, val in task.key.documents.items()}, rules=task.scoring,
        fee=fee_for(proc, {**population, **expected}))
    return scenario, key


def _check_task(task: TaskDef, *, root: Path, path: Path) -> None:
    """The task's own facts: competence codes, the account's phone number, unique file ids."""
    check_competences(task.competences, root=root, path=path, field="competences")
    problems, _ = check_mobile(task.account.phone)
    if problems:
        raise ContentError(problems[0].text("en"), path=path, field="account.phone")
    file_ids = [f.id for f in task.files]
    if len(set(file_ids)) != len(file_ids):
        raise ContentError("a file id is listed twice", path=path, field="files")


def _expected_procedure(task: TaskDef, procedures: tuple[ProcedureDef, ...], *, path: Path) -> ProcedureDef:
    """The procedure the key expects, with agencies that are its own."""
    by_id = {p.id: p for p in procedures}
    proc = by_id.get(task.key.procedure)
    if proc is None:
        raise ContentError(f"no procedure {task.key.procedure!r}; known: {sorted(by_id)}", path=path,
                           field="key.procedure")
    for i, agency in enumerate(task.key.agencies):
        if agency not in proc.agency_ids:
            raise ContentError(f"{agency!r} is not an agency of {proc.id!r}: {list(proc.agency_ids)}", path=path,
                               field=f"key.agencies.{i}")
    return proc


def _check_population(task: TaskDef, procedures: tuple[ProcedureDef, ...], *, path: Path) -> None:
    """Every procedure's pre-filled fields come from the population record: it must hold them all."""
    for other in procedures:
        for f in other.fields:
            if f.prefilled and f.id not in task.population:
                raise ContentError(f"procedure {other.id!r} pre-fills {f.id!r}: give its value", path=path,
                                   field=f"population.{f.id}")


def _expected_fields(task: TaskDef, proc: ProcedureDef, population: Mapping[str, str], *,
                     path: Path) -> dict[str, str]:
    """The key's field values, each checked by its own rule and made canonical ("Ninh Bình" → "Tỉnh Ninh Bình");
    the pre-filled values must pass their rules too."""
    typed = [f for f in proc.fields if not f.prefilled]
    missing = [f.id for f in typed if f.id not in task.key.fields]
    if missing:
        raise ContentError(f"the expected dossier must give field {missing[0]!r} ('' to leave it empty)",
                           path=path, field=f"key.fields.{missing[0]}")
    extra = [k for k in task.key.fields if k not in {f.id for f in typed}]
    if extra:
        raise ContentError(f"{extra[0]!r} is not a field the learner fills in {proc.id!r}", path=path,
                           field=f"key.fields.{extra[0]}")
    expected = {k: normalize_text(val) for k, val in task.key.fields.items()}
    values = {**population, **expected}
    for f in typed:
        if expected[f.id] == "":
            if f.required:
                raise ContentError(f"{f.id!r} is required, so the expected dossier cannot leave it empty",
                                   path=path, field=f"key.fields.{f.id}")
            continue
        errors, canonical = check_field(proc, f, values, today=task.today)
        if errors:
            raise ContentError(f"expected value fails its own rule: {errors[0].text('en')}", path=path,
                               field=f"key.fields.{f.id}")
        expected[f.id] = canonical or expected[f.id]  # compare like with like
    for f in proc.fields:
        if f.prefilled and values[f.id]:
            errors, _ = check_field(proc, f, values, today=task.today)
            if errors:
                raise ContentError(f"pre-filled value fails its rule: {errors[0].text('en')}", path=path,
                                   field=f"population.{f.id}")
    return expected


def _check_documents(task: TaskDef, proc: ProcedureDef, *, path: Path) -> None:
    """The key names a file list for every slot of the procedure, and each file can be right for its slot."""
    slots = {s.id for s in proc.documents}
    for slot_id in task.key.documents:
        if slot_id not in slots:
            raise ContentError(f"{slot_id!r} is not a document slot of {proc.id!r}", path=path,
                               field=f"key.documents.{slot_id}")
    files: dict[str, FileDef] = {f.id: f for f in task.files}
    for s in proc.documents:
        if s.id not in task.key.documents:
            raise ContentError(f"give the file(s) for slot {s.id!r} ([] for none)", path=path,
                               field=f"key.documents.{s.id}")
        wanted = task.key.documents[s.id]
        if s.required and not wanted:
            raise ContentError(f"slot {s.id!r} is required: name the file that belongs there", path=path,
                               field=f"key.documents.{s.id}")
        for j, file_id in enumerate(wanted):
            if file_id not in files:
                raise ContentError(f"no file {file_id!r} under files", path=path, field=f"key.documents.{s.id}.{j}")
            trouble = document_problems(s, files[file_id], task.today)
            if trouble:
                raise ContentError(f"file {file_id!r} cannot be right for {s.id!r}: {trouble[0]}", path=path,
                                   field=f"key.documents.{s.id}.{j}")
