"""Serve lessons with Voilà, configured for learners rather than developers.

What the defaults guard against (see shared notes on Voilà in classrooms): execute requests from
the browser stay refused (standalone Voilà only lets widget messages through); templates and themes
cannot be switched from the URL; tracebacks and code are not shown; kernels talk over IPC sockets
(no TCP port race at start-up); idle kernels of closed tabs are culled so memory does not leak.
"""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, kw_only=True)
class ServeConfig:
    """How to run one Voilà server."""

    notebook: Path
    """The lesson notebook to serve."""
    host: str = "127.0.0.1"
    """Address to listen on."""
    port: int = 8866
    """Port to listen on."""
    db_url: str = "sqlite:///hocvuso-classroom.sqlite"
    """Where learners' submissions go (any SQLAlchemy URL)."""
    locale: str = "vi"
    """Language the lessons start in."""


def voila_command(config: ServeConfig) -> list[str]:
    """The exact command line that starts Voilà for `config`."""
    return [
        sys.executable, "-m", "voila", str(config.notebook),
        "--no-browser",
        f"--port={config.port}",
        f"--Voila.ip={config.host}",
        "--KernelManager.transport=ipc",
        "--MappingKernelManager.cull_interval=60",
        "--MappingKernelManager.cull_idle_timeout=1200",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.strip_sources=True",
    ]


def voila_env(config: ServeConfig) -> dict[str, str]:
    """Environment for Voilà and its kernels: the store and the language."""
    env = dict(os.environ)
    env["HOCVUSO_DB"] = config.db_url
    env["HOCVUSO_LOCALE"] = config.locale
    return env


def url_of(config: ServeConfig) -> str:
    """The address a learner opens."""
    host = "127.0.0.1" if config.host in ("0.0.0.0", "") else config.host
    return f"http://{host}:{config.port}/"


def run(config: ServeConfig) -> int:
    """Start Voilà in the foreground until Ctrl-C; return its exit code."""
    proc = subprocess.Popen(voila_command(config), env=voila_env(config))
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            return proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait()
