"""Every `HOCVUSO_*` environment variable, in one frozen record: `Settings`.

The environment is how `hocvuso serve` talks to the processes it starts (the Voilà server, and
through it every lesson kernel), how a JupyterHub deployment configures a learner's server, and how
a judge points the grader at judge-only data. Each variable is a field of `Settings`, with its name,
its meaning and its default written once, here; code reads `Settings.from_env()` and writes
`settings.to_env()`, never `os.environ["HOCVUSO_…"]`.

`from_env` reads every variable (absent or empty: the default) and refuses a malformed one with a
`SettingsError` naming it; `to_env` gives the variables that differ from their defaults, so
`Settings.from_env(s.to_env()) == s`. Reading is cheap (no I/O): code that may run under
monkeypatched or changed environments reads it when it needs a value rather than caching it.

What this record must stay: light (a lesson kernel reads it), free of I/O, and the only place a
`HOCVUSO_*` name is spelled. The classroom store's URL (`db`) is made absolute once, by the
server that writes it; readers use it as it is.
"""
from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from ._errors import HocvusoError


class SettingsError(HocvusoError):
    """A `HOCVUSO_*` variable holds a value that cannot be read (the message names it)."""


def _env(name: str, kind: str) -> dict[str, str]:
    return {"env": name, "kind": kind}


@dataclass(frozen=True, kw_only=True)
class Settings:
    """hocvuso's settings from the environment (see the module docstring); each field names its variable."""

    db: str = field(default="", metadata=_env("HOCVUSO_DB", "str"))
    """HOCVUSO_DB: the classroom store, an SQLAlchemy URL (SQLite path absolute, driver named: the server
    that sets it resolves it once). Empty: no classroom store; answers go to the file beside the notebook."""
    class_code: str = field(default="", metadata=_env("HOCVUSO_CLASS", "str"))
    """HOCVUSO_CLASS: the class being served. With `db`, a kernel is a classroom kernel (`in_classroom`)."""
    locale: str = field(default="vi", metadata=_env("HOCVUSO_LOCALE", "str"))
    """HOCVUSO_LOCALE: the language pages and widgets start in ("vi" or "en")."""
    lessons: tuple[str, ...] = field(default=(), metadata=_env("HOCVUSO_LESSONS", "list"))
    """HOCVUSO_LESSONS: the lesson folders the server offers, in catalogue order (comma-separated).
    Empty: every lesson folder found in the served folder."""
    pools: Mapping[str, Any] = field(default_factory=dict, hash=False, metadata=_env("HOCVUSO_POOLS", "json"))
    """HOCVUSO_POOLS: Voilà's `kernel_pools_config` (JSON): preheated kernels per notebook. Empty: no
    preheated pools (a kernel is started per visit)."""
    course: str = field(default="", metadata=_env("HOCVUSO_COURSE", "str"))
    """HOCVUSO_COURSE: a judge's nbgrader course folder; the server mounts the upload page that files
    hand-ins into it. Empty: no upload page."""
    handin_max_mb: float = field(default=20.0, metadata=_env("HOCVUSO_HANDIN_MAX_MB", "float"))
    """HOCVUSO_HANDIN_MAX_MB: the largest upload the hand-in page accepts, in MB."""
    hub_enrol: bool = field(default=False, metadata=_env("HOCVUSO_HUB_ENROL", "bool"))
    """HOCVUSO_HUB_ENROL: on a JupyterHub, a hub user not yet in the class roster is enrolled on first use
    (1) instead of being treated as not signed in."""
    hub_groups: tuple[str, ...] = field(default=(), metadata=_env("HOCVUSO_HUB_GROUPS", "list"))
    """HOCVUSO_HUB_GROUPS: on a JupyterHub, the server's user's hub groups (comma-separated), passed by the
    hub's pre_spawn_hook (deploy/config.yaml): their class groups, and the teachers' group for a teacher."""
    hub_teachers: str = field(default="giao-vien", metadata=_env("HOCVUSO_HUB_TEACHERS", "str"))
    """HOCVUSO_HUB_TEACHERS: on a JupyterHub, the group of teachers; every other group whose name makes a
    class code is a class (`hocvuso.classroom.hub`)."""
    kernel_key: str = field(default="", metadata=_env("HOCVUSO_KERNEL_KEY", "str"))
    """HOCVUSO_KERNEL_KEY: one kernel's own secret, given to it alone by the server's kernel provisioner; a
    preheated kernel shows it to take its visitor's request. Removed once the visitor has arrived."""
    zygote: bool = field(default=True, metadata=_env("HOCVUSO_ZYGOTE", "bool"))
    """HOCVUSO_ZYGOTE: fork lesson kernels from one preloaded process (0: start each one afresh)."""
    frontend_bundle: bool = field(default=True, metadata=_env("HOCVUSO_FRONTEND_BUNDLE", "bool"))
    """HOCVUSO_FRONTEND_BUNDLE: serve a lesson page's script chunks as one bundle (0: one by one, as
    stock Voilà does; the recorder of the bundle's list uses that)."""
    frontend: str = field(default="lean", metadata=_env("HOCVUSO_FRONTEND", "str"))
    """HOCVUSO_FRONTEND: which front end lesson pages load — "lean" (the widget manager, the kernel
    connection and anywidget, built from classroom/frontend/) or "stock" (Voilà's own, the fallback)."""
    kernel_idle: float = field(default=600.0, metadata=_env("HOCVUSO_KERNEL_IDLE", "float"))
    """HOCVUSO_KERNEL_IDLE: seconds without a message after which a visitor's kernel is shut down."""
    min_free_mb: float = field(default=300.0, metadata=_env("HOCVUSO_MIN_FREE_MB", "float"))
    """HOCVUSO_MIN_FREE_MB: no new visitor kernel while the computer has less memory available (MB)."""
    max_kernels: int | None = field(default=None, metadata=_env("HOCVUSO_MAX_KERNELS", "int"))
    """HOCVUSO_MAX_KERNELS: kernels the server holds at most. None: twice the class's pools plus four."""
    judge_data: str = field(default="", metadata=_env("HOCVUSO_JUDGE_DATA", "str"))
    """HOCVUSO_JUDGE_DATA: the folder of judge-only contest data (hidden phrasings, keys). Empty: `judge/`
    beside the contest package, present in a source checkout only."""
    contest_id: str = field(default="", metadata=_env("HOCVUSO_CONTEST_ID", "str"))
    """HOCVUSO_CONTEST_ID: the student's contest id where JupyterHub does not name the student."""
    self_check_running: bool = field(default=False, metadata=_env("HOCVUSO_SELF_CHECK_RUNNING", "bool"))
    """HOCVUSO_SELF_CHECK_RUNNING: set by a student's self-check while it runs the notebook, so that the
    notebook's own self-check cell returns at once instead of starting another."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings in `environ` (default: this process's environment).

        Raises SettingsError naming the variable when a value cannot be read.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f.metadata["env"], "").strip()
            if raw:
                values[f.name] = _parse(f.metadata["env"], f.metadata["kind"], raw)
        return cls(**values)

    def to_env(self) -> dict[str, str]:
        """The variables that give these settings (those that differ from their defaults)."""
        default = Settings()
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value != getattr(default, f.name):
                out[f.metadata["env"]] = _format(f.metadata["kind"], value)
        return out

    def environ(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """`base` (default: this process's environment) with every `HOCVUSO_*` setting replaced by these:
        the environment of a process this one starts."""
        out = {k: v for k, v in (os.environ if base is None else base).items() if k not in ENV_NAMES}
        return {**out, **self.to_env()}


ENV_NAMES: frozenset[str] = frozenset(f.metadata["env"] for f in fields(Settings))
"""Every `HOCVUSO_*` name hocvuso reads."""


def env_name(field_name: str) -> str:
    """The variable of `Settings.<field_name>`, e.g. "HOCVUSO_KERNEL_KEY" for "kernel_key"."""
    for f in fields(Settings):
        if f.name == field_name:
            return str(f.metadata["env"])
    raise KeyError(field_name)


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _parse(name: str, kind: str, raw: str) -> Any:
    if kind == "str":
        return raw
    if kind == "list":
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    if kind == "bool":
        if raw.lower() in _TRUE | _FALSE:
            return raw.lower() in _TRUE
        raise SettingsError(f"{name}={raw!r} must be 1 or 0")
    if kind in ("float", "int"):
        try:
            number = float(raw) if kind == "float" else int(raw)
        except ValueError:
            raise SettingsError(f"{name}={raw!r} must be a{'n integer' if kind == 'int' else ' number'}") from None
        if number < 0:
            raise SettingsError(f"{name}={raw!r} must not be negative")
        return number
    try:  # json
        value = json.loads(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} is not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise SettingsError(f"{name} must be a JSON object")
    return value


def _format(kind: str, value: Any) -> str:
    if kind == "list":
        return ",".join(value)
    if kind == "bool":
        return "1" if value else "0"
    if kind == "json":
        return json.dumps(dict(value))
    return str(value)


__all__ = ["ENV_NAMES", "Settings", "SettingsError", "env_name"]
