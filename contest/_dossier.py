"""The no-code contest's dossier task: one template, one variant per student, the key elsewhere.

The judge-only file (``judge/ho-so-thi.json``) holds a dossier task written with placeholders for
people and numbers ({{ho_ten}}, {{so_dinh_danh}} …), pools to draw them from, the contest seed and,
under ``key``, the expected dossier (procedure, agencies, field values as placeholders, the template
file ids that belong in each slot). `scripts/build_contests.py` splits it:

* the public bank (``de-thi/ho-so.json`` in the release): the template and the pools, no key and no
  seed — only a one-way *salt* derived from the seed, so the contest seed (which may also drive other
  hidden data) never reaches a student;
* the key (with the seed) as a literal inside the judge's source notebook's hidden-test region.

A student's variant is decided by (salt, student id): who applies (mother or father), the names, the
dates, ID numbers that agree with the validators (province code, century/gender digit, birth year),
the mobile number, the place (always a province merged on 1/7/2025), the passcode — and the order of
the portals, procedures, agencies and files. Files get positional ids ("tep-1" …), so a classmate's
answers attach the wrong files. Every variant is the same procedure with the same fields, document
slots and traps (a fake portal and a "staff" chat asking for the OTP, a blurred copy, the elder
child's birth notice, a hospital bill, the old province name), so difficulty does not change.

The judge rebuilds the variant from the submission folder's name and checks it with the same
`dossier_from_task` and scores it with the same `score_dossier` as the lessons.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import random
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Mapping

from hocvuso.core import Learner, LocalText, normalize_text
from hocvuso.core import validators as v
from hocvuso.core.dossier import (
    AccountDef,
    DossierKey,
    DossierScenario,
    FileDef,
    TaskDef,
    dossier_from_task,
    load_portals,
    load_procedures,
)

from ._variants import contest_id, normalise_id, variant_digest

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_JUDGE_ONLY = ("key", "seed")


def bank_salt(seed: int) -> str:
    """The public, one-way stand-in for the contest seed written into the release's bank."""
    return hashlib.sha256(f"hocvuso-dossier-salt/{int(seed)}".encode()).hexdigest()[:16]


def is_dossier_bank(bank: Mapping[str, Any]) -> bool:
    return bank.get("kind") == "dossier"


def load_bank(path: str | Path) -> dict[str, Any]:
    """Read a public dossier bank; raise ValueError naming the file when it holds a key or the seed."""
    path = Path(path)
    bank = json.loads(path.read_text(encoding="utf-8"))
    if not is_dossier_bank(bank):
        raise ValueError(f"{path}: not a dossier bank (\"kind\": \"dossier\")")
    for name in _JUDGE_ONLY:
        if name in bank:
            raise ValueError(f"{path}: the public bank carries {name!r}; it is judge-only")
    if not isinstance(bank.get("salt"), str):
        raise ValueError(f"{path}: the bank has no \"salt\"; rebuild it with scripts/build_contests.py")
    return bank


def _salt(bank: Mapping[str, Any]) -> str:
    if "salt" in bank:
        return str(bank["salt"])
    return bank_salt(bank["seed"])  # the judge-only file


def _rng(bank: Mapping[str, Any], student: str, purpose: str) -> random.Random:
    text = f"hocvuso-dossier-variant/{_salt(bank)}/{normalise_id(student)}/{purpose}"
    return random.Random(int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big"))


def _personal_id(rng: random.Random, code: str, birth: date, female: bool) -> str:
    digit = (birth.year // 100 - 19) * 2 + (1 if female else 0)
    return f"{code}{digit}{birth.year % 100:02d}{rng.randrange(10**6):06d}"


def _adult_birth(rng: random.Random) -> date:
    return date(rng.randint(1986, 1998), rng.randint(1, 12), rng.randint(1, 28))


def variant_values(bank: Mapping[str, Any], student: str) -> dict[str, str]:
    """The people and numbers of this student's variant (placeholder name -> text). Deterministic."""
    rng = _rng(bank, student, "people")
    pools = bank["people"]
    today = date.fromisoformat(bank["today"])
    place = rng.choice(pools["noi"])
    code = place["ma_tinh_cu"]
    old, current = v.old_province(code), v.province_for_id_code(code)
    if old is None or current is None:
        raise ValueError(f"dossier bank: {code!r} is not a province code of the ID number")
    mother_applies = rng.random() < 0.5
    family_father, family_mother = rng.sample(pools["ho"], 2)
    father = f"{family_father} {rng.choice(pools['ten_cha'])}"
    mother = f"{family_mother} {rng.choice(pools['ten_me'])}"
    girl = rng.random() < 0.5
    child = f"{family_father} {rng.choice(pools['ten_con_nu' if girl else 'ten_con_nam'])}"
    elder = f"{family_father} {rng.choice([n for n in pools['ten_chi'] if not child.endswith(' ' + n)])}"
    elder_year = rng.randint(today.year - 7, today.year - 3)
    child_birth = today - timedelta(days=rng.randint(8, 45))
    father_birth, mother_birth = _adult_birth(rng), _adult_birth(rng)
    other_code = rng.choice(pools["ma_tinh_khac"])
    if mother_applies:
        mother_id = _personal_id(rng, code, mother_birth, True)
        father_id = _personal_id(rng, other_code, father_birth, False)
    else:
        father_id = _personal_id(rng, code, father_birth, False)
        mother_id = _personal_id(rng, other_code, mother_birth, True)
    for _ in range(100):
        phone = f"{rng.choice(pools['dau_so'])}{rng.randrange(10**7):07d}"
        if not v.check_mobile(phone)[0]:
            break
    else:  # pragma: no cover - the pools hold valid prefixes
        raise ValueError("dossier bank: no valid mobile number from dau_so")
    values = {
        "hom_nay": v.format_date(today), "vai": "me" if mother_applies else "cha",
        "ho_ten": mother if mother_applies else father,
        "so_dinh_danh": mother_id if mother_applies else father_id,
        "ngay_sinh": v.format_date(mother_birth if mother_applies else father_birth),
        "gioi_tinh": "nu" if mother_applies else "nam",
        "kia_ho_ten": father if mother_applies else mother,
        "kia_so_dinh_danh": father_id if mother_applies else mother_id,
        "cha_ho_ten": father, "me_ho_ten": mother,
        "con_ho_ten": child, "con_ngay_sinh": v.format_date(child_birth), "con_gioi_tinh": "nu" if girl else "nam",
        "chi_ho_ten": elder, "chi_nam_sinh": str(elder_year),
        "tinh": current.name, "tinh_day_du": current.full_name, "tinh_cu": old.name,
        "phuong": place["phuong"], "benh_vien": place["benh_vien"], "duong": place["duong"],
        "so_nha": str(rng.randint(3, 180)), "so_anh": str(rng.randint(1000, 9999)),
        "mat_ma": f"{rng.randrange(10**6):06d}", "sdt": phone, "sdt_hien_thi": f"{phone[:4]} {phone[4:7]} {phone[7:]}",
        # words that follow who applies and the baby's sex (vi, en)
        "danh_xung": "Chị" if mother_applies else "Anh", "danh_xung_en": "Ms" if mother_applies else "Mr",
        "dai_tu": "chị" if mother_applies else "anh", "dai_tu_en": "her" if mother_applies else "him",
        "so_huu_en": "Her" if mother_applies else "His",
        "kia_vai_vi": "Chồng chị" if mother_applies else "Vợ anh",
        "kia_vai_en": "Her husband" if mother_applies else "His wife",
        "con_gt_vi": "con gái" if girl else "con trai", "con_gt_en": "daughter" if girl else "son",
        "con_gt_vi_be": "bé gái" if girl else "bé trai", "con_gt_en_be": "girl" if girl else "boy",
        "con_gt_tep": "be-gai" if girl else "be-trai",
    }
    return values


def _fill(value: Any, values: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], value)
    if isinstance(value, list):
        return [_fill(x, values) for x in value]
    if isinstance(value, dict):
        return {k: _fill(x, values) for k, x in value.items()}
    return value


def _files(bank: Mapping[str, Any], student: str, values: Mapping[str, str]) -> tuple[list[dict], dict[str, str]]:
    """The picker's files for this student, shuffled, with positional ids; and template id -> positional id."""
    files = [_fill(f, values) for f in bank["files"]]
    _rng(bank, student, "files").shuffle(files)
    ids = {}
    for i, f in enumerate(files, 1):
        ids[f["id"]] = f["id"] = f"tep-{i}"
    return files, ids


def variant_scenario(bank: Mapping[str, Any], student: str) -> DossierScenario:
    """The public dossier scenario one student sees (no key anywhere in it)."""
    student = normalise_id(student)
    values = variant_values(bank, student)
    files, _ids = _files(bank, student, values)
    rng = _rng(bank, student, "order")
    portals = load_portals()
    choices = list(portals.choices)
    rng.shuffle(choices)
    procedures = list(load_procedures())
    rng.shuffle(procedures)
    shuffled = []
    for proc in procedures:
        agencies = list(proc.agencies)
        rng.shuffle(agencies)
        shuffled.append(proc.model_copy(update={"agencies": agencies}))
    account = _fill(bank["account"], values)
    return DossierScenario(
        id=bank["id"], title=LocalText.model_validate(bank["title"]),
        situation=LocalText.model_validate(_fill(bank["situation"], values)),
        today=date.fromisoformat(bank["today"]), account=AccountDef.model_validate(account),
        population={k: normalize_text(x) for k, x in _fill(bank["population"], values).items()},
        files=tuple(FileDef.model_validate(f) for f in files), procedures=tuple(shuffled),
        portals=dataclasses.replace(portals, choices=tuple(choices)), competences=tuple(bank["competences"]),
        level=int(bank.get("level", 1)))


def variant_exercise(bank: Mapping[str, Any], student: str,
                     key: Mapping[str, Any]) -> tuple[DossierScenario, DossierKey]:
    """Judge side: the student's scenario and its key, from the literal key of the source notebook.

    The variant's expected dossier goes through `dossier_from_task`, the same checks as every
    lesson task (each expected value passes its own field rule, each expected file fits its slot).
    """
    if "seed" in key and bank_salt(key["seed"]) != _salt(bank):
        raise ValueError("the dossier bank of the release was not built from this key's seed; rebuild the "
                         "contest with scripts/build_contests.py and regenerate the release")
    student = normalise_id(student)
    scenario = variant_scenario(bank, student)
    values = variant_values(bank, student)
    files, ids = _files(bank, student, values)
    task = TaskDef.model_validate({
        "id": bank["id"], "title": bank["title"], "situation": _fill(bank["situation"], values),
        "today": bank["today"], "account": _fill(bank["account"], values),
        "population": _fill(bank["population"], values), "files": files,
        "competences": bank["competences"], "level": int(bank.get("level", 1)),
        "key": {"procedure": key["procedure"], "agencies": list(key["agencies"]),
                "fields": _fill(dict(key["fields"]), values),
                "documents": {slot: [ids[i] for i in wanted] for slot, wanted in key["documents"].items()}}})
    _checked, dossier_key = dossier_from_task(task)
    return scenario, dossier_key


def contest_learner(student: str, bank: Mapping[str, Any]) -> Learner:
    """Who answers: the contest id goes into every saved Submission (the grader compares it)."""
    student = normalise_id(student)
    return Learner(class_code=f"{bank['id']}@{variant_digest([_salt(bank), student])}", name=student,
                   learner_id=student)


def ContestDossier(bank_path: str | Path, *, task_id: str, student: str | None = None, **kwargs: Any):
    """A contest-mode DossierPortal showing this student's variant of the dossier bank at `bank_path`.

    `student`: the contest id; default JUPYTERHUB_USER or HOCVUSO_CONTEST_ID (see `contest_id`).
    """
    from hocvuso.widgets import DossierPortal  # noqa: PLC0415  (the judge reads banks without the widgets' weight)

    bank = load_bank(bank_path)
    who = contest_id(student)
    scenario = variant_scenario(bank, who)
    return DossierPortal(scenario.id, task_id=task_id, mode="contest", scenario=scenario,
                         learner=contest_learner(who, bank), **kwargs)
