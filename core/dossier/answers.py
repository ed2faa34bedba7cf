"""The learner's dossier attempt, as saved in a Submission (kind "dossier"), and the check every road applies.

No passcode and no OTP value is ever kept here: only what the learner did with them.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .._common import checked_answers
from .._errors import AnswersInvalid
from .model import STEPS, DossierScenario


class SignInAnswer(BaseModel):
    """What happened at the sign-in step."""

    model_config = ConfigDict(extra="forbid", strict=True)
    id_number: str = Field(default="", description="The ID number signed in with (never the passcode).")
    signed_in: bool = Field(default=False, description="Whether the sign-in succeeded.")
    failures: int = Field(default=0, ge=0, description="Wrong passcodes so far.")
    locked: bool = Field(default=False, description="Whether too many failures locked the account.")


class OtpAnswer(BaseModel):
    """What happened at the OTP step (never the code itself)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    sent: int = Field(default=0, ge=0, description="OTPs sent to the simulated phone.")
    confirmed: bool = Field(default=False, description="Whether the dossier was confirmed with a valid OTP.")
    wrong: int = Field(default=0, ge=0, description="Wrong codes typed.")
    expired: int = Field(default=0, ge=0, description="Codes typed after they had expired.")
    shared: bool = Field(default=False, description="Whether the learner sent an OTP to the fake staff chat.")
    reported: bool = Field(default=False, description="Whether the learner blocked and reported the fake staff.")


class FeeAnswer(BaseModel):
    """What happened at the fee step."""

    model_config = ConfigDict(extra="forbid", strict=True)
    status: Literal["", "paid", "waived"] = Field(default="", description="'' (not done), 'paid' or 'waived'.")
    amount: int = Field(default=0, ge=0, description="The amount paid, in đồng.")


class DossierAnswers(BaseModel):
    """The canonical answers of a dossier attempt (what a Submission of kind "dossier" holds)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    portal: str = Field(default="", description="The portal chosen ('' = none yet).")
    wrong_portals: list[str] = Field(default=[], description="Look-alike portals the learner entered and came back "
                                     "from (lesson mode), in the order tried; each costs the portal's points.")
    sign_in: SignInAnswer = Field(default=SignInAnswer(), description="The sign-in step.")
    procedure: str = Field(default="", description="The procedure chosen.")
    agency: str = Field(default="", description="The agency chosen.")
    fields: dict[str, str] = Field(default={}, description="What the learner typed, by field id (pre-filled "
                                   "fields are not here).")
    documents: dict[str, str] = Field(default={}, description="The file attached to each slot, by slot id.")
    commitment: bool = Field(default=False, description="Whether the commitment is ticked.")
    otp: OtpAnswer = Field(default=OtpAnswer(), description="The OTP step.")
    fee: FeeAnswer = Field(default=FeeAnswer(), description="The fee step.")
    code: str = Field(default="", description="The dossier code received on filing ('' = not filed).")
    tracked: int = Field(default=0, ge=0, description="Index of the last status seen while tracking.")
    ended: Literal["", "fake_portal", "locked"] = Field(default="", description="Why the attempt ended early, if "
                                                        "it did: a fake portal or a locked account.")
    attempts: int = Field(default=1, ge=1, description="Which attempt this is (lesson mode may restart).")
    step: int = Field(default=1, ge=1, le=len(STEPS), description="The step on screen, 1-9.")


def empty_answers() -> dict[str, Any]:
    """A fresh attempt, as JSON."""
    return DossierAnswers().model_dump()


def parse_answers(scenario: DossierScenario, answers: Mapping[str, Any]) -> DossierAnswers:
    """Check answers against the scenario; raise AnswersInvalid saying what does not fit."""
    parsed = checked_answers(DossierAnswers, answers, kind="dossier")
    if parsed.portal and parsed.portal not in {p.id for p in scenario.portals.choices}:
        raise AnswersInvalid(f"dossier answers name portal {parsed.portal!r}, which task {scenario.id!r} does not "
                             "offer")
    unknown_fakes = [p for p in parsed.wrong_portals if p not in {c.id for c in scenario.portals.choices}
                     or p in scenario.portals.official]
    if unknown_fakes:
        raise AnswersInvalid(f"dossier answers list {unknown_fakes[0]!r} as a look-alike portal of task "
                             f"{scenario.id!r}, which offers no such look-alike")
    if not parsed.procedure:
        if parsed.fields or parsed.documents or parsed.agency:
            raise AnswersInvalid("dossier answers fill a form before choosing a procedure")
        return parsed
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
    return parsed
