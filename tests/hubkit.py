"""A real JupyterHub on 127.0.0.1 for the hub-mode tests, configured from `deploy/config.yaml`.

The hub is `jupyterhub` from PyPI with `configurable-http-proxy` from npm (tests/js), the dummy
authenticator with one password, and `SimpleLocalProcessSpawner`: each user's server is a process
on this machine, run as the test's own account. (`LocalProcessSpawner` would need one system
account per hub user and `sudo`-like spawning; on Kubernetes the pod is the isolation, so the part
under test here is the single-user command, its environment and the hub's OAuth, not Unix users.)

What z2jh would take from `deploy/config.yaml` is taken from it here, the way z2jh's own
`jupyterhub_config.py` applies it: `singleuser.cmd` becomes `Spawner.cmd`, `singleuser.extraEnv`
becomes the server's environment (a `secretKeyRef` is looked up in the test's `secrets`), and each
`hub.extraConfig` snippet is executed in the hub's config, in key order. `python` in that command is
found on PATH, as in the image: the hub's PATH starts with this interpreter's scripts folder.
"""
from __future__ import annotations

import json
import os
import secrets as _secrets
import signal
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
DEPLOY_VALUES = REPO / "deploy" / "config.yaml"
CHP = REPO / "tests" / "js" / "node_modules" / ".bin" / "configurable-http-proxy"
PASSWORD = "mat-khau-hub-2026"


def deploy_values() -> dict:
    """deploy/config.yaml, as helm reads it."""
    return yaml.safe_load(DEPLOY_VALUES.read_text(encoding="utf-8"))


def singleuser_environment(values: dict, secrets: dict[tuple[str, str], str]) -> dict[str, str]:
    """`singleuser.extraEnv` as a pod would see it: plain values, and `valueFrom.secretKeyRef` read from
    `secrets[(secret name, key)]` (a missing secret fails here, as the pod would not start)."""
    env: dict[str, str] = {}
    for name, value in (values.get("singleuser", {}).get("extraEnv") or {}).items():
        if isinstance(value, dict):
            ref = value["valueFrom"]["secretKeyRef"]
            env[name] = secrets[(ref["name"], ref["key"])]
        else:
            env[name] = str(value)
    return env


def hub_config(*, tmp: Path, port: int, hub_port: int, proxy_port: int, users: list[str],
               groups: dict[str, list[str]], secrets: dict[tuple[str, str], str], api_token: str) -> str:
    """The text of a jupyterhub_config.py: this test's hub (ports, dummy auth, local spawner, groups,
    an admin service for the test) plus what deploy/config.yaml gives a single-user server."""
    values = deploy_values()
    single = values["singleuser"]
    environment = singleuser_environment(values, secrets)
    extra = [snippet for _key, snippet in sorted((values.get("hub", {}).get("extraConfig") or {}).items())]
    lines = [
        "c = get_config()  # noqa: F821",
        f"c.JupyterHub.bind_url = 'http://127.0.0.1:{port}'",
        f"c.JupyterHub.hub_bind_url = 'http://127.0.0.1:{hub_port}'",
        f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{proxy_port}'",
        f"c.ConfigurableHTTPProxy.command = [{str(CHP)!r}]",
        f"c.ConfigurableHTTPProxy.pid_file = {str(tmp / 'proxy.pid')!r}",
        f"c.JupyterHub.db_url = 'sqlite:///{tmp / 'jupyterhub.sqlite'}'",
        f"c.JupyterHub.cookie_secret_file = {str(tmp / 'cookie_secret')!r}",
        f"c.JupyterHub.pid_file = {str(tmp / 'hub.pid')!r}",
        "c.JupyterHub.cleanup_servers = True",
        "c.JupyterHub.authenticator_class = 'dummy'",
        f"c.DummyAuthenticator.password = {PASSWORD!r}",
        f"c.Authenticator.allowed_users = {set(users)!r}",
        "c.JupyterHub.spawner_class = 'simple'",
        f"c.SimpleLocalProcessSpawner.home_dir_template = {str(tmp / 'home' / '{username}')!r}",
        "c.Spawner.start_timeout = 120",
        "c.Spawner.http_timeout = 120",
        f"c.JupyterHub.load_groups = {({g: {'users': m} for g, m in groups.items()})!r}",
        "c.JupyterHub.services = [{'name': 'hv-test', 'api_token': %r}]" % api_token,
        "c.JupyterHub.load_roles = [{'name': 'hv-test', 'services': ['hv-test'], 'scopes': "
        "['admin:users', 'admin:servers', 'admin:groups', 'admin:server_state', 'list:users', 'tokens']}]",
        "# From deploy/config.yaml, as z2jh's jupyterhub_config.py applies it:",
        f"c.Spawner.cmd = {single['cmd']!r}",
        f"c.Spawner.environment = {environment!r}",
    ]
    if single.get("defaultUrl"):
        lines.append(f"c.Spawner.default_url = {single['defaultUrl']!r}")
    return "\n".join(lines) + "\n" + "\n".join(extra) + "\n"


@dataclass
class Hub:
    """A running JupyterHub (its proxy listens on `url`)."""

    url: str
    """The public address, e.g. http://127.0.0.1:PORT (no trailing slash)."""
    api_token: str
    proc: subprocess.Popen
    log: Path
    tmp: Path

    def api(self, method: str, path: str, body: dict | None = None, timeout: float = 30) -> dict:
        """Call the hub's REST API (`path` after /hub/api/) as the test's admin service."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"{self.url}/hub/api/{path}", data=data, method=method,
                                     headers={"Authorization": f"token {self.api_token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            text = resp.read()
        return json.loads(text) if text else {}

    def user(self, name: str) -> dict:
        return self.api("GET", f"users/{name}?include_stopped_servers=1")

    def spawn(self, name: str, timeout: float = 150) -> float:
        """Start `name`'s server through the API; return the seconds until the hub calls it ready."""
        began = time.monotonic()
        self.api("POST", f"users/{name}/server")
        deadline = began + timeout
        while time.monotonic() < deadline:
            server = self.user(name).get("servers", {}).get("", {})
            if server.get("ready"):
                return time.monotonic() - began
            if self.proc.poll() is not None:
                raise RuntimeError(self.tail())
            time.sleep(0.25)
        raise RuntimeError(f"{name}'s server not ready in {timeout}s:\n{self.tail()}")

    def server_pid(self, name: str) -> int:
        """The process id of `name`'s single-user server (the local spawner keeps it in its state)."""
        return int(self.user(name)["servers"][""]["state"]["pid"])

    def stop_server(self, name: str) -> None:
        try:
            self.api("DELETE", f"users/{name}/server")
        except urllib.error.HTTPError:
            pass

    def tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        """Stop the hub; with cleanup_servers it stops every user's server and the proxy first."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        try:  # anything its session left behind (a server or kernel that ignored SIGTERM)
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def start_hub(tmp: Path, *, users: list[str], groups: dict[str, list[str]],
              secrets: dict[tuple[str, str], str], free_port) -> Hub:
    """Write the config, start `jupyterhub` in its own session, return once its API answers."""
    tmp.mkdir(parents=True, exist_ok=True)
    api_token = _secrets.token_hex(24)
    config = tmp / "jupyterhub_config.py"
    port = free_port()
    config.write_text(hub_config(tmp=tmp, port=port, hub_port=free_port(), proxy_port=free_port(), users=users,
                                 groups=groups, secrets=secrets, api_token=api_token), encoding="utf-8")
    scripts = sysconfig.get_path("scripts")
    env = {**os.environ, "PATH": f"{scripts}{os.pathsep}{os.environ.get('PATH', '')}", "PYTHONUNBUFFERED": "1"}
    for key in [k for k in env if k.startswith(("HOCVUSO_", "JUPYTERHUB_", "VOILA_"))] + ["NBGRADER_EXECUTION"]:
        env.pop(key, None)
    log = tmp / "hub.log"
    with log.open("wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=tmp, env=env,
                                stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    hub = Hub(url=f"http://127.0.0.1:{port}", api_token=api_token, proc=proc, log=log, tmp=tmp)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyterhub exited with {proc.returncode}:\n{hub.tail()}")
        try:
            hub.api("GET", "", timeout=5)
            return hub
        except (OSError, ValueError):
            time.sleep(0.3)
    hub.stop()
    raise RuntimeError(f"jupyterhub did not answer in 90 s:\n{hub.tail()}")


def log_in(page, hub: Hub, name: str, next_path: str) -> None:
    """Sign `name` in on the hub's own login form (as a pupil does), then open `next_path`."""
    page.goto(f"{hub.url}/hub/login?next={urllib.request.quote(next_path)}")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("[type=submit]")
