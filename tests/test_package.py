"""The package installs as one `hocvuso` namespace, from a wheel as well as editable."""
from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out),
                    str(ROOT)], check=True)
    (found,) = out.glob("hocvuso-*.whl")
    return found


def test_wheel_holds_only_the_hocvuso_namespace(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"hocvuso"}, top
    for needed in ("hocvuso/widgets/__init__.py", "hocvuso/grader/__init__.py", "hocvuso/core/inbox/__init__.py",
                   "hocvuso/content/flags.yaml", "hocvuso/core/locales/vi/LC_MESSAGES/hocvuso.po",
                   "hocvuso/notebooks/lua-dao-tin-nhan/lua-dao-tin-nhan.ipynb"):
        assert needed in names, needed
    assert any(n.startswith("hocvuso/content/messages/") and n.endswith(".yaml") for n in names)
    assert any(n.startswith("hocvuso/widgets/") and n.endswith(".js") for n in names), "widget JS must ship"
    # the lean lesson-page front end ships built (a classroom laptop has no npm and no internet) …
    assert "hocvuso/classroom/frontend/served/lean.js" in names
    # … and its sources and build tools do not
    assert not [n for n in names if "/frontend/node_modules/" in n or "/frontend/src/" in n
                or n.endswith(("frontend/package.json", "frontend/build.mjs"))]


def _run(cmd: list[str], **kwargs) -> str:
    """Run a command in the fresh environment; on failure, show what it printed (not just its exit code)."""
    done = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{cmd[0]} … exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_wheel_imports_in_a_fresh_virtual_environment(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    # A really fresh environment: no hocvuso, no editable finder. The dependencies come from the running
    # interpreter's own site-packages (venv or not), appended after the fresh one by a plain .pth line:
    # plain lines add folders to sys.path without running that folder's .pth files, so the editable
    # install of this checkout stays invisible and hocvuso can only come from the wheel.
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    fresh_site = Path(_run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).strip())
    deps = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (fresh_site / "_hocvuso_test_deps.pth").write_text("\n".join(sorted(deps)) + "\n", encoding="utf-8")
    _run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--disable-pip-version-check", str(wheel)])
    probe = (
        "import hocvuso, hocvuso.core, hocvuso.widgets, hocvuso.grader, hocvuso.content, importlib.util as u;"
        "print(hocvuso.core.__file__);"
        "assert u.find_spec('widgets') is None and u.find_spec('grader') is None, 'bare top-level name';"
        "from hocvuso.core import load_inbox; s, k = load_inbox('hop-thu-mau'); print(len(s.messages));"
        "from hocvuso.core import gettext; print(gettext('Not answered yet.', 'vi'))"
    )
    lines = _run([str(py), "-c", probe], cwd=tmp_path).splitlines()
    assert str(env_dir) in lines[0], f"imported from {lines[0]}, not from the wheel"
    assert lines[1] == "2" and lines[2] == "Chưa trả lời."
    assert "hocvuso" in _run([str(env_dir / "bin" / "hocvuso"), "--version"])


def test_editable_install_maps_the_source_folders():
    import hocvuso.core
    import hocvuso.widgets

    assert Path(hocvuso.core.__file__).parent.name in ("core",)  # editable: the source folder itself
    assert Path(hocvuso.widgets.__file__).parent.name == "widgets"


def test_every_package_folder_is_declared_in_pyproject():
    """setuptools maps folders explicitly; a new sub-package must be listed or the wheel silently lacks it."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    declared = set(config["packages"])
    mapping = config["package-dir"]
    for package, folder in mapping.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder).parts
            name = ".".join((package, *rel))
            assert name in declared, f"add {name!r} to [tool.setuptools] packages in pyproject.toml"
