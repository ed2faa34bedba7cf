"""Run mypy on the installed package `hocvuso`, laid out as pyproject.toml maps it.

The source tree keeps the design card's folders at the top (core/, grader/, …) and pyproject's
``[tool.setuptools.package-dir]`` maps them under the one name ``hocvuso``; mypy cannot read that
mapping, so this builds the same tree out of symlinks in a temporary folder and checks it there.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from setuptools.config.pyprojecttoml import read_configuration

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    mapping = read_configuration(ROOT / "pyproject.toml")["tool"]["setuptools"]["package-dir"]
    with tempfile.TemporaryDirectory(prefix="hocvuso-mypy-") as tmp:
        top = Path(tmp) / "hocvuso"
        top.mkdir()
        for item in (ROOT / mapping["hocvuso"]).iterdir():
            (top / item.name).symlink_to(item)
        for name, folder in mapping.items():
            if name.count(".") == 1:
                (top / name.split(".", 1)[1]).symlink_to(ROOT / folder)
        cmd = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
               "--cache-dir", str(ROOT / "build" / "mypy-cache"), "-p", "hocvuso", *argv]
        return subprocess.call(cmd, cwd=tmp)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
