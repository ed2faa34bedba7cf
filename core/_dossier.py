"""The public-service dossier exercise: procedures and tasks as data, public scenario vs private key, pure scoring.

A learner does a whole online procedure in a simulation of the national public-service portal:
pick the official portal among look-alikes, sign in with a (simulated) VNeID level-2 account, choose
the procedure and the competent agency, fill the e-form, attach documents, tick the commitment,
confirm with an OTP (without reading it out to a fake "staff member"), pay or see the fee waived,
and get a dossier code.

Content:

* ``content/procedures/ID.yaml`` — one procedure: agencies, form fields (with the validation rule of
  each), document slots, fee rule, statuses. Public: the portal shows all of it to everybody.
* ``content/dossier_tasks/ID.yaml`` — one task: the situation card (invented people), the simulated
  account, the population-database record (pre-filled, read-only fields), the files in the simulated
  picker and, under ``key``, the expected dossier. Loading splits it into a `DossierScenario`
  (public) and a `DossierKey` (private: never synced to a browser, dropped in contest mode).
* ``content/portals.yaml`` — the official portal(s) and clearly fake look-alikes (never clickable),
  and the fake "staff" chat that asks for the OTP.

`score_dossier` is pure (no I/O, no clock: the task says which day it is) and is what the widget,
the grade cell and the classroom all use. What it must never do: trust the answers' shape without
checking it, or read anything but its arguments.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import validators as v
from ._content import content_root, load_file
from ._errors import AnswersInvalid, ContentError
from ._i18n import N_, gettext
from ._common import LocalText, load_competences
from ._score import ItemScore, Score
from ._text import normalize_text

KIND = "dossier"
SLUG = r"^[a-z0-9][a-z0-9-]{0,62}$"
FIELD_ID = r"^[a-z][a-z0-9_]{0,40}$"
FIELD_TYPES = ("name", "personal_id", "date", "mobile", "bhxh", "province", "commune", "choice", "text", "number")
STEPS = ("portal", "sign_in", "procedure", "form", "documents", "review", "otp", "fee", "result")
"""The nine steps of the flow, in order (step n is STEPS[n-1])."""
MAX_SIGN_IN_FAILURES = 5

# ------------------------------------------------------------------------------------------------
# Content schema: procedures


class ChoiceDef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG)
    label: LocalText


class FieldDef(BaseModel):
    """One field of the e-form and the rule that checks it."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=FIELD_ID)
    label: LocalText
    type: Literal["name", "personal_id", "date", "mobile", "bhxh", "province", "commune", "choice", "text", "number"]
    required: bool = True
    prefilled: bool = False
    """Held by the population database: shown filled in and read-only (value from the task's `population`)."""
    hint: LocalText | None = None
    historical: bool = False
    """province/commune: a place before the 2025 reorganisation is accepted (e.g. place of birth registration)."""
    choices: list[ChoiceDef] = []
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = Field(default=200, ge=1, le=1000)
    not_future: bool = True
    within_days: int | None = Field(default=None, ge=1)
    """date: the filing day (the task's `today`) must be at most this many days after the date."""
    min_age: int | None = Field(default=None, ge=0)
    max_age: int | None = Field(default=None, ge=0)
    birth_date_field: str | None = None
    """personal_id: the date field the number's century and year digits must agree with."""
    gender_field: str | None = None
    """personal_id: the choice field (nam/nu) the number's gender digit must agree with."""

    @model_validator(mode="after")
    def _shape(self) -> FieldDef:
        if self.type == "choice" and len(self.choices) < 2:
            raise ValueError(f"field {self.id!r} is a choice: list at least two choices under choices")
        if self.type != "choice" and self.choices:
            raise ValueError(f"field {self.id!r} has choices but its type is {self.type!r}; use type: choice")
        if (self.birth_date_field or self.gender_field) and self.type != "personal_id":
            raise ValueError(f"field {self.id!r}: birth_date_field/gender_field only apply to type personal_id")
        return self


class SlotDef(BaseModel):
    """A place in the dossier for one document."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG)
    label: LocalText
    hint: LocalText | None = None
    accepts: list[str] = Field(min_length=1)
    """Document types (file `type` ids in the tasks) that belong in this slot."""
    required: bool = True


class FeeByChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field: str
    amounts: dict[str, int]


class FeePerCopy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field: str
    after: int = Field(ge=0)
    amount: int = Field(ge=0)


class FeeDef(BaseModel):
    """The fee rule. Amounts in đồng; illustrative, as the `note` says."""

    model_config = ConfigDict(extra="forbid")
    amount: int = Field(ge=0)
    by_choice: FeeByChoice | None = None
    per_extra_copy: FeePerCopy | None = None
    note: LocalText


class AgencyDef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG)
    name: LocalText


class SourceDef(BaseModel):
    """Where one procedure fact comes from; `source` says so plainly when the facts file is silent."""

    model_config = ConfigDict(extra="forbid")
    fact: str = Field(min_length=3)
    source: str = Field(min_length=3)


class ProcedureDef(BaseModel):
    """One procedure file (content/procedures/ID.yaml)."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG)
    code_prefix: str = Field(pattern=r"^[A-Z]{2,4}$")
    title: LocalText
    summary: LocalText
    channel: LocalText
    competences: list[str] = Field(min_length=1)
    agencies: list[AgencyDef] = Field(min_length=2)
    fields: list[FieldDef] = Field(min_length=1)
    documents: list[SlotDef] = Field(min_length=1)
    fee: FeeDef
    commitment: LocalText
    processing: LocalText
    statuses: list[LocalText] = Field(min_length=2)
    """Status labels shown while tracking; the last one is the result."""
    sources: list[SourceDef] = Field(min_length=1)
    """The source of every fact the procedure teaches (agency, documents, deadline, fee, channel)."""

    @model_validator(mode="after")
    def _references(self) -> ProcedureDef:
        ids = [f.id for f in self.fields]
        for name, seq in (("fields", ids), ("agencies", [a.id for a in self.agencies]),
                          ("documents", [d.id for d in self.documents])):
            dup = {i for i in seq if seq.count(i) > 1}
            if dup:
                raise ValueError(f"{name}: {sorted(dup)[0]!r} is listed twice")
        by_id = {f.id: f for f in self.fields}
        for f in self.fields:
            for ref, want in ((f.birth_date_field, "date"), (f.gender_field, "choice")):
                if ref is not None and (ref not in by_id or by_id[ref].type != want):
                    raise ValueError(f"field {f.id!r} refers to {ref!r}, which is not a {want} field of this form")
        if self.fee.by_choice:
            target = by_id.get(self.fee.by_choice.field)
            if target is None or target.type != "choice":
                raise ValueError(f"fee.by_choice.field {self.fee.by_choice.field!r} is not a choice field")
            unknown = set(self.fee.by_choice.amounts) - {c.id for c in target.choices}
            if unknown:
                raise ValueError(f"fee.by_choice.amounts names {sorted(unknown)[0]!r}, not a choice of "
                                 f"{target.id!r}")
        if self.fee.per_extra_copy:
            target = by_id.get(self.fee.per_extra_copy.field)
            if target is None or target.type != "number":
                raise ValueError(f"fee.per_extra_copy.field {self.fee.per_extra_copy.field!r} is not a number field")
        return self

    def field(self, field_id: str) -> FieldDef:
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(field_id)

    def slot(self, slot_id: str) -> SlotDef:
        for s in self.documents:
            if s.id == slot_id:
                return s
        raise KeyError(slot_id)

    @property
    def agency_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.agencies)


# ------------------------------------------------------------------------------------------------
# Content schema: portals, tasks


class PortalDef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG)
    address: str = Field(min_length=3, max_length=80)
    label: LocalText
    official: bool
    explain: LocalText
    """Why it is (or is not) the real one: shown after the learner has chosen it."""

    @field_validator("address")
    @classmethod
    def _no_scheme(cls, value: str) -> str:
        if "://" in value:
            raise ValueError("write the bare address as shown in a browser bar, without http://")
        return value


class StaffChatDef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sender: LocalText
    messages: list[LocalText] = Field(min_length=1)
    warning: LocalText
    """Shown when the learner sends the OTP into the chat."""


class PortalsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    portals: list[PortalDef] = Field(min_length=3)
    staff_chat: StaffChatDef
    otp_sms: LocalText
    """The SMS with the OTP; {code} is replaced by the code, {minutes} by its lifetime."""
    bank: LocalText
    """The simulated bank's confirmation SMS; {amount} and {ref} are replaced."""

    @model_validator(mode="after")
    def _one_official(self) -> PortalsFile:
        if not any(p.official for p in self.portals):
            raise ValueError("at least one portal must be official: true")
        if all(p.official for p in self.portals):
            raise ValueError("list at least one fake look-alike (official: false)")
        return self


class AccountDef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id_number: str = Field(pattern=r"^\d{12}$")
    passcode: str = Field(pattern=r"^\d{6}$")
    phone: str


class FileDef(BaseModel):
    """A file in the simulated picker (never a real file: a description of one)."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG)
    name: str = Field(min_length=1, max_length=80)
    type: str = Field(pattern=SLUG)
    type_label: LocalText
    about: str = Field(min_length=1)
    """The person the document is about (as written on it)."""
    description: LocalText
    readable: bool = True
    valid_until: date | None = None


class ScoringRules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    portal: float = Field(default=1, ge=0)
    sign_in: float = Field(default=1, ge=0)
    procedure: float = Field(default=1, ge=0)
    agency: float = Field(default=1, ge=0)
    per_field: float = Field(default=1, ge=0)
    per_document: float = Field(default=1, ge=0)
    commitment: float = Field(default=1, ge=0)
    otp: float = Field(default=1, ge=0)
    otp_safety: float = Field(default=2, ge=0)
    fee: float = Field(default=1, ge=0)
    submitted: float = Field(default=1, ge=0)
    tracked: float = Field(default=1, ge=0)


class TaskKeyDef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    procedure: str = Field(pattern=SLUG)
    agencies: list[str] = Field(min_length=1)
    fields: dict[str, str]
    """Every field the learner types, with the expected value ("" = leave empty)."""
    documents: dict[str, list[str]]
    """Every slot, with the file ids that belong there ([] = attach nothing)."""


class TaskDef(BaseModel):
    """One task file (content/dossier_tasks/ID.yaml)."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG)
    title: LocalText
    situation: LocalText
    today: date
    """The day the story happens (the filing day): scoring never reads a clock."""
    account: AccountDef
    population: dict[str, str]
    """The account holder's record in the population database: values of pre-filled fields."""
    files: list[FileDef] = Field(min_length=2)
    competences: list[str] = Field(min_length=1)
    level: int = Field(default=1, ge=1, le=3)
    scoring: ScoringRules = ScoringRules()
    key: TaskKeyDef


# ------------------------------------------------------------------------------------------------
# Loaded objects


@dataclass(frozen=True)
class Portal:
    """A portal choice as the learner sees it (no verdict)."""

    id: str
    address: str
    label: LocalText


@dataclass(frozen=True)
class Portals:
    """The portal catalogue with the rules (which are official): Python side only."""

    choices: tuple[Portal, ...]
    official: frozenset[str]
    explain: Mapping[str, LocalText]
    staff_chat: StaffChatDef
    otp_sms: LocalText
    bank: LocalText


@dataclass(frozen=True)
class DossierScenario:
    """What the learner sees: the situation card, the portal look-alikes, every procedure, the picker."""

    id: str
    title: LocalText
    situation: LocalText
    today: date
    account: AccountDef
    population: Mapping[str, str]
    files: tuple[FileDef, ...]
    procedures: tuple[ProcedureDef, ...]
    portals: Portals
    competences: tuple[str, ...]
    level: int
    kind: str = KIND

    def procedure(self, procedure_id: str) -> ProcedureDef:
        for p in self.procedures:
            if p.id == procedure_id:
                return p
        raise KeyError(procedure_id)

    def file(self, file_id: str) -> FileDef:
        for f in self.files:
            if f.id == file_id:
                return f
        raise KeyError(file_id)

    @property
    def procedure_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.procedures)

    def prefill(self, procedure_id: str) -> dict[str, str]:
        """Values of the pre-filled (read-only) fields of a procedure, from the population record."""
        proc = self.procedure(procedure_id)
        return {f.id: self.population.get(f.id, "") for f in proc.fields if f.prefilled}


@dataclass(frozen=True)
class DossierKey:
    """The expected dossier of one task, with the scoring rules. Never sent to a browser."""

    scenario_id: str
    procedure: str
    agencies: tuple[str, ...]
    fields: Mapping[str, str]
    documents: Mapping[str, tuple[str, ...]]
    rules: ScoringRules
    fee: int
    """The fee the expected dossier costs (0 = waived or free)."""


# ------------------------------------------------------------------------------------------------
# Loading


def procedure_paths(root: Path | None = None) -> list[Path]:
    return sorted(((root or content_root()) / "procedures").glob("*.yaml"))


def task_paths(root: Path | None = None) -> list[Path]:
    return sorted(((root or content_root()) / "dossier_tasks").glob("*.yaml"))


def load_procedure(path: Path, *, root: Path | None = None) -> ProcedureDef:
    """Read and check one procedure file."""
    proc = load_file(ProcedureDef, path)
    if proc.id != path.stem:
        raise ContentError(f"id {proc.id!r} must equal the file name {path.stem!r}", path=path, field="id")
    codes = load_competences(root or content_root())
    for i, code in enumerate(proc.competences):
        if code not in codes:
            raise ContentError(f"{code!r} is not a Circular 02/2025 competence code (e.g. '4.2')", path=path,
                               field=f"competences.{i}")
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


def fee_for(proc: ProcedureDef, fields: Mapping[str, str]) -> int:
    """The fee a dossier with these field values costs, by the procedure's rule (pure)."""
    amount = proc.fee.amount
    if proc.fee.by_choice is not None:
        chosen = fields.get(proc.fee.by_choice.field, "")
        amount = proc.fee.by_choice.amounts.get(chosen, amount)
    extra = proc.fee.per_extra_copy
    if extra is not None and amount > 0:
        try:
            copies = int(fields.get(extra.field, "") or 0)
        except ValueError:
            copies = 0
        amount += max(0, copies - extra.after) * extra.amount
    return amount


def load_dossier(task_id: str, *, root: Path | None = None) -> tuple[DossierScenario, DossierKey]:
    """Load dossier task `task_id`: its public scenario and its private key (the expected dossier)."""
    root = root or content_root()
    path = root / "dossier_tasks" / f"{task_id}.yaml"
    if not re.match(SLUG, task_id) or not path.is_file():
        known = ", ".join(p.stem for p in task_paths(root)) or "none"
        raise ContentError(f"no dossier task {task_id!r}; known tasks: {known}", path=path)
    task = load_file(TaskDef, path)
    if task.id != task_id:
        raise ContentError(f"id {task.id!r} must equal the file name {task_id!r}", path=path, field="id")
    return dossier_from_task(task, root=root, path=path)


def dossier_from_task(task: TaskDef, *, root: Path | None = None,
                      path: Path | None = None) -> tuple[DossierScenario, DossierKey]:
    """Check a task (read from a file, or built in memory, e.g. a contest variant) against the procedures
    and split it into its public scenario and its private key. `path` only names the source in errors."""
    root = root or content_root()
    path = path or Path(f"<task {task.id}>")
    procedures = load_procedures(root)
    by_id = {p.id: p for p in procedures}
    codes = load_competences(root)
    for i, code in enumerate(task.competences):
        if code not in codes:
            raise ContentError(f"{code!r} is not a Circular 02/2025 competence code", path=path,
                               field=f"competences.{i}")
    problems, _ = v.check_mobile(task.account.phone)
    if problems:
        raise ContentError(problems[0].text("en"), path=path, field="account.phone")
    file_ids = [f.id for f in task.files]
    if len(set(file_ids)) != len(file_ids):
        raise ContentError("a file id is listed twice", path=path, field="files")
    key = task.key
    proc = by_id.get(key.procedure)
    if proc is None:
        raise ContentError(f"no procedure {key.procedure!r}; known: {sorted(by_id)}", path=path, field="key.procedure")
    for i, agency in enumerate(key.agencies):
        if agency not in proc.agency_ids:
            raise ContentError(f"{agency!r} is not an agency of {proc.id!r}: {list(proc.agency_ids)}", path=path,
                               field=f"key.agencies.{i}")
    # Every procedure's pre-filled fields come from the population record: it must hold them all.
    for other in procedures:
        for f in other.fields:
            if f.prefilled and f.id not in task.population:
                raise ContentError(f"procedure {other.id!r} pre-fills {f.id!r}: give its value", path=path,
                                   field=f"population.{f.id}")
    typed = [f for f in proc.fields if not f.prefilled]
    missing = [f.id for f in typed if f.id not in key.fields]
    extra = [k for k in key.fields if k not in {f.id for f in typed}]
    if missing:
        raise ContentError(f"the expected dossier must give field {missing[0]!r} ('' to leave it empty)",
                           path=path, field=f"key.fields.{missing[0]}")
    if extra:
        raise ContentError(f"{extra[0]!r} is not a field the learner fills in {proc.id!r}", path=path,
                           field=f"key.fields.{extra[0]}")
    population = {k: normalize_text(val) for k, val in task.population.items()}
    expected = {k: normalize_text(val) for k, val in key.fields.items()}
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
        expected[f.id] = canonical  # compare like with like: "Ninh Bình" → "Tỉnh Ninh Bình"
    for f in proc.fields:
        if f.prefilled and values[f.id]:
            errors, _ = check_field(proc, f, values, today=task.today)
            if errors:
                raise ContentError(f"pre-filled value fails its rule: {errors[0].text('en')}", path=path,
                                   field=f"population.{f.id}")
    slots = {s.id for s in proc.documents}
    for slot_id in key.documents:
        if slot_id not in slots:
            raise ContentError(f"{slot_id!r} is not a document slot of {proc.id!r}", path=path,
                               field=f"key.documents.{slot_id}")
    for s in proc.documents:
        if s.id not in key.documents:
            raise ContentError(f"give the file(s) for slot {s.id!r} ([] for none)", path=path,
                               field=f"key.documents.{s.id}")
        wanted = key.documents[s.id]
        if s.required and not wanted:
            raise ContentError(f"slot {s.id!r} is required: name the file that belongs there", path=path,
                               field=f"key.documents.{s.id}")
        for j, file_id in enumerate(wanted):
            if file_id not in file_ids:
                raise ContentError(f"no file {file_id!r} under files", path=path, field=f"key.documents.{s.id}.{j}")
            trouble = document_problems(s, next(f for f in task.files if f.id == file_id), task.today)
            if trouble:
                raise ContentError(f"file {file_id!r} cannot be right for {s.id!r}: {trouble[0]}", path=path,
                                   field=f"key.documents.{s.id}.{j}")
    scenario = DossierScenario(
        id=task.id, title=task.title, situation=task.situation, today=task.today, account=task.account,
        population=population, files=tuple(task.files), procedures=procedures, portals=load_portals(root),
        competences=tuple(task.competences), level=task.level)
    dossier_key = DossierKey(
        scenario_id=task.id, procedure=proc.id, agencies=tuple(key.agencies), fields=expected,
        documents={k: tuple(val) for k, val in key.documents.items()}, rules=task.scoring,
        fee=fee_for(proc, values))
    return scenario, dossier_key


# ------------------------------------------------------------------------------------------------
# Field and document rules (pure)

_FIELD_MESSAGES = {
    "field.required": N_("This field is required (*)."),
    "field.choice": N_("Choose one of the options in the list."),
    "field.number": N_("Enter a whole number."),
    "field.number_range": N_("Enter a number from {minimum} to {maximum}."),
    "field.too_long": N_("Too long: at most {max_length} characters."),
    "field.read_only": N_("This information comes from the national population database and cannot be changed here."),
}


def _problem(code: str, **params: object) -> v.Problem:
    return v.Problem(code, _FIELD_MESSAGES[code], params)


def check_field(proc: ProcedureDef, f: FieldDef, values: Mapping[str, str], *,
                today: date) -> tuple[tuple[v.Problem, ...], str | None]:
    """Check one field's typed value in the context of the whole form.

    Returns (problems, canonical value | None). The canonical value is what scoring compares: a
    normalised name, a dd/mm/yyyy date, 0-prefixed mobile, a province's full name, a choice id …
    """
    raw = normalize_text(values.get(f.id, "") or "")
    if not raw:
        return ((_problem("field.required"),), None) if f.required else ((), "")
    if f.type == "name":
        problems, value = v.check_full_name(raw)
        return problems, value
    if f.type == "personal_id":
        birth = values.get(f.birth_date_field, "") if f.birth_date_field else None
        gender = values.get(f.gender_field, "") if f.gender_field else None
        gender = {"nam": "nam", "nu": "nữ"}.get(gender or "", None)
        problems, value = v.check_personal_id(raw, birth_date=birth or None, gender=gender, today=today)
        return problems, (value.number if value else None)
    if f.type == "date":
        problems, value = v.check_date(raw, not_future=f.not_future, today=today)
        if problems:
            return problems, None
        more: tuple[v.Problem, ...] = ()
        if f.min_age is not None or f.max_age is not None:
            more += v.check_age(value, min_years=f.min_age, max_years=f.max_age, today=today)
        if f.within_days is not None:
            more += v.check_within_days(value, f.within_days, today=today)
        return (more, None) if more else ((), v.format_date(value))
    if f.type == "mobile":
        problems, value = v.check_mobile(raw)
        return problems, (value.national if value else None)
    if f.type == "bhxh":
        problems, value = v.check_social_insurance(raw, today=today)
        return problems, value
    if f.type == "province":
        problems, value = v.check_province(raw, historical=f.historical)
        return problems, (value.full_name if value else None)
    if f.type == "commune":
        problems, value = v.check_commune(raw, historical=f.historical)
        return problems, value
    if f.type == "choice":
        if raw not in {c.id for c in f.choices}:
            return (_problem("field.choice"),), None
        return (), raw
    if f.type == "number":
        if not raw.isascii() or not raw.isdigit():
            return (_problem("field.number"),), None
        number = int(raw)
        lo = f.minimum if f.minimum is not None else 0
        hi = f.maximum if f.maximum is not None else 10**9
        if not lo <= number <= hi:
            return (_problem("field.number_range", minimum=lo, maximum=hi),), None
        return (), str(number)
    if len(raw) > f.max_length:
        return (_problem("field.too_long", max_length=f.max_length),), None
    return (), raw


def check_form(proc: ProcedureDef, values: Mapping[str, str], *,
               today: date) -> dict[str, tuple[tuple[v.Problem, ...], str | None]]:
    """check_field for every field of the form, in form order."""
    return {f.id: check_field(proc, f, values, today=today) for f in proc.fields}


def same_value(f: FieldDef, canonical: str | None, expected: str) -> bool:
    """Whether a checked value equals the expected one (case and spacing do not matter for text)."""
    if canonical is None:
        return False
    if f.type in ("text", "commune", "province", "name"):
        return canonical.casefold() == expected.casefold()
    return canonical == expected


_DOC_MESSAGES = {
    "doc.missing": N_("No file attached: this document is required."),
    "doc.wrong_type": N_("“{file}” is {type_label}, not the document this place needs ({slot})."),
    "doc.unreadable": N_("“{file}” cannot be read: {description} Take a clear photo or scan of the whole page."),
    "doc.expired": N_("“{file}” expired on {date}, before the filing day {today}; attach a valid document."),
    "doc.wrong_person": N_("“{file}” is about {about}, not the person in this dossier."),
    "doc.not_needed": N_("Nothing needs to be attached here for this situation."),
}


def _doc_problem(code: str, **params: object) -> v.Problem:
    return v.Problem(code, _DOC_MESSAGES[code], params)


def document_problems(slot: SlotDef, file: FileDef, today: date) -> tuple[v.Problem, ...]:
    """What is wrong with putting `file` into `slot`, by the public rules: type, readable, not expired."""
    problems: list[v.Problem] = []
    if file.type not in slot.accepts:
        problems.append(_doc_problem("doc.wrong_type", file=file.name, type_label=file.type_label,
                                     slot=slot.label))
    if not file.readable:
        problems.append(_doc_problem("doc.unreadable", file=file.name, description=file.description))
    if file.valid_until is not None and file.valid_until < today:
        problems.append(_doc_problem("doc.expired", file=file.name, date=v.format_date(file.valid_until),
                                     today=v.format_date(today)))
    return tuple(problems)


def _localise_params(problem: v.Problem, locale: str) -> v.Problem:
    params = {k: (val.get(locale) if isinstance(val, LocalText) else val) for k, val in problem.params.items()}
    return v.Problem(problem.code, problem.message, params)


def problem_text(problem: v.Problem, locale: str) -> str:
    """A problem's sentence in `locale`, with any bilingual parameter (file type, slot) in that locale too."""
    return _localise_params(problem, locale).text(locale)


# ------------------------------------------------------------------------------------------------
# Answers


class _SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    id_number: str = ""
    signed_in: bool = False
    failures: int = Field(default=0, ge=0)
    locked: bool = False


class _Otp(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    sent: int = Field(default=0, ge=0)
    confirmed: bool = False
    wrong: int = Field(default=0, ge=0)
    expired: int = Field(default=0, ge=0)
    shared: bool = False
    reported: bool = False


class _Fee(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    status: Literal["", "paid", "waived"] = ""
    amount: int = Field(default=0, ge=0)


class DossierAnswers(BaseModel):
    """The canonical answers of a dossier attempt (what a Submission of kind "dossier" holds).

    No passcode and no OTP value is ever kept here.
    """

    model_config = ConfigDict(extra="forbid", strict=True)
    portal: str = ""
    sign_in: _SignIn = _SignIn()
    procedure: str = ""
    agency: str = ""
    fields: dict[str, str] = {}
    documents: dict[str, str] = {}
    commitment: bool = False
    otp: _Otp = _Otp()
    fee: _Fee = _Fee()
    code: str = ""
    tracked: int = Field(default=0, ge=0)
    ended: Literal["", "fake_portal", "locked"] = ""
    attempts: int = Field(default=1, ge=1)
    step: int = Field(default=1, ge=1, le=len(STEPS))


def empty_answers() -> dict[str, Any]:
    """A fresh attempt, as JSON."""
    return DossierAnswers().model_dump()


def parse_answers(scenario: DossierScenario, answers: Mapping[str, Any]) -> DossierAnswers:
    """Check answers against the scenario; raise AnswersInvalid saying what does not fit."""
    try:
        parsed = DossierAnswers.model_validate(dict(answers))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise AnswersInvalid(f"dossier answers, {where}: {err['msg']}") from exc
    if parsed.portal and parsed.portal not in {p.id for p in scenario.portals.choices}:
        raise AnswersInvalid(f"dossier answers name portal {parsed.portal!r}, which task {scenario.id!r} does not offer")
    if parsed.procedure:
        if parsed.procedure not in scenario.procedure_ids:
            raise AnswersInvalid(f"dossier answers name unknown procedure {parsed.procedure!r}")
        proc = scenario.procedure(parsed.procedure)
        if parsed.agency and parsed.agency not in proc.agency_ids:
            raise AnswersInvalid(f"dossier answers name agency {parsed.agency!r}, not one of {proc.id!r}")
        unknown = set(parsed.fields) - {f.id for f in proc.fields}
        if unknown:
            raise AnswersInvalid(f"dossier answers fill unknown field(s) {sorted(unknown)}")
        unknown = set(parsed.documents) - {s.id for s in proc.documents}
        if unknown:
            raise AnswersInvalid(f"dossier answers attach to unknown slot(s) {sorted(unknown)}")
        files = {f.id for f in scenario.files}
        bad = [fid for fid in parsed.documents.values() if fid not in files]
        if bad:
            raise AnswersInvalid(f"dossier answers attach unknown file {bad[0]!r}")
    elif parsed.fields or parsed.documents or parsed.agency:
        raise AnswersInvalid("dossier answers fill a form before choosing a procedure")
    return parsed


# ------------------------------------------------------------------------------------------------
# Scoring


def _item(item_id: str, points: float, max_points: float, outcome: str, **details: Any) -> ItemScore:
    return ItemScore(item_id=item_id, points=float(points), max_points=float(max_points), outcome=outcome,
                     details=details)


def score_dossier(scenario: DossierScenario, key: DossierKey, answers: Mapping[str, Any]) -> Score:
    """Score one dossier attempt. Pure.

    Items, in flow order: portal, sign_in, procedure, agency, field:<id> for every field the learner
    types and the task expects filled, document:<slot> for every slot the task expects, commitment,
    otp (confirmed), otp_safety (the OTP was not given to the fake "staff" chat), fee, submitted
    (dossier code received), tracked (status followed to the result). A fake portal ends the attempt:
    every item scores 0.
    """
    a = parse_answers(scenario, answers)
    r = key.rules
    proc = scenario.procedure(key.procedure)
    today = scenario.today
    items: list[ItemScore] = []
    fake = bool(a.portal) and a.portal not in scenario.portals.official
    right_proc = a.procedure == key.procedure
    values = {**scenario.prefill(key.procedure), **{k: normalize_text(val) for k, val in a.fields.items()}}
    checked = check_form(proc, values, today=today) if right_proc else {}

    def gate(item_id: str, ok: bool, max_points: float, outcome_ok: str, outcome_bad: str, **details: Any) -> None:
        if fake:
            items.append(_item(item_id, 0, max_points, "fake_portal", **details))
        else:
            items.append(_item(item_id, max_points if ok else 0, max_points, outcome_ok if ok else outcome_bad,
                               **details))

    if not a.portal:
        items.append(_item("portal", 0, r.portal, "unanswered"))
    else:
        items.append(_item("portal", 0 if fake else r.portal, r.portal, "fake_portal" if fake else "correct",
                           given=a.portal))
    signed = a.sign_in.signed_in and a.sign_in.id_number == scenario.account.id_number
    gate("sign_in", signed, r.sign_in, "correct", "locked" if a.sign_in.locked else "unanswered",
         failures=a.sign_in.failures)
    gate("procedure", right_proc, r.procedure, "correct", "wrong" if a.procedure else "unanswered",
         given=a.procedure, expected=key.procedure)
    gate("agency", right_proc and a.agency in key.agencies, r.agency, "correct", "wrong" if a.agency else "unanswered",
         given=a.agency, expected=list(key.agencies))
    for f in proc.fields:
        expected = key.fields.get(f.id, "")
        if f.prefilled or not expected:
            continue
        given = a.fields.get(f.id, "") if right_proc else ""
        problems, canonical = checked.get(f.id, ((), None))
        if not right_proc:
            outcome = "wrong_procedure"
        elif not normalize_text(given):
            outcome = "missing"
        elif problems:
            outcome = "invalid"
        elif same_value(f, canonical, expected):
            outcome = "correct"
        else:
            outcome = "mismatch"
        gate(f"field:{f.id}", outcome == "correct", r.per_field, "correct", outcome, field=f.id, given=given,
             expected=expected, problems=tuple(problems) if outcome == "invalid" else ())
    files = {fl.id: fl for fl in scenario.files}
    for s in proc.documents:
        wanted = key.documents.get(s.id, ())
        given_id = a.documents.get(s.id, "") if right_proc else ""
        if not wanted:
            if given_id:  # something attached where nothing belongs: no points to lose, but say so
                items.append(_item(f"document:{s.id}", 0, 0, "not_needed", slot=s.id, given=given_id))
            continue
        if not right_proc:
            outcome, problems = "wrong_procedure", ()
        elif not given_id:
            outcome, problems = ("missing" if s.required else "missing_optional"), ()
        elif given_id in wanted:
            outcome, problems = "correct", ()
        else:
            problems = document_problems(s, files[given_id], today)
            if not problems and files[given_id].about != files[wanted[0]].about:
                problems = (_doc_problem("doc.wrong_person", file=files[given_id].name, about=files[given_id].about),)
            outcome = "wrong" if problems else "mismatch"
        gate(f"document:{s.id}", outcome == "correct", r.per_document, "correct", outcome, slot=s.id, given=given_id,
             expected=list(wanted), problems=tuple(problems))
    gate("commitment", a.commitment, r.commitment, "correct", "unanswered")
    gate("otp", a.otp.confirmed, r.otp, "correct", "unanswered", wrong=a.otp.wrong, expired=a.otp.expired)
    safe = a.otp.sent > 0 and not a.otp.shared
    gate("otp_safety", safe, r.otp_safety, "correct", "shared" if a.otp.shared else "unanswered",
         reported=a.otp.reported)
    expected_fee = key.fee
    if expected_fee == 0:
        fee_ok = a.fee.status == "waived"
    else:
        fee_ok = a.fee.status == "paid" and a.fee.amount == expected_fee
    fee_outcome = "unanswered" if not a.fee.status else (
        "paid_when_waived" if expected_fee == 0 else ("waived_wrongly" if a.fee.status == "waived" else "wrong_amount"))
    gate("fee", fee_ok, r.fee, "correct", fee_outcome, expected=expected_fee, given=a.fee.amount, status=a.fee.status)
    gate("submitted", bool(a.code), r.submitted, "correct", "unanswered", code=a.code)
    gate("tracked", bool(a.code) and a.tracked >= len(proc.statuses) - 1, r.tracked, "correct", "unanswered",
         reached=a.tracked)
    total = 0.0 if fake else max(0.0, sum(i.points for i in items))
    return Score(kind=KIND, points=total, max_points=sum(i.max_points for i in items), items=tuple(items))



# ------------------------------------------------------------------------------------------------
# Feedback


_OUTCOME_TEXT = {
    ("portal", "correct"): N_("You chose the official portal."),
    ("portal", "unanswered"): N_("You did not choose a portal."),
    ("sign_in", "correct"): N_("You signed in with your own VNeID account."),
    ("sign_in", "locked"): N_("The account was locked after too many wrong passcodes."),
    ("sign_in", "unanswered"): N_("You did not sign in."),
    ("procedure", "correct"): N_("You chose the right procedure."),
    ("procedure", "wrong"): N_("This is not the procedure the situation needs: read the task card again."),
    ("procedure", "unanswered"): N_("You did not choose a procedure."),
    ("agency", "correct"): N_("You chose a competent agency."),
    ("agency", "wrong"): N_("This agency does not handle this procedure for this family."),
    ("agency", "unanswered"): N_("You did not choose the agency."),
    ("field", "missing"): N_("Left empty."),
    ("field", "wrong_procedure"): N_("Not filled: the wrong procedure was chosen."),
    ("field", "mismatch"): N_("You wrote “{given}”, but the task card says “{expected}”."),
    ("document", "missing"): N_("No file attached: this document is required."),
    ("document", "missing_optional"): N_("Nothing attached, but this situation needs this document too."),
    ("document", "wrong_procedure"): N_("Not attached: the wrong procedure was chosen."),
    ("document", "mismatch"): N_("This is not the right file for this place."),
    ("document", "not_needed"): N_("Nothing needs to be attached here for this situation."),
    ("commitment", "correct"): N_("You ticked the commitment after checking the dossier."),
    ("commitment", "unanswered"): N_("The commitment (“Tôi xin cam đoan …”) was not ticked."),
    ("otp", "correct"): N_("You confirmed with the OTP sent to your own phone."),
    ("otp", "unanswered"): N_("The dossier was not confirmed with the OTP."),
    ("otp_safety", "correct"): N_("You did not give the OTP to the “staff member” in the chat. Nobody legitimate ever asks you to read out an OTP."),
    ("otp_safety", "shared"): N_("You sent the OTP to a stranger in the chat. Nobody legitimate (not the portal, the police or a bank) ever asks for an OTP: with it, a scammer can act in your name."),
    ("otp_safety", "unanswered"): N_("The OTP step was not reached."),
    ("fee", "correct"): N_("The fee was handled correctly."),
    ("fee", "unanswered"): N_("The fee step was not done."),
    ("fee", "paid_when_waived"): N_("This dossier is free of charge (or the fee is waived): nothing should have been paid."),
    ("fee", "waived_wrongly"): N_("This dossier has a fee of {expected} đ that had to be paid."),
    ("fee", "wrong_amount"): N_("You paid {given} đ, but this dossier costs {expected} đ."),
    ("submitted", "correct"): N_("The dossier was filed and received a dossier code."),
    ("submitted", "unanswered"): N_("The dossier was not filed: there is no dossier code."),
    ("tracked", "correct"): N_("You followed the dossier until the result."),
    ("tracked", "unanswered"): N_("You did not follow the dossier's status until the result."),
}
_FAKE = N_("The attempt ended on a fake portal: nothing you typed there counts, and in real life it would have gone to scammers.")
_CORRECT_FIELD = N_("Correct.")
_CORRECT_DOC = N_("The right document.")


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def dossier_feedback(scenario: DossierScenario, key: DossierKey, result: Score, locale: str) -> list[dict[str, Any]]:
    """One entry per scored item: {item_id, label, ok, points, max_points, messages}. Lesson mode only."""
    proc = scenario.procedure(key.procedure)
    _ = lambda m: gettext(m, locale)  # noqa: E731
    out: list[dict[str, Any]] = []
    for item in result.items:
        d = item.details
        group, _sep, ref = item.item_id.partition(":")
        label = _(_ITEM_LABELS.get(group, group))
        messages: list[str] = []
        if item.outcome == "fake_portal":
            if item.item_id == "portal":
                messages.append(scenario.portals.explain[d["given"]].get(locale))
            messages.append(_(_FAKE))
        elif group == "field":
            f = proc.field(ref)
            label = f.label.get(locale)
            if item.outcome == "correct":
                messages.append(_(_CORRECT_FIELD))
            elif item.outcome == "invalid":
                messages.extend(problem_text(p, locale) for p in d["problems"])
            else:
                given, expected = d["given"], d["expected"]
                if f.type == "choice":
                    names = {c.id: c.label.get(locale) for c in f.choices}
                    given, expected = names.get(given, given), names.get(expected, expected)
                messages.append(_(_OUTCOME_TEXT[("field", item.outcome)]).format(given=given, expected=expected))
        elif group == "document":
            slot = proc.slot(ref)
            label = slot.label.get(locale)
            if item.outcome == "correct":
                messages.append(_(_CORRECT_DOC))
            elif item.outcome == "wrong":
                messages.extend(problem_text(p, locale) for p in d["problems"])
            else:
                messages.append(_(_OUTCOME_TEXT[("document", item.outcome)]))
        else:
            if item.item_id == "portal" and d.get("given"):
                messages.append(scenario.portals.explain[d["given"]].get(locale))
            else:
                text = _(_OUTCOME_TEXT[(item.item_id, item.outcome)])
                messages.append(text.format(expected=_money(d.get("expected", 0) if isinstance(d.get("expected"), int) else 0),
                                            given=_money(d.get("given", 0) if isinstance(d.get("given"), int) else 0)))
        out.append({"item_id": item.item_id, "label": label, "ok": item.outcome == "correct",
                    "points": item.points, "max_points": item.max_points, "messages": messages})
    return out


_ITEM_LABELS = {
    "portal": N_("Portal address"), "sign_in": N_("Sign-in with VNeID"), "procedure": N_("Choice of procedure"),
    "agency": N_("Competent agency"), "commitment": N_("Commitment"), "otp": N_("OTP confirmation"),
    "otp_safety": N_("OTP kept secret"), "fee": N_("Fee"), "submitted": N_("Dossier filed"),
    "tracked": N_("Status followed"),
}


__all__ = [
    "DossierAnswers", "DossierKey", "DossierScenario", "KIND", "MAX_SIGN_IN_FAILURES", "STEPS",
    "check_field", "check_form", "document_problems", "dossier_feedback", "dossier_from_task", "empty_answers",
    "fee_for",
    "load_dossier", "load_portals", "load_procedure", "load_procedures", "parse_answers", "problem_text",
    "score_dossier",
]
