"""What a teacher writes for the public-service dossier: procedures, tasks and the portal catalogue.

* ``content/procedures/ID.yaml`` — one procedure: agencies, form fields (with the validation rule of
  each), document slots, fee rule, statuses. Public: the portal shows all of it to everybody.
* ``content/dossier_tasks/ID.yaml`` — one task: the situation card (invented people), the simulated
  account, the population-database record (pre-filled, read-only fields), the files in the simulated
  picker and, under ``key``, the expected dossier.
* ``content/portals.yaml`` — the official portal(s) and clearly fake look-alikes (never clickable),
  and the fake "staff" chat that asks for the OTP.
"""
from __future__ import annotations

from datetime import date
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .._common import SLUG, LocalText, by_id

FIELD_ID = r"^[a-z][a-z0-9_]{0,40}$"
"""The id pattern of a form field (it names a value in the population record and in the key)."""
FieldType = Literal["name", "personal_id", "date", "mobile", "bhxh", "province", "commune", "choice", "text",
                    "number"]
"""How a field's value is checked (see `rules.check_field`)."""
FIELD_TYPES: tuple[str, ...] = get_args(FieldType)


class ChoiceDef(BaseModel):
    """One option of a choice field."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG, description="The value saved and compared (e.g. 'nam').")
    label: LocalText = Field(description="What the drop-down shows.")


class FieldDef(BaseModel):
    """One field of the e-form and the rule that checks it."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=FIELD_ID, description="The field id (lower case, digits, underscores).")
    label: LocalText = Field(description="The field's label on the form.")
    type: FieldType = Field(description="How the value is checked: name, personal_id, date, mobile, bhxh (social "
                            "insurance number), province, commune, choice, text or number.")
    required: bool = Field(default=True, description="Marked * and must be filled.")
    prefilled: bool = Field(default=False, description="Held by the population database: shown filled in and "
                            "read-only (value from the task's `population`).")
    hint: LocalText | None = Field(default=None, description="Help shown under the field.")
    historical: bool = Field(default=False, description="province/commune: a place before the 2025 "
                             "reorganisation is accepted (e.g. place of birth registration).")
    choices: list[ChoiceDef] = Field(default=[], description="choice: the options (at least two).")
    minimum: int | None = Field(default=None, description="number: the smallest value accepted (default 0).")
    maximum: int | None = Field(default=None, description="number: the largest value accepted.")
    max_length: int = Field(default=200, ge=1, le=1000, description="text: the longest value accepted.")
    not_future: bool = Field(default=True, description="date: a date after the filing day is refused.")
    within_days: int | None = Field(default=None, ge=1, description="date: the filing day (the task's `today`) "
                                    "must be at most this many days after the date.")
    min_age: int | None = Field(default=None, ge=0, description="date of birth: the youngest age accepted, in years.")
    max_age: int | None = Field(default=None, ge=0, description="date of birth: the oldest age accepted, in years.")
    birth_date_field: str | None = Field(default=None, description="personal_id: the date field the number's "
                                         "century and year digits must agree with.")
    gender_field: str | None = Field(default=None, description="personal_id: the choice field (nam/nu) the "
                                     "number's gender digit must agree with.")

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
    id: str = Field(pattern=SLUG, description="The slot id the task's key names.")
    label: LocalText = Field(description="The document asked for.")
    hint: LocalText | None = Field(default=None, description="Help shown under the slot.")
    accepts: list[str] = Field(min_length=1, description="Document types (file `type` ids in the tasks) that "
                               "belong in this slot.")
    required: bool = Field(default=True, description="A dossier cannot be committed without it.")


class FeeByChoice(BaseModel):
    """A fee that depends on one choice field (e.g. how the result is delivered)."""

    model_config = ConfigDict(extra="forbid")
    field: str = Field(description="The choice field the fee depends on.")
    amounts: dict[str, int] = Field(description="Fee in đồng per choice id; a choice not listed costs `amount`.")


class FeePerCopy(BaseModel):
    """A fee for extra copies beyond those included."""

    model_config = ConfigDict(extra="forbid")
    field: str = Field(description="The number field that holds the copies asked for.")
    after: int = Field(ge=0, description="Copies included in the base fee.")
    amount: int = Field(ge=0, description="Fee in đồng for each copy beyond those.")


class FeeDef(BaseModel):
    """The fee rule. Amounts in đồng; illustrative, as the `note` says."""

    model_config = ConfigDict(extra="forbid")
    amount: int = Field(ge=0, description="The base fee in đồng (0: free or waived).")
    by_choice: FeeByChoice | None = Field(default=None, description="A fee set by a choice instead of `amount`.")
    per_extra_copy: FeePerCopy | None = Field(default=None, description="Extra copies, when the fee is not 0.")
    note: LocalText = Field(description="What the fee is and where the figure comes from, shown at the fee step.")


class AgencyDef(BaseModel):
    """An agency the learner may choose for the procedure."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG, description="The agency id the task's key names.")
    name: LocalText = Field(description="The agency's name.")


class SourceDef(BaseModel):
    """Where one procedure fact comes from; `source` says so plainly when the facts file is silent."""

    model_config = ConfigDict(extra="forbid")
    fact: str = Field(min_length=3, description="The fact the procedure teaches.")
    source: str = Field(min_length=3, description="Its source (law, decree, content-facts section), or that we "
                        "chose it.")


class ProcedureDef(BaseModel):
    """One procedure file (content/procedures/ID.yaml)."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG, description="The procedure id; must equal the file name.")
    code_prefix: str = Field(pattern=r"^[A-Z]{2,4}$", description="Letters in front of its dossier codes, e.g. 'KS'.")
    title: LocalText = Field(description="The procedure's name in the catalogue.")
    summary: LocalText = Field(description="Who it is for and when, in a sentence or two.")
    channel: LocalText = Field(description="Where it is done online for real.")
    competences: list[str] = Field(min_length=1, description="Circular 02/2025 competence codes it trains.")
    agencies: list[AgencyDef] = Field(min_length=2, description="The agencies offered (the right one among others).")
    fields: list[FieldDef] = Field(min_length=1, description="The e-form, in order.")
    documents: list[SlotDef] = Field(min_length=1, description="The document slots, in order.")
    fee: FeeDef = Field(description="The fee rule.")
    commitment: LocalText = Field(description="The commitment the learner ticks before the OTP.")
    processing: LocalText = Field(description="How long it takes, shown with the dossier code.")
    statuses: list[LocalText] = Field(min_length=2, description="Status labels shown while tracking; the last one "
                                      "is the result.")
    sources: list[SourceDef] = Field(min_length=1, description="The source of every fact the procedure teaches "
                                     "(agency, documents, deadline, fee, channel).")

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
        """The field `field_id`; KeyError if the form has none."""
        return by_id(self.fields, field_id)

    def slot(self, slot_id: str) -> SlotDef:
        """The document slot `slot_id`; KeyError if the procedure has none."""
        return by_id(self.documents, slot_id)

    @property
    def agency_ids(self) -> tuple[str, ...]:
        """The ids of the agencies offered, in order."""
        return tuple(a.id for a in self.agencies)


class PortalDef(BaseModel):
    """One portal address the learner may pick: the official one or a look-alike."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG, description="The portal id.")
    address: str = Field(min_length=3, max_length=80, description="The bare address as a browser bar shows it "
                         "(text only: never a link).")
    label: LocalText = Field(description="The title the page claims.")
    official: bool = Field(description="Whether it is the real portal.")
    explain: LocalText = Field(description="Why it is (or is not) the real one: shown after the learner has chosen it.")

    @field_validator("address")
    @classmethod
    def _no_scheme(cls, value: str) -> str:
        if "://" in value:
            raise ValueError("write the bare address as shown in a browser bar, without http://")
        return value


class StaffChatDef(BaseModel):
    """The fake "staff member" who writes in a chat during the OTP step and asks for the code."""

    model_config = ConfigDict(extra="forbid")
    sender: LocalText = Field(description="The name the chat shows.")
    messages: list[LocalText] = Field(min_length=1, description="What the fake staff member writes.")
    warning: LocalText = Field(description="Shown when the learner sends the OTP into the chat.")


class PortalsFile(BaseModel):
    """The portal catalogue (content/portals.yaml), shared by every task."""

    model_config = ConfigDict(extra="forbid")
    portals: list[PortalDef] = Field(min_length=3, description="The official portal(s) and the look-alikes.")
    staff_chat: StaffChatDef = Field(description="The fake staff chat of the OTP step.")
    otp_sms: LocalText = Field(description="The SMS with the OTP; {code} is replaced by the code, {minutes} by its "
                               "lifetime.")
    bank: LocalText = Field(description="The simulated bank's confirmation SMS; {amount} and {ref} are replaced.")

    @model_validator(mode="after")
    def _one_official(self) -> PortalsFile:
        if not any(p.official for p in self.portals):
            raise ValueError("at least one portal must be official: true")
        if all(p.official for p in self.portals):
            raise ValueError("list at least one fake look-alike (official: false)")
        return self


class AccountDef(BaseModel):
    """The simulated VNeID level-2 account the learner signs in with (invented)."""

    model_config = ConfigDict(extra="forbid")
    id_number: str = Field(pattern=r"^\d{12}$", description="The 12-digit personal identification number.")
    passcode: str = Field(pattern=r"^\d{6}$", description="The 6-digit passcode (on the situation card).")
    phone: str = Field(description="The mobile number the OTP is sent to.")


class FileDef(BaseModel):
    """A file in the simulated picker (never a real file: a description of one)."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG, description="The file id the task's key names.")
    name: str = Field(min_length=1, max_length=80, description="The file name the picker shows.")
    type: str = Field(pattern=SLUG, description="The document type; a slot `accepts` it or not.")
    type_label: LocalText = Field(description="The document type in words.")
    about: str = Field(min_length=1, description="The person the document is about (as written on it).")
    description: LocalText = Field(description="What the file shows (and, if unreadable, why).")
    readable: bool = Field(default=True, description="False for a blurred or cut-off photo.")
    valid_until: date | None = Field(default=None, description="The expiry date, if the document has one.")


class ScoringRules(BaseModel):
    """Points per item of a dossier (a task's `scoring`; the defaults suit most tasks)."""

    model_config = ConfigDict(extra="forbid")
    portal: float = Field(default=1, ge=0, description="Choosing the official portal.")
    sign_in: float = Field(default=1, ge=0, description="Signing in with the task's account.")
    procedure: float = Field(default=1, ge=0, description="Choosing the right procedure.")
    agency: float = Field(default=1, ge=0, description="Choosing a competent agency.")
    per_field: float = Field(default=1, ge=0, description="Each typed field with the expected value.")
    per_document: float = Field(default=1, ge=0, description="Each expected document in its slot.")
    commitment: float = Field(default=1, ge=0, description="Ticking the commitment.")
    otp: float = Field(default=1, ge=0, description="Confirming with the OTP.")
    otp_safety: float = Field(default=2, ge=0, description="Not giving the OTP to the fake staff chat.")
    fee: float = Field(default=1, ge=0, description="Paying the right fee, or seeing it waived.")
    submitted: float = Field(default=1, ge=0, description="Filing the dossier (getting a dossier code).")
    tracked: float = Field(default=1, ge=0, description="Following the status to the result.")


class TaskKeyDef(BaseModel):
    """The expected dossier of a task (private: never sent to a browser)."""

    model_config = ConfigDict(extra="forbid")
    procedure: str = Field(pattern=SLUG, description="The procedure the situation needs.")
    agencies: list[str] = Field(min_length=1, description="The competent agencies (any one is right).")
    fields: dict[str, str] = Field(description='Every field the learner types, with the expected value ("" = leave '
                                   "empty).")
    documents: dict[str, list[str]] = Field(description="Every slot, with the file ids that belong there ([] = "
                                            "attach nothing).")


class TaskDef(BaseModel):
    """One task file (content/dossier_tasks/ID.yaml)."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG, description="The task id; must equal the file name.")
    title: LocalText = Field(description="The task's title.")
    situation: LocalText = Field(description="The situation card: who needs what, with the facts to type.")
    today: date = Field(description="The day the story happens (the filing day): scoring never reads a clock.")
    account: AccountDef = Field(description="The simulated account to sign in with.")
    population: dict[str, str] = Field(description="The account holder's record in the population database: "
                                       "values of pre-filled fields.")
    files: list[FileDef] = Field(min_length=2, description="The files in the simulated picker (right ones and "
                                 "tempting wrong ones).")
    competences: list[str] = Field(min_length=1, description="Circular 02/2025 competence codes it trains.")
    level: int = Field(default=1, ge=1, le=3, description="Difficulty, 1 to 3.")
    scoring: ScoringRules = Field(default=ScoringRules(), description="Points per item.")
    key: TaskKeyDef = Field(description="The expected dossier.")
