"""The grader's two faces: what a notebook kernel imports stays light; the judge's pipeline is elsewhere.

A lesson's grade cell runs `from hocvuso.grader import grade` in every classroom kernel, and a contest
notebook imports `check_function` in every student's kernel: none of that may pull in nbgrader,
nbconvert, Jupyter Server, Dask, a spreadsheet writer or the judge's pipeline (`hocvuso.grader.judge`).
Checked in a fresh interpreter, by what `sys.modules` holds afterwards.
"""
from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("nbgrader", "nbconvert", "jupyter_server", "dask", "distributed", "openpyxl", "sqlalchemy", "tornado")

PROBE = """
import json, sys
import hocvuso.core
before = set(sys.modules)
from hocvuso.grader import check_function, check_model, grade, grade_variant, self_check
import hocvuso.grader
loaded = sorted(m for m in sys.modules if m.split(".")[0] in %r)
added = sorted(m for m in set(sys.modules) - before if m.split(".")[0] in %r)
judge = sorted(m for m in sys.modules if m.startswith("hocvuso.grader.judge") or m == "hocvuso.grader._check")
print(json.dumps({"loaded": loaded, "added": added, "judge": judge, "all": sorted(hocvuso.grader.__all__)}))
""" % (HEAVY, HEAVY)


def _probe() -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_importing_the_grader_imports_no_judge_and_no_heavy_library():
    found = _probe()
    assert found["judge"] == [], "the kernel's face imported the judge's pipeline"
    assert found["added"] == [], f"hocvuso.grader itself imported {found['added']}"
    assert not [m for m in found["loaded"] if m.split(".")[0] not in ("sqlalchemy", "tornado")], found["loaded"]
    assert {"grade", "check_function", "check_model", "grade_variant", "self_check"} <= set(found["all"])


def test_the_judges_pipeline_is_its_own_subpackage():
    from hocvuso.grader import judge

    assert {"grade_course", "grade_batch", "export_results", "hand_in", "print_progress_line",
            "parse_deadline"} <= set(judge.__all__)
    assert judge.grade_course.__kwdefaults__["timeout"] == judge.grade_batch.__kwdefaults__["timeout"]
