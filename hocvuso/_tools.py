"""Tools hocvuso runs are found beside the running interpreter, never by PATH.

A teacher or judge may call `venv/bin/hocvuso` (or `venv/bin/python -m pytest`) without activating the
virtual environment: PATH then names the system's tools, or none. Wherever hocvuso starts a tool it
uses `[sys.executable, "-m", …]`; where a library starts one by its bare name (nbgrader's gradebook
runs `alembic`), the environment handed to it puts this interpreter's scripts folder first.
"""
from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path


def scripts_dirs() -> list[str]:
    """Folders that hold the console scripts of the packages this interpreter imports (venv, then user)."""
    found = [sysconfig.get_path("scripts"), str(Path(sys.executable).parent)]
    user_scheme = f"{os.name}_user"
    if user_scheme in sysconfig.get_scheme_names():
        found.append(sysconfig.get_path("scripts", user_scheme))
    out: list[str] = []
    for folder in found:
        if folder and folder not in out and Path(folder).is_dir():
            out.append(folder)
    return out


def tool_path(path: str | None = None) -> str:
    """`path` (default: this process's PATH) with the interpreter's scripts folders in front."""
    rest = [p for p in (path if path is not None else os.environ.get("PATH", "")).split(os.pathsep) if p]
    first = scripts_dirs()
    return os.pathsep.join([*first, *(p for p in rest if p not in first)])


def tool_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """A copy of `env` (default: os.environ) whose PATH finds this interpreter's tools first."""
    out = dict(os.environ if env is None else env)
    out["PATH"] = tool_path(out.get("PATH", ""))
    return out


def use_own_tools() -> None:
    """Put the interpreter's scripts folders first on this process's PATH (for libraries run in-process)."""
    os.environ["PATH"] = tool_path()


__all__ = ["scripts_dirs", "tool_env", "tool_path", "use_own_tools"]
