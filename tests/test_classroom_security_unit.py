"""Issue 18 without a server: the pieces the server's defences are made of (visitor mailbox, PIN lockout,
token expiry, codes, dashboard, hand-in codes and quota)."""
from __future__ import annotations

import asyncio
import os
import stat
import threading
import time
from pathlib import Path

import pytest

from hocvuso.classroom import TeacherDashboard
from hocvuso.classroom._guard import VisitorMailbox, choose_token
from hocvuso.classroom.kernels._provisioner import kernel_key, kernel_key_matches
from hocvuso.core import Roster, SignInRefused, SqlStore, Submission, identity
from hocvuso.core.identity import check_pin_strength, new_pin, pin_delay

from kit import run_coroutine


@pytest.fixture()
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    Roster(url).ensure_class("LOP9", pin="402718")
    return url


def test_a_visitor_reaches_only_the_kernel_it_was_given_to_and_is_then_forgotten(monkeypatch):
    box = VisitorMailbox()

    async def scenario():
        box.deliver("k1", {"HTTP_COOKIE": "hv_token=secret"})
        assert await box.collect("k1", 1) == {"HTTP_COOKIE": "hv_token=secret"}
        assert await box.collect("k1", 0.2) is None  # delivered once, then nothing is kept
        waiting = asyncio.ensure_future(box.collect("k2", 5))
        await asyncio.sleep(0.05)
        assert box.is_waiting("k2")
        box.deliver("k2", {"SCRIPT_NAME": "/x"})
        assert await waiting == {"SCRIPT_NAME": "/x"}
        box.deliver("k3", {"HTTP_COOKIE": "hv_token=other"})  # k3 asked once, then stopped asking
        box.deliver("k4", {"HTTP_COOKIE": "hv_token=late"})  # k4 is still starting: it has never asked

    box.last_poll["k3"] = 0.0
    run_coroutine(scenario())
    assert box.pending.keys() == {"k3", "k4"} and box.expired() == []
    now = time.monotonic()
    monkeypatch.setattr("hocvuso.classroom._guard.time.monotonic", lambda: now + 60)
    assert box.expired() == ["k3"]  # dropped (and the server shuts k3 down); k4 gets longer to start
    monkeypatch.setattr("hocvuso.classroom._guard.time.monotonic", lambda: now + 400)
    assert box.expired() == ["k4"] and not box.pending


def test_each_kernel_has_its_own_secret():
    assert kernel_key("a") != kernel_key("b") and len(kernel_key("a")) == 64
    assert kernel_key_matches("a", kernel_key("a"))
    assert not kernel_key_matches("a", kernel_key("b")) and not kernel_key_matches("a", None)


def test_the_browsers_own_sign_in_wins_over_a_link():
    assert choose_token("hv_token=mine; hv_csrf=x", "lang=vi&t=theirs") == ("mine", "lang=vi")
    assert choose_token("", "t=theirs&lang=en") == ("theirs", "lang=en")
    assert choose_token(None, "") == (None, "")
    assert identity.token_from_request("t=theirs", "hv_token=mine") == "mine"


def test_pin_tries_are_counted_per_class_with_growing_waits(db):
    assert [pin_delay(n) for n in (1, 4, 5, 6, 7)] == [0, 0, 15, 30, 60] and pin_delay(40) == 3600
    first, second = Roster(db), Roster(db)  # two kernels, or a server before and after a restart
    now = 1_000_000.0
    for _ in range(1, 5):
        assert first.try_pin("LOP9", "111111", now=now) == identity.PinTry(False, 0.0)
    wrong = second.try_pin("LOP9", "111112", now=now)
    assert not wrong.ok and wrong.checked and wrong.wait == 15
    blocked = first.try_pin("LOP9", "402718", now=now + 5)  # the right PIN, too soon: not even checked
    assert not blocked.ok and not blocked.checked and 9 < blocked.wait <= 10
    assert second.try_pin("LOP9", "402718", now=now + 16).ok
    assert first.try_pin("LOP9", "111111", now=now + 17) == identity.PinTry(False, 0.0)  # count cleared


def test_parallel_pin_tries_each_count(db):
    roster = Roster(db)
    results = []

    def guess(i):
        results.append(Roster(db).try_pin("LOP9", f"{500000 + i}"))

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not any(r.ok for r in results)
    assert sum(r.checked for r in results) <= identity.PIN_FREE_TRIES + 1, "parallel pages got extra tries"
    with roster.engine.connect() as conn:
        failures = conn.execute(Roster.pin_guard.select()).first().failures
    assert failures == sum(r.checked for r in results)


def test_short_or_obvious_pins_are_refused_and_generated_ones_are_fine():
    for bad in ("1234", "12345", "111111", "123456", "987654", "12a456", ""):
        with pytest.raises(ValueError):
            check_pin_strength(bad)
    assert check_pin_strength("402718") == "402718"
    assert all(check_pin_strength(new_pin()) for _ in range(50))


def test_the_roster_file_is_the_server_users_only(tmp_path):
    url = f"sqlite:///{tmp_path / 'open.sqlite'}"
    (tmp_path / "open.sqlite").touch(mode=0o644)
    (tmp_path / "open.sqlite").chmod(0o644)
    SqlStore(url)
    Roster(url).ensure_class("LOP9", pin="402718")
    for path in tmp_path.glob("open.sqlite*"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_codes_tokens_names_and_class_size(db, monkeypatch):
    roster = Roster(db)
    lan, token = roster.sign_in("LOP9", "Lan")
    assert len(lan.learner_id) == 8 and set(lan.learner_id) <= set(identity.CODE_ALPHABET)
    again, other = roster.sign_in("LOP9", "lan", learner_code=identity.show_learner_code(lan.learner_id).lower())
    assert again == lan
    assert roster.revoke_all(lan) == 2 and roster.resolve(token) is None and roster.resolve(other) is None
    _lan, old = roster.sign_in("LOP9", "Lan", learner_code=lan.learner_id)
    with roster.engine.begin() as conn:
        conn.execute(Roster.tokens.update().values(created_at="2020-01-01T00:00:00+00:00"))
    assert roster.resolve(old) is None, "a token older than TOKEN_DAYS signs nobody in"
    for name in ("Giáo viên", "GIAO VIEN", "Cô giáo", "teacher"):
        with pytest.raises(SignInRefused):
            roster.sign_in("LOP9", name)
    monkeypatch.setattr(identity, "MAX_LEARNERS", roster.count_members("LOP9") + 1)
    minh, _ = roster.sign_in("LOP9", "Minh")
    with pytest.raises(SignInRefused):
        roster.sign_in("LOP9", "Một người nữa")
    assert roster.sign_in("LOP9", "Minh", learner_code=minh.learner_id)[0] == minh  # coming back still works


def _save(url, learner, task="hop-thu"):
    SqlStore(url).save(Submission(task_id=task, kind="inbox", scenario_id="hop-thu-1",
                                  answers={"messages": {}, "inspected": {}}, learner=learner))


def test_dashboard_shows_no_codes_marks_same_names_and_reads_only_new_rows(db):
    roster = Roster(db)
    a, _ = roster.sign_in("LOP9", "Lan")
    b, _ = roster.sign_in("LOP9", "Lân")  # same name without the accent: a copy to point out
    c, _ = roster.sign_in("LOP9", "Minh")
    for learner in (a, b, c):
        _save(db, learner)
    dash = TeacherDashboard(class_code="LOP9", db_url=db, refresh_seconds=0)
    assert dash.unlock("402718")
    body = dash._body.value
    assert not any(x.learner_id in body or identity.show_learner_code(x.learner_id) in body for x in (a, b, c))
    assert body.count("hv-dash-same") == 2
    dash.reveal_code(b.learner_id)
    assert identity.show_learner_code(b.learner_id) in dash._revealed.value and "Lân" in dash._revealed.value
    seen = dash._last_id
    assert dash._new_rows() == []  # nothing new: nothing read
    _save(db, c, "hop-thu-2")
    new = dash._new_rows()
    assert [r["id"] for r in new] == [seen + 1]
    dash.close()


def test_dashboard_opens_for_a_teacher_session_only(db, monkeypatch):
    token = Roster(db).start_teacher_session("LOP9")
    monkeypatch.setenv("HTTP_COOKIE", f"hv_teacher={token[:-2]}xx")
    assert not TeacherDashboard(class_code="LOP9", db_url=db, refresh_seconds=0)._unlocked
    monkeypatch.setenv("HTTP_COOKIE", f"hv_teacher={token}")
    assert TeacherDashboard(class_code="LOP9", db_url=db, refresh_seconds=0)._unlocked
    assert not Roster(db).is_teacher("OTHER", token)


def test_hand_in_codes_are_kept_hashed_and_quota_counts_a_file_once(tmp_path):
    from hocvuso.handin._web import code_matches, make_codes, stored_bytes

    pairs = dict(make_codes(tmp_path, ["TS-1", "TS-2"]))
    assert code_matches(tmp_path, "TS-1", pairs["TS-1"]) and code_matches(tmp_path, "TS-1", pairs["TS-1"].lower())
    assert not code_matches(tmp_path, "TS-2", pairs["TS-1"]) and not code_matches(tmp_path, "TS-3", "")
    renewed = dict(make_codes(tmp_path, ["TS-1"]))
    assert not code_matches(tmp_path, "TS-1", pairs["TS-1"]) and code_matches(tmp_path, "TS-1", renewed["TS-1"])
    assert pairs["TS-1"] not in (tmp_path / "handin-codes.json").read_text()
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "a").write_bytes(b"x" * 1000)
    os.link(folder / "a", folder / "b")
    assert stored_bytes(folder) == 1000
    assert stored_bytes(Path(tmp_path / "none")) == 0
