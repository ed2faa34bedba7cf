"""Hub mode without a hub: who a server's user is from the hub's environment, and the command's refusals.

The real hub, OAuth and browsers are in tests/test_hub.py; these are the rules it relies on, fast.
"""
from __future__ import annotations

import pytest

from hocvuso.classroom._hub import hub_user
from hocvuso.classroom.hub import listen_where, main

HUB_ENV = {"JUPYTERHUB_USER": "an", "JUPYTERHUB_SERVICE_PREFIX": "/user/an/", "JUPYTERHUB_API_TOKEN": "x" * 32,
           "JUPYTERHUB_SERVICE_URL": "http://0.0.0.0:8888/user/an/"}


def test_no_hub_no_hub_user():
    assert hub_user({}) is None
    assert hub_user({"JUPYTERHUB_USER": "an"}) is None  # a notebook that merely knows a user name is no hub server


def test_classes_are_the_groups_that_make_class_codes_and_the_teachers_group_is_none():
    pupil = hub_user({**HUB_ENV, "HOCVUSO_HUB_GROUPS": "lop-7b, lop-7a,x,giao-vien-cu"})
    assert pupil is not None and not pupil.teacher
    assert pupil.classes == ("GIAOVIENCU", "LOP7A", "LOP7B")  # "x" is no class code; sorted; first is theirs
    assert pupil.class_code == "GIAOVIENCU" and pupil.dashboard_class("lop=LOP7A") is None
    teacher = hub_user({**HUB_ENV, "HOCVUSO_HUB_GROUPS": "giao-vien,lop-7a,lop-7b"})
    assert teacher is not None and teacher.teacher and teacher.classes == ("LOP7A", "LOP7B")
    assert teacher.dashboard_class("lop=lop7b&lang=vi") == "LOP7B"
    assert teacher.dashboard_class("lop=LOP9C") == "LOP7A"  # not theirs: their first class, never another's
    renamed = hub_user({**HUB_ENV, "HOCVUSO_HUB_GROUPS": "thay-co,lop-7a", "HOCVUSO_HUB_TEACHERS": "thay-co"})
    assert renamed is not None and renamed.teacher and renamed.classes == ("LOP7A",)
    alone = hub_user({**HUB_ENV, "HOCVUSO_HUB_GROUPS": "giao-vien"})
    assert alone is not None and alone.class_code == "" and alone.dashboard_class("") is None


def test_the_server_listens_where_the_hub_says():
    assert listen_where(HUB_ENV) == ("0.0.0.0", 8888, "/user/an/")


def test_the_command_refuses_to_run_outside_a_hub_or_without_a_store(monkeypatch, tmp_path, capsys):
    for key in HUB_ENV:
        monkeypatch.delenv(key, raising=False)
    assert main([str(tmp_path)]) == 2
    assert "JUPYTERHUB_USER" in capsys.readouterr().err
    for key, value in HUB_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("HOCVUSO_DB", raising=False)
    assert main([str(tmp_path)]) == 2
    assert "HOCVUSO_DB" in capsys.readouterr().err
    monkeypatch.setenv("HOCVUSO_DB", f"sqlite:///{tmp_path / 'class.sqlite'}")
    monkeypatch.setenv("HOCVUSO_HUB_GROUPS", "giao-vien")
    assert main([str(tmp_path)]) == 2
    assert "no class group" in capsys.readouterr().err


@pytest.mark.slow
def test_build_site_writes_the_lessons_and_the_dashboard(tmp_path):
    assert main(["--build-site", str(tmp_path / "site")]) == 0
    assert (tmp_path / "site" / "giao-vien" / "bang-dieu-khien.ipynb").is_file()
    assert (tmp_path / "site" / "lua-dao-tin-nhan" / "lua-dao-tin-nhan.ipynb").is_file()
