"""The public-service dossier exercise: a whole online procedure, done in a simulated national portal.

A learner picks the official portal among look-alikes, signs in with a (simulated) VNeID level-2
account, chooses the procedure and the competent agency, fills the e-form, attaches documents, ticks
the commitment, confirms with an OTP (without reading it out to a fake "staff member"), pays or sees
the fee waived, and gets a dossier code.

One module per job: `schema` (procedures, tasks and portals as a teacher writes them), `model` (the
loaded public scenario and private key), `load` (checks a task against the procedures), `rules` (the
portal's field, document and fee rules), `flow` (the steps: how far the learner may go, the OTP and
sign-in rules), `answers`, `score` (pure), `feedback`.
"""
from .answers import DossierAnswers, FeeAnswer, OtpAnswer, SignInAnswer, empty_answers, parse_answers
from .feedback import dossier_feedback, dossier_item_label, dossier_summary
from .flow import (
                   MAX_SIGN_IN_FAILURES,
                   OTP_SECONDS,
                   Blocker,
                   FormState,
                   blocker,
                   enter_portal,
                   form_state,
                   form_values,
                   furthest,
                   gives_away_otp,
                   otp_expired,
                   portal_domain,
                   record_sign_in_failure,
                   reset_confirmation,
                   resumed,
)
from .load import (
                   dossier_from_task,
                   load_dossier,
                   load_portals,
                   load_procedure,
                   load_procedures,
                   procedure_paths,
                   task_paths,
)
from .model import KIND, STEPS, DossierKey, DossierScenario, Portal, Portals
from .rules import (
                   check_field,
                   check_form,
                   doc_problem,
                   document_problems,
                   fee_for,
                   money,
                   problem_text,
                   same_value,
                   wrong_person,
)
from .schema import (
                   FIELD_TYPES,
                   AccountDef,
                   FieldDef,
                   FileDef,
                   PortalsFile,
                   ProcedureDef,
                   ScoringRules,
                   SlotDef,
                   TaskDef,
                   TaskKeyDef,
)
from .score import score_dossier

__all__ = [
    "FIELD_TYPES", "KIND", "MAX_SIGN_IN_FAILURES", "OTP_SECONDS", "STEPS", "AccountDef", "Blocker", "DossierAnswers",
    "DossierKey", "DossierScenario", "FeeAnswer", "FieldDef", "FileDef", "FormState", "OtpAnswer", "Portal",
    "Portals", "PortalsFile", "ProcedureDef", "ScoringRules", "SignInAnswer", "SlotDef", "TaskDef", "TaskKeyDef",
    "blocker", "check_field", "check_form", "doc_problem", "document_problems", "dossier_feedback",
    "dossier_from_task", "dossier_item_label", "dossier_summary", "empty_answers", "enter_portal", "fee_for",
    "form_state", "form_values", "furthest", "gives_away_otp", "load_dossier", "load_portals", "load_procedure",
    "load_procedures", "money", "otp_expired", "parse_answers", "portal_domain", "problem_text", "procedure_paths",
    "record_sign_in_failure", "reset_confirmation", "resumed", "same_value", "score_dossier", "task_paths",
    "wrong_person",
]
