"""The exercise-kind registry (hocvuso.core.kinds): each kind registered once, and the one road to it.

Widgets, grade cells, the judge and the dashboard find a kind only here; these tests load every bundled
scenario through the registry and check that each road agrees on which kind it is.
"""
from __future__ import annotations

import dataclasses

import pytest

from hocvuso.core import (
    ContentError,
    ExerciseKind,
    GradingError,
    all_kinds,
    find_kind,
    kind,
    kind_of,
    load_exercise,
    score,
)
from hocvuso.widgets import DossierPortal, NewsFeed, PhoneSimulator, ScamInbox


def bundled() -> list[tuple[str, str]]:
    """(kind id, scenario id) of every bundled scenario, from the registry's content folders."""
    return [(k.id, p.stem) for k in all_kinds() for p in sorted(k.path("any").parent.glob("*.yaml"))]


def test_each_kind_is_registered_once_with_its_own_folder_and_type():
    kinds = all_kinds()
    assert [k.id for k in kinds] == ["inbox", "dossier", "phone", "feed"]
    assert len({k.folder for k in kinds}) == len({k.scenario_type for k in kinds}) == len(kinds)
    assert all(kind(k.id) is k for k in kinds)
    with pytest.raises(dataclasses.FrozenInstanceError):
        kinds[0].id = "other"  # type: ignore[misc]


@pytest.mark.parametrize(("kind_id", "scenario_id"), bundled())
def test_every_bundled_scenario_is_found_loaded_and_scored_through_its_kind(kind_id, scenario_id):
    assert find_kind(scenario_id).id == kind_id
    scenario, key = load_exercise(scenario_id)
    assert kind_of(scenario) is kind(kind_id)
    assert scenario.kind == kind_id and key.scenario_id == scenario.id == scenario_id
    empty = score(scenario, key, {})
    assert empty.kind == kind_id and empty.points == 0 and empty.max_points > 0
    feedback = kind(kind_id).feedback(scenario, key, empty, "vi")
    # one entry per item, or fewer where a kind says one mistake once (the dossier: steps not reached, one line)
    assert 0 < len(feedback) <= len(empty.items) and all(isinstance(f, dict) for f in feedback)
    competences = kind(kind_id).item_competences(scenario)
    assert competences and all(codes for codes in competences.values())


def test_unknown_kinds_and_scenarios_are_refused_by_name():
    with pytest.raises(GradingError, match="no exercise kind 'quiz'.*dossier.*feed.*inbox.*phone"):
        kind("quiz")
    with pytest.raises(GradingError, match="not a scenario of any exercise kind"):
        kind_of(object())
    looked = r"\(looked in inboxes/, dossier_tasks/, scenarios/, feeds/\)"
    with pytest.raises(ContentError, match=rf"no scenario 'khong-co'.*{looked}"):
        find_kind("khong-co")


def test_a_kind_refuses_another_kinds_scenario_and_a_key_of_another_scenario():
    inbox, inbox_key = load_exercise("hop-thu-mau")
    feed_id = next(s for k, s in bundled() if k == "feed")
    feed, feed_key = load_exercise(feed_id)
    with pytest.raises(GradingError, match="is not a scenario of kind 'feed'"):
        kind("feed").score(inbox, inbox_key, {})
    with pytest.raises(GradingError, match="does not belong"):
        score(feed, inbox_key, {})
    with pytest.raises(GradingError, match="does not belong"):
        score(inbox, feed_key, {})


@pytest.mark.parametrize(("widget", "kind_id"), [
    (ScamInbox, "inbox"), (DossierPortal, "dossier"), (PhoneSimulator, "phone"), (NewsFeed, "feed"),
])
def test_each_widget_holds_the_registered_record_of_its_kind(widget, kind_id):
    assert isinstance(widget._kind, ExerciseKind) and widget._kind is kind(kind_id)
