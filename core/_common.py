"""Content types every exercise kind shares: bilingual text, ids, and the two catalogues all kinds cite.

Each kind (`core/inbox`, `core/phone`, `core/feed`, `core/dossier`) writes its own schema, but the
learner-visible text of all of them is a `LocalText` (every locale hocvuso speaks, none empty), ids
follow one `SLUG` pattern, and every scenario names Circular 02/2025 competence codes and, for scams,
forms of fraud from the same two catalogues. They live here once so that no kind imports another.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ._content import content_root, load_file, read_yaml, validate
from ._errors import AnswersInvalid, ContentError

M = TypeVar("M", bound=BaseModel)
Item = TypeVar("Item")

SLUG = r"^[a-z0-9][a-z0-9-]{0,62}$"
"""The id pattern of every scenario, item and choice: lower-case letters, digits and dashes, 1-63 long."""


class LocalText(BaseModel):
    """A text in every locale hocvuso speaks; none may be missing or empty."""

    model_config = ConfigDict(extra="forbid")
    vi: str = Field(min_length=1, description="The Vietnamese text (what learners read first).")
    en: str = Field(min_length=1, description="The English text.")

    def get(self, locale: str) -> str:
        """The text in `locale` ('vi' or 'en')."""
        return getattr(self, locale)


class Text(LocalText):
    """A LocalText that may also be written as one plain string (names, numbers: same in every locale)."""

    @model_validator(mode="before")
    @classmethod
    def _plain(cls, value: Any) -> Any:
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return {"vi": str(value), "en": str(value)}
        return value


class CompetenceDef(BaseModel):
    """One competence of Circular 02/2025 (content/competences.yaml)."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[1-6]\.[1-6]$", description="Its code, e.g. '4.2' (area.competence).")
    vi: str = Field(description="Its name in Vietnamese, as the Circular words it.")
    en: str = Field(description="Its name in English.")


class FraudFormDef(BaseModel):
    """One form of fraud (content/fraud_forms.yaml) that a scam message or step illustrates."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG, description="The id messages and steps name under `form`.")
    ais: int | None = Field(ge=1, le=24, description="Its number among the Authority of Information Security's "
                            "24 forms (handbook 2023); null for newer variants.")
    vi: str = Field(description="Its name in Vietnamese.")
    en: str = Field(description="Its name in English.")


def by_id(items: Iterable[Item], item_id: str) -> Item:
    """The item of `items` whose `id` is `item_id`; KeyError if there is none."""
    for item in items:
        if getattr(item, "id", None) == item_id:
            return item
    raise KeyError(item_id)


def no_duplicates(ids: Iterable[str], path: Path) -> None:
    """Raise ContentError naming the first id that `ids` lists twice."""
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ContentError(f"{i!r} is defined twice", path=path)
        seen.add(i)


def _catalogue(model: type[M], file: str, key: str, root: Path | None) -> dict[str, M]:
    """The entries of a catalogue file (a YAML list), checked and by `key`; no key twice."""
    path = (root or content_root()) / file
    items = [validate(model, item, path=f"{path} [{i}]") for i, item in enumerate(read_yaml(path) or [])]
    no_duplicates([getattr(item, key) for item in items], path)
    return {getattr(item, key): item for item in items}


@lru_cache(maxsize=None)
def load_fraud_forms(root: Path | None = None) -> dict[str, FraudFormDef]:
    """The forms of fraud (content/fraud_forms.yaml), by id."""
    return _catalogue(FraudFormDef, "fraud_forms.yaml", "id", root)


@lru_cache(maxsize=None)
def load_competences(root: Path | None = None) -> dict[str, CompetenceDef]:
    """The 24 competences of Circular 02/2025 (content/competences.yaml), by code."""
    return _catalogue(CompetenceDef, "competences.yaml", "code", root)


def check_competences(codes: Iterable[str], *, root: Path, path: Path | str, field: str) -> None:
    """Raise ContentError at `field`.N for the first code that is not a Circular 02/2025 competence."""
    known = load_competences(root)
    for i, code in enumerate(codes):
        if code not in known:
            raise ContentError(f"{code!r} is not a Circular 02/2025 competence code (e.g. '4.2')", path=path,
                               field=f"{field}.{i}")


def check_form_of_fraud(form: str | None, *, root: Path, path: Path | str, field: str) -> None:
    """Raise ContentError at `field` when `form` is not a form of fraud of the catalogue."""
    if form is not None and form not in load_fraud_forms(root):
        raise ContentError(f"unknown form of fraud {form!r}; see fraud_forms.yaml", path=path, field=field)


def checked_answers(model: type[M], answers: Mapping[str, Any], *, kind: str) -> M:
    """`answers` checked against a kind's answers model; AnswersInvalid names the first bad place."""
    try:
        return model.model_validate(dict(answers))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise AnswersInvalid(f"{kind} answers, {where}: {err['msg']}") from exc


def load_scenario_file(model: type[M], scenario_id: str, *, root: Path, folder: str, what: str,
                       known: str) -> tuple[M, Path]:
    """Read and check the file of scenario `scenario_id` in content folder `folder`; its id must be its name.

    ContentError for an unknown id lists the ids there are: "no `what` 'x'; known `known`: a, b".
    """
    path = root / folder / f"{scenario_id}.yaml"
    if not re.match(SLUG, scenario_id) or not path.is_file():
        there = ", ".join(p.stem for p in sorted((root / folder).glob("*.yaml"))) or "none"
        raise ContentError(f"no {what} {scenario_id!r}; known {known}: {there}", path=path)
    definition = load_file(model, path)
    if getattr(definition, "id", None) != scenario_id:
        raise ContentError(f"id {getattr(definition, 'id', None)!r} must equal the file name {scenario_id!r}",
                           path=path, field="id")
    return definition, path
