"""Which kind of per-student bank a contest task uses: the scam inbox or the dossier.

The grader and `grade_variant` read a bank file and rebuild the student's variant without knowing
its kind: a dossier bank says ``"kind": "dossier"``; anything else is an inbox bank.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

from ._dossier import is_dossier_bank
from ._dossier import load_bank as load_dossier_bank
from ._dossier import variant_exercise as dossier_variant
from ._inbox import load_bank as load_inbox_bank
from ._inbox import variant_exercise as inbox_variant


def load_bank(path: str | Path) -> dict[str, Any]:
    """Read a public bank of either kind (each refuses a bank that carries answers)."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    return load_dossier_bank(path) if is_dossier_bank(raw) else load_inbox_bank(path)


def variant_exercise(bank: Mapping[str, Any], student: str, key: Mapping[str, Any]) -> tuple[Any, Any]:
    """Judge side: (scenario, key) of this student's variant, whichever kind the bank is."""
    if is_dossier_bank(bank):
        return dossier_variant(bank, student, key)
    return inbox_variant(bank, student, key)
