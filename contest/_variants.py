"""Per-student variants: a contest seed and a student's id decide items, people, numbers and order.

The same function runs in the student's kernel (to show the variant) and on the judge's side (to
rebuild it from the submission folder's name, never from anything the student wrote), so both
always agree. The seed is not a secret: knowing another student's variant gives no answer, and a
student who answers a classmate's variant is graded against their own and loses the points.

Difficulty stays equal because a contest is a list of *slots*: each slot fixes the form of fraud
(or the kind of genuine message) and the number of red flags, and offers interchangeable items; a
variant takes one item per slot, then shuffles the order.
"""
from __future__ import annotations

import hashlib
import os
import random
import unicodedata
from typing import Sequence, TypeVar

from hocvuso.core.config import Settings

T = TypeVar("T")


def contest_id(explicit: str | None = None) -> str:
    """The student's contest id: `explicit` if given, else JUPYTERHUB_USER, else HOCVUSO_CONTEST_ID.

    Raises LookupError when none is known (the notebook then asks the student to type it once).
    The grader never uses this: it takes the id from the submission folder's name.
    """
    for value in (explicit, os.environ.get("JUPYTERHUB_USER"), Settings.from_env().contest_id):
        if value and value.strip():
            return normalise_id(value)
    raise LookupError("no contest id: type the id the organisers gave you, e.g. MA_THI = \"hs-0421\"")


def normalise_id(value: str) -> str:
    """NFC, trimmed: the grader applies the same to folder names."""
    return unicodedata.normalize("NFC", value).strip()


def student_rng(seed: int, student: str, purpose: str) -> random.Random:
    """A random generator that depends only on (contest seed, student id, purpose)."""
    text = f"hocvuso-variant/{int(seed)}/{normalise_id(student)}/{purpose}"
    return random.Random(int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big"))


def pick_variant(seed: int, student: str, slots: Sequence[Sequence[T]], *, purpose: str = "items") -> list[T]:
    """One item from every slot, in an order shuffled for this student."""
    rng = student_rng(seed, student, purpose)
    chosen = [slot[rng.randrange(len(slot))] for slot in slots]
    rng.shuffle(chosen)
    return chosen


def variant_digest(items: Sequence[str]) -> str:
    """A short name of a variant (which items, in which order): saved with the answers for the record."""
    return hashlib.sha256("\n".join(items).encode("utf-8")).hexdigest()[:10]
