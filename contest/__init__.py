"""Contest data and per-student variants (import name `hocvuso.contest`).

* `make_dataset` / `generate_sms` — a deterministic generator of synthetic Vietnamese SMS, scam and
  legitimate, with the noise real messages carry (unaccented text, digit-for-letter swaps, junk
  characters, look-alike links on invented domains). Everything is written by this project.
  The *train* and *validation* phrasings ship in this package; the *hidden* phrasings of the AI
  contest are judge-only data (``judge/`` beside this file in a source checkout, never in the
  wheel, or the folder named by ``HOCVUSO_JUDGE_DATA``).
* `variant_order` / `pick_variant` / `student_rng` — how a contest seed and a student's id decide
  which items, people, numbers and order a student gets (the grader rebuilds the same).
* `load_bank` / `variant_exercise` — read a public item bank of either kind, and (judge side) rebuild one
  student's variant with its key.
* `ContestInbox` — the no-code contest's scam inbox for one student's variant (contest mode:
  public texts only, no key).
* `ContestDossier` — the no-code contest's dossier task for one student's variant (contest mode:
  people, numbers and order from the student's id; no key, no seed).

What this package must never hold: a contest answer key or hidden test data. A test builds the
wheel and checks.
"""
from ._banks import load_bank, variant_exercise
from ._dossier import ContestDossier
from ._inbox import ContestInbox
from ._sms import (
                   LABELS,
                   TRAIN_SEED,
                   VALIDATION_SEED,
                   Sample,
                   generate_sms,
                   judge_data_dir,
                   make_dataset,
                   read_csv,
                   write_csv,
)
from ._variants import contest_id, pick_variant, student_rng, variant_digest

__all__ = ["LABELS", "TRAIN_SEED", "VALIDATION_SEED", "ContestDossier", "ContestInbox", "Sample", "contest_id",
           "generate_sms", "judge_data_dir", "load_bank", "make_dataset", "pick_variant", "read_csv", "student_rng",
           "variant_digest", "variant_exercise", "write_csv"]
