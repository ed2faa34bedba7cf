"""The loaded dossier task: a public `DossierScenario` and a private `DossierKey` (the expected dossier).

The scenario holds everything the portal shows everybody (situation card, portal look-alikes, every
procedure, the file picker); the key is never synced to a browser and is dropped in contest mode.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from .._common import LocalText, by_id
from .schema import AccountDef, FileDef, ProcedureDef, ScoringRules, StaffChatDef

KIND = "dossier"
"""The kind id a dossier task, its submissions and scores carry."""
STEPS = ("portal", "sign_in", "procedure", "form", "documents", "review", "otp", "fee", "result")
"""The nine steps of the flow, in order (step n is STEPS[n-1])."""


@dataclass(frozen=True)
class Portal:
    """A portal choice as the learner sees it (no verdict)."""

    id: str
    """Portal id."""
    address: str
    """The bare address, as a browser bar shows it."""
    label: LocalText
    """The title the page claims."""


@dataclass(frozen=True)
class Portals:
    """The portal catalogue with the rules (which are official): Python side only."""

    choices: tuple[Portal, ...]
    """Every portal offered, in catalogue order."""
    official: frozenset[str]
    """Ids of the real portal(s)."""
    explain: Mapping[str, LocalText]
    """Why each portal is (or is not) the real one, by id."""
    staff_chat: StaffChatDef
    """The fake staff chat of the OTP step."""
    otp_sms: LocalText
    """The OTP text message ({code}, {minutes})."""
    bank: LocalText
    """The bank's payment confirmation ({amount}, {ref})."""


@dataclass(frozen=True)
class DossierScenario:
    """What the learner sees: the situation card, the portal look-alikes, every procedure, the picker."""

    id: str
    """Task id (its file name, or a contest variant's id)."""
    title: LocalText
    """The task's title."""
    situation: LocalText
    """The situation card."""
    today: date
    """The filing day of the story (scoring never reads a clock)."""
    account: AccountDef
    """The simulated account to sign in with."""
    population: Mapping[str, str]
    """The population-database record: values of every procedure's pre-filled fields (normalised)."""
    files: tuple[FileDef, ...]
    """The files in the simulated picker."""
    procedures: tuple[ProcedureDef, ...]
    """Every procedure of the catalogue (the learner picks one)."""
    portals: Portals
    """The portal catalogue."""
    competences: tuple[str, ...]
    """Circular 02/2025 codes the task trains."""
    level: int
    """Difficulty 1-3."""
    kind: str = KIND
    """Always "dossier"."""

    def procedure(self, procedure_id: str) -> ProcedureDef:
        """The procedure `procedure_id`; KeyError if the catalogue has none."""
        return by_id(self.procedures, procedure_id)

    def file(self, file_id: str) -> FileDef:
        """The picker's file `file_id`; KeyError if there is none."""
        return by_id(self.files, file_id)

    @property
    def procedure_ids(self) -> tuple[str, ...]:
        """The ids of every procedure, in catalogue order."""
        return tuple(p.id for p in self.procedures)

    def prefill(self, procedure_id: str) -> dict[str, str]:
        """Values of the pre-filled (read-only) fields of a procedure, from the population record."""
        proc = self.procedure(procedure_id)
        return {f.id: self.population.get(f.id, "") for f in proc.fields if f.prefilled}


@dataclass(frozen=True)
class DossierKey:
    """The expected dossier of one task, with the scoring rules. Never sent to a browser."""

    scenario_id: str
    """The task this key belongs to."""
    procedure: str
    """The procedure the situation needs."""
    agencies: tuple[str, ...]
    """The competent agencies (any one is right)."""
    fields: Mapping[str, str]
    """Expected value per typed field, in canonical form ("" = leave empty)."""
    documents: Mapping[str, tuple[str, ...]]
    """File ids that belong in each slot (() = attach nothing)."""
    rules: ScoringRules
    """Points per item."""
    fee: int
    """The fee the expected dossier costs (0 = waived or free)."""
