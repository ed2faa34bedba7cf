"""Reading a scenario file into its public scenario and its private key."""
from __future__ import annotations

from pathlib import Path

from .._common import check_competences, check_form_of_fraud, load_scenario_file
from .._content import content_root
from .model import PhoneKey, PhoneScenario, PhoneStep, StepKey
from .schema import ScenarioDef


def scenario_paths(root: Path | None = None) -> list[Path]:
    """Every scenario file, sorted by name."""
    return sorted(((root or content_root()) / "scenarios").glob("*.yaml"))


def load_phone(scenario_id: str, *, root: Path | None = None) -> tuple[PhoneScenario, PhoneKey]:
    """Load phone scenario `scenario_id`: its public scenario and its private key."""
    root = root or content_root()
    definition, path = load_scenario_file(ScenarioDef, scenario_id, root=root, folder="scenarios",
                                          what="phone scenario", known="scenarios")
    steps, keys = [], {}
    for i, s in enumerate(definition.steps):
        check_competences(s.competences, root=root, path=path, field=f"steps.{i}.competences")
        check_form_of_fraud(s.form, root=root, path=path, field=f"steps.{i}.form")
        steps.append(PhoneStep(id=s.id, competences=tuple(s.competences), form=s.form, points=s.points,
                               screen=s.screen, action=s.action))
        keys[s.id] = StepKey(kind=s.action.kind, correct=tuple(s.key.correct), options=dict(s.key.options),
                             explain=s.key.explain, secrets=tuple(s.key.secrets), min_length=s.key.min_length,
                             expected=s.key.expected, flag=s.key.flag)
    scenario = PhoneScenario(id=definition.id, title=definition.title, intro=definition.intro, steps=tuple(steps))
    return scenario, PhoneKey(scenario_id=definition.id, steps=keys)
