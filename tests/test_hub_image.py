"""deploy/Dockerfile checked without a Docker daemon: its steps, as the image's users, into its own paths.

The docker-stacks base image ends as `jovyan` (uid 1000, gid 100), who cannot write under /srv. The
Dockerfile's root step makes the site's folder and hands it to jovyan; its site step then runs as jovyan.
Here both run as written (USER and ${NB_UID}/${NB_GID} honoured, the pip step left out: hocvuso is
installed already) in a mount namespace whose /srv is an empty tmpfs, so the real /srv is never touched:
the site lands in the very path the Dockerfile and deploy/config.yaml name, owned by jovyan. Without the
root step, the same site step fails with "Permission denied" — the bug the image had.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sysconfig
from pathlib import Path

import pytest

from hubkit import REPO, deploy_values

DOCKERFILE = REPO / "deploy" / "Dockerfile"
IMAGE_ENV = {"NB_UID": "1000", "NB_GID": "100"}
"""What quay.io/jupyter/base-notebook sets (jovyan)."""

pytestmark = pytest.mark.slow


def dockerfile_steps() -> list[tuple[str, str]]:
    """(user, shell command) of each RUN, in order, with the image's variables filled in."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    user, steps = "root", []
    for line in text.splitlines():
        line = re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: IMAGE_ENV.get(m[1] or m[2], m[0]), line.strip())
        if line.startswith("USER "):
            user = line.split(None, 1)[1]
        elif line.startswith("RUN "):
            steps.append((user, line[4:].strip()))
    return steps


def site_step() -> tuple[str, str]:
    found = [(u, cmd) for u, cmd in dockerfile_steps() if "--build-site" in cmd]
    assert len(found) == 1, f"one RUN builds the site: {dockerfile_steps()}"
    return found[0]


def test_the_image_builds_the_site_where_the_hub_command_serves_it():
    user, cmd = site_step()
    built = shlex.split(cmd)[shlex.split(cmd).index("--build-site") + 1]
    served = deploy_values()["singleuser"]["cmd"][-1]
    assert built == served, f"Dockerfile builds {built}, config.yaml serves {served}"
    assert user == IMAGE_ENV["NB_UID"], f"the site step runs as jovyan, not {user}"


def _run_in_private_srv(script: str, tmp: Path) -> subprocess.CompletedProcess:
    """`script` (sh) in a mount namespace whose /srv is an empty tmpfs; `as_jovyan CMD` runs CMD as 1000:100."""
    scripts = sysconfig.get_path("scripts")
    prelude = (f"mount -t tmpfs -o mode=0755 tmpfs /srv\n"
               f"as_jovyan() {{ setpriv --reuid={IMAGE_ENV['NB_UID']} --regid={IMAGE_ENV['NB_GID']} --clear-groups "
               f"env HOME={tmp / 'home'} PATH={scripts}:/usr/bin:/bin PYTHONDONTWRITEBYTECODE=1 "
               f"PYTHONPATH={os.environ.get('PYTHONPATH', '')} sh -c \"$1\"; }}\n")
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-ec", prelude + script],
                          capture_output=True, text=True, timeout=300, cwd=tmp / "home")


@pytest.fixture()
def jovyan_home(tmp_path: Path) -> Path:
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("setpriv"):
        pytest.skip("needs root with unshare and setpriv (a private /srv and another user)")
    tmp_path.chmod(0o755)
    home = tmp_path / "home"
    home.mkdir()
    os.chown(home, int(IMAGE_ENV["NB_UID"]), int(IMAGE_ENV["NB_GID"]))
    return tmp_path


def test_the_site_step_runs_as_jovyan_into_the_dockerfiles_path(jovyan_home: Path):
    _user, build = site_step()
    site = shlex.split(build)[-1]
    lines = []
    for user, cmd in dockerfile_steps():
        if "pip install" in cmd:
            continue  # hocvuso is installed already (editable, in this interpreter)
        lines.append(cmd if user == "root" else f"as_jovyan {shlex.quote(cmd)}")
    lines.append(f"stat -c '%u:%g %n' {site} {site}/giao-vien/bang-dieu-khien.ipynb {site}/*/*.ipynb")
    done = _run_in_private_srv("\n".join(lines), jovyan_home)
    assert done.returncode == 0, done.stdout + done.stderr
    owners = dict(line.split(" ", 1)[::-1] for line in done.stdout.splitlines() if line.strip())
    assert owners.pop(site) == "1000:100"
    assert f"{site}/giao-vien/bang-dieu-khien.ipynb" in owners
    assert f"{site}/lua-dao-tin-nhan/lua-dao-tin-nhan.ipynb" in owners, sorted(owners)
    assert set(owners.values()) == {"1000:100"}, owners


def test_without_the_root_step_jovyan_cannot_write_the_site(jovyan_home: Path):
    _user, build = site_step()
    done = _run_in_private_srv(f"as_jovyan {shlex.quote(build)}", jovyan_home)
    assert done.returncode != 0
    assert "Permission denied" in done.stderr, done.stderr[-2000:]
