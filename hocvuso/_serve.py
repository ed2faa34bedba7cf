"""`hocvuso serve`: the classroom — lesson catalogue, sign-in, lessons and teacher dashboard — on the LAN.

What the defaults guard against (see the shared notes on Voilà in classrooms):

* execute requests from the browser stay refused (standalone Voilà only lets widget messages through);
  templates and themes cannot be switched from the URL; tracebacks and code are not shown;
* a class arriving at once: the lesson the teacher starts with gets a preheated kernel pool the size
  of the class, the other lessons a small one; the pool refills slowly (`fill_delay`) so refilling
  does not starve the static files that the arriving phones still need;
* kernels talk over IPC sockets (no TCP port race at start-up); idle kernels of closed tabs are culled
  (the shutdown beacon of Voilà 0.5 fails, so without culling every reload leaks a kernel);
* no request leaves the LAN: the page template drops the lab template's CDN links.

The served folder is a fresh temporary copy of the lessons plus the dashboard notebook, so the
database and anything else in the working directory is never under Voilà's file handler.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DB = "sqlite:///hocvuso-classroom.sqlite"
DEFAULT_WARM = "lua-dao-tin-nhan"


@dataclass(frozen=True, kw_only=True)
class ServeConfig:
    """How to run one classroom server."""

    lessons: tuple[str, ...] = ()
    """Lesson folders to offer, in catalogue order (empty: every bundled lesson)."""
    host: str = "0.0.0.0"
    """Address to listen on (0.0.0.0: every network interface, so phones on the LAN can connect)."""
    port: int = 8866
    """Port to listen on."""
    class_code: str = ""
    """Code learners type to join (must be set: `hocvuso serve` generates one)."""
    pin: str = ""
    """Teacher PIN for the dashboard (must be set: `hocvuso serve` generates one)."""
    db_url: str = DEFAULT_DB
    """Where the roster and the submissions go (any SQLAlchemy URL)."""
    locale: str = "vi"
    """Language the pages start in."""
    class_size: int = 40
    """Learners expected at once: the preheated pool of the warm lesson."""
    warm: str = ""
    """Lesson that gets the class-size pool (default: the scam lesson if offered, else the first)."""
    other_pool: int = 2
    """Preheated kernels for each other lesson."""
    preheat: bool = True
    """Use Voilà's kernel pool (False: stock behaviour, a kernel started per visit)."""
    fill_delay: float = 60.0
    """Seconds before a used pooled kernel is replaced (refill work competes with page loads)."""
    cull_idle_timeout: int = 1200
    """Seconds after which a kernel nobody is connected to is shut down."""
    cull_interval: int = 60
    """How often idle kernels are looked for."""
    extra_args: tuple[str, ...] = field(default_factory=tuple)
    """More Voilà options, passed through."""


def build_site(config: ServeConfig, root: Path | None = None) -> tuple[Path, list[str]]:
    """Copy the lessons and the dashboard into a fresh folder; return (folder, lesson names)."""
    from hocvuso import _lessons

    root = Path(root) if root is not None else Path(tempfile.mkdtemp(prefix="hocvuso-class-"))
    names = list(config.lessons) or [p.parent.name for p in _lessons.lesson_notebooks()]
    if DEFAULT_WARM in names and not config.lessons:
        names.remove(DEFAULT_WARM)
        names.insert(0, DEFAULT_WARM)  # the lesson most classes start with comes first
    for name in names:
        source = _lessons.find_lesson(name)
        shutil.copytree(source.parent, root / name, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.hocvuso.json", "__pycache__"))
    dash = root / "giao-vien"
    dash.mkdir(exist_ok=True)
    shutil.copyfile(_dashboard_notebook(), dash / "bang-dieu-khien.ipynb")
    return root, names


def _dashboard_notebook() -> Path:
    from importlib import resources

    return Path(str(resources.files("hocvuso.classroom").joinpath("dashboard.ipynb")))


def pools(config: ServeConfig, names: list[str]) -> dict:
    """Voilà's kernel_pools_config: the warm lesson sized to the class, others small, the dashboard none."""
    warm = config.warm or (DEFAULT_WARM if DEFAULT_WARM in names else (names[0] if names else ""))
    out: dict = {"default": {"pool_size": 0}}
    for name in names:
        out[f"{name}/{name}.ipynb"] = {"pool_size": config.class_size if name == warm else config.other_pool}
    return out


def voila_command(config: ServeConfig, site: Path) -> list[str]:
    """The exact command line that starts the classroom server over `site`."""
    cmd = [
        sys.executable, "-m", "hocvuso.classroom", str(site),
        "--no-browser",
        f"--port={config.port}",
        "--Voila.port_retries=0",
        f"--Voila.ip={config.host}",
        "--KernelManager.transport=ipc",
        f"--MappingKernelManager.cull_interval={config.cull_interval}",
        f"--MappingKernelManager.cull_idle_timeout={config.cull_idle_timeout}",
        "--MappingKernelManager.cull_connected=False",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.http_header_envs=Cookie",
    ]
    if config.preheat:
        cmd += ["--preheat_kernel=True", "--pool_size=0", f"--VoilaKernelManager.fill_delay={config.fill_delay}"]
    return [*cmd, *config.extra_args]


def voila_env(config: ServeConfig, names: list[str]) -> dict[str, str]:
    """Environment of the server and (inherited) of every kernel: store, class, language, pools."""
    env = dict(os.environ)
    env.pop("NBGRADER_EXECUTION", None)
    env["HOCVUSO_DB"] = absolute_db_url(config.db_url)
    env["HOCVUSO_CLASS"] = config.class_code
    env["HOCVUSO_LOCALE"] = config.locale
    env["HOCVUSO_LESSONS"] = ",".join(names)
    env["HOCVUSO_POOLS"] = json.dumps(pools(config, names)) if config.preheat else ""
    env["PYTHONUNBUFFERED"] = "1"
    return env


def absolute_db_url(url: str) -> str:
    """A relative SQLite path is made absolute: kernels run in the lesson's folder, not here."""
    import sqlalchemy as sa

    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        return parsed.set(database=str(Path(parsed.database).expanduser().resolve())).render_as_string(
            hide_password=False)
    return url


def prepare_class(config: ServeConfig) -> None:
    """Create the class in the roster (or keep it) and set its teacher PIN."""
    from hocvuso.core import Roster, SqlStore

    url = absolute_db_url(config.db_url)
    # Create every table now, once: 40 kernels starting together would otherwise race to create them.
    SqlStore(url)
    Roster(url).ensure_class(config.class_code, pin=config.pin)


def lan_addresses() -> list[str]:
    """This computer's IPv4 addresses other phones can reach (best effort, no network traffic)."""
    found: list[str] = []
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))  # UDP connect sends nothing; it picks the LAN interface
            found.append(s.getsockname()[0])
    except OSError:
        pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(info[4][0])
    except OSError:
        pass
    out = []
    for ip in found:
        if ip not in out and not ip.startswith("127."):
            out.append(ip)
    return out


def urls_of(config: ServeConfig) -> list[str]:
    """The addresses a learner opens (LAN first), each with the class code pre-filled."""
    query = f"?lop={config.class_code}" if config.class_code else ""
    if config.host in ("0.0.0.0", "", "::"):
        hosts = lan_addresses() + ["127.0.0.1"]
    else:
        hosts = [config.host]
    return [f"http://{h}:{config.port}/{query}" for h in hosts]


def url_of(config: ServeConfig) -> str:
    """The first address a learner opens."""
    return urls_of(config)[0]


def qr_text(url: str) -> str:
    """A QR code of `url` drawn with text blocks, for the terminal."""
    import io

    import qrcode

    qr = qrcode.QRCode(border=1, error_correction=qrcode.constants.ERROR_CORRECT_L)
    qr.add_data(url)
    qr.make(fit=True)
    buf = io.StringIO()
    qr.print_ascii(out=buf, invert=True)
    return buf.getvalue()


def run(config: ServeConfig, *, site: Path | None = None) -> int:
    """Start the classroom server in the foreground until Ctrl-C / SIGTERM; return its exit code."""
    site_dir, names = build_site(config, site)
    own_site = site is None
    proc = subprocess.Popen(voila_command(config, site_dir), env=voila_env(config, names), cwd=site_dir)

    def _stop(_sig, _frame):
        proc.terminate()

    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        try:
            return proc.wait()
        except KeyboardInterrupt:
            proc.terminate()
            try:
                return proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                return proc.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
        if own_site:
            shutil.rmtree(site_dir, ignore_errors=True)


__all__ = ["ServeConfig", "build_site", "pools", "prepare_class", "qr_text", "run", "url_of", "urls_of",
           "voila_command", "voila_env"]
