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

For the teacher at the terminal: a class lives in its store, so a restart without a class code
continues the class the store served last (`new_class` starts another); Voilà's and the kernels'
routine lines go to a log file; the QR code, the addresses a phone can use, the class code and the
PIN are the last lines on screen, printed again when the class's kernels are ready; Ctrl-C or
SIGTERM stops everything quietly and folds the SQLite store into its one file.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, Callable

from hocvuso.core import Roster, SqlStore, StoreError
from hocvuso.core.config import Settings
from hocvuso.core.database import checkpoint, shown_url, store_url
from hocvuso.core.identity import check_pin_strength, clean_class_code, new_code, new_pin
from hocvuso.notebooks import find_lesson, lesson_notebooks

from .urls import normal_base, site_url

DEFAULT_DB = "sqlite:///hocvuso-classroom.sqlite"
DEFAULT_WARM = "lua-dao-tin-nhan"
DEFAULT_LOG = "hocvuso-classroom.log"
STOP_SECONDS = 20.0
"""How long a stopping server may take to shut its kernels down before it is killed."""


@dataclass(frozen=True, kw_only=True)
class ServeConfig:
    """How to run one classroom server."""

    lessons: tuple[str, ...] = ()
    """Lesson folders to offer, in catalogue order (empty: every bundled lesson)."""
    host: str = "0.0.0.0"
    """Address to listen on (0.0.0.0: every network interface, so phones on the LAN can connect)."""
    port: int = 8866
    """Port to listen on."""
    base_url: str = "/"
    """Path the classroom is served under ("/"; "/user/NAME/" behind a hub): every page, form, redirect and
    cookie the server makes is under it (`urls.site_url`)."""
    class_code: str = ""
    """Code learners type to join; empty: continue the class this store served last (or a new one)."""
    new_class: bool = False
    """Start a new class even when the store has served one before."""
    pin: str = ""
    """Teacher PIN for the dashboard; empty: a new random one (printed)."""
    db_url: str = DEFAULT_DB
    """Where the roster and the submissions go (any SQLAlchemy URL; `serve` resolves it once, `store_url`)."""
    locale: str = "vi"
    """Language the pages start in."""
    class_size: int = 40
    """Learners expected at once: the preheated pool of the warm lesson."""
    warm: str = ""
    """Lesson that gets the class-size pool (default: the scam lesson if offered, else the first)."""
    other_pool: int = 1
    """Preheated kernels for each other lesson (one: the first visitor is served at once, and 16 lessons
    of the weekly series do not hold half a gigabyte of kernels nobody opened)."""
    preheat: bool = True
    """Use Voilà's kernel pool (False: stock behaviour, a kernel started per visit)."""
    fill_delay: float = 60.0
    """Seconds before a used pooled kernel is replaced (refill work competes with page loads)."""
    cull_idle_timeout: int = 1200
    """Seconds after which a kernel nobody is connected to is shut down."""
    cull_interval: int = 60
    """How often idle kernels are looked for."""
    course: str = ""
    """A judge's nbgrader course: the server opens the upload page that files hand-ins into it."""
    verbose: bool = False
    """Show Voilà's and the kernels' lines on the terminal instead of only in `log_file`."""
    log_file: str = DEFAULT_LOG
    """Where the server's routine lines go (when not verbose)."""
    extra_args: tuple[str, ...] = field(default_factory=tuple)
    """More Voilà options, passed through."""


def build_site(config: ServeConfig, root: Path | None = None) -> tuple[Path, list[str]]:
    """Copy the lessons and the dashboard into a fresh folder; return (folder, lesson names)."""
    root = Path(root) if root is not None else Path(tempfile.mkdtemp(prefix="hocvuso-class-"))
    names = list(config.lessons) or [p.parent.name for p in lesson_notebooks()]
    if DEFAULT_WARM in names and not config.lessons:
        names.remove(DEFAULT_WARM)
        names.insert(0, DEFAULT_WARM)  # the lesson most classes start with comes first
    for name in names:
        source = find_lesson(name)
        shutil.copytree(source.parent, root / name, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.hocvuso.json", "__pycache__"))
    dash = root / "giao-vien"
    dash.mkdir(exist_ok=True)
    shutil.copyfile(_dashboard_notebook(), dash / "bang-dieu-khien.ipynb")
    return root, names


def _dashboard_notebook() -> Path:
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
        f"--Voila.base_url={normal_base(config.base_url)}",
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


def settings_of(config: ServeConfig, names: list[str], base: Settings | None = None) -> Settings:
    """The settings the server and (inherited) every kernel run with: store, class, language, lessons,
    pools and course from `config`; the rest (kernel limits, zygote, …) as `base` (default: this
    process's environment) has them."""
    return replace(base or Settings.from_env(), db=store_url(config.db_url), class_code=config.class_code,
                   locale=config.locale, lessons=tuple(names),
                   pools=pools(config, names) if config.preheat else {},
                   course=str(Path(config.course).resolve()) if config.course else "")


def voila_env(config: ServeConfig, names: list[str]) -> dict[str, str]:
    """Environment of the server and (inherited) of every kernel: this one's, with `settings_of(config)`."""
    env = settings_of(config, names).environ()
    env.pop("NBGRADER_EXECUTION", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def prepare_class(config: ServeConfig) -> tuple[ServeConfig, str]:
    """Choose the class, create its tables and set its teacher PIN; return the completed config and how the
    class was chosen: "given" (--class-code), "continued" (the store's last class) or "new".
    `config.db_url` is the resolved URL (`serve` makes it so).

    Raises HocvusoError (StoreError, SignInRefused) with one line a teacher can act on.
    """
    url = config.db_url
    # Create every table now, once: 40 kernels starting together would otherwise race to create them.
    SqlStore(url)
    roster = Roster(url)
    if config.class_code:
        code, how = clean_class_code(config.class_code), "given"
    else:
        last = None if config.new_class else roster.last_served()
        code, how = (last, "continued") if last else (new_code(6), "new")
    try:
        pin = check_pin_strength(config.pin) if config.pin else new_pin()
    except ValueError as exc:
        raise StoreError(f"--pin: {exc}") from None
    roster.ensure_class(code, pin=pin)
    roster.mark_served(code)
    return replace(config, class_code=code, pin=pin), how


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
            found.append(str(info[4][0]))
    except OSError:
        pass
    out = []
    for ip in found:
        if ip not in out and not ip.startswith("127."):
            out.append(ip)
    return out


def _listens_everywhere(config: ServeConfig) -> bool:
    return config.host in ("0.0.0.0", "", "::")


def urls_of(config: ServeConfig) -> list[str]:
    """The addresses a phone can open, each with the class code pre-filled (this computer's own address
    only when it has no other, e.g. no Wi-Fi yet)."""
    query = f"?lop={config.class_code}" if config.class_code else ""
    hosts = (lan_addresses() or ["127.0.0.1"]) if _listens_everywhere(config) else [config.host]
    return [f"http://{h}:{config.port}{site_url(config.base_url)}{query}" for h in hosts]


def url_of(config: ServeConfig) -> str:
    """The first address a learner opens."""
    return urls_of(config)[0]


def qr_text(url: str) -> str:
    """A QR code of `url` drawn with text blocks, for the terminal."""
    import qrcode  # noqa: PLC0415 - only the terminal's banner needs it; lesson kernels import this package

    qr = qrcode.QRCode(border=1, error_correction=qrcode.constants.ERROR_CORRECT_L)
    qr.add_data(url)
    qr.make(fit=True)
    buf = io.StringIO()
    qr.print_ascii(out=buf, invert=True)
    return buf.getvalue()


def banner(config: ServeConfig, *, how: str = "given", version: str = "") -> str:
    """What the teacher needs, as the last lines on the terminal: QR code, addresses, class code, PIN."""
    urls = urls_of(config)
    home = urls[0].split("?")[0]
    chosen = {"continued": "tiếp tục lớp cũ / continuing the last class", "new": "lớp mới / new class",
              "given": "theo --class-code / from --class-code"}[how]
    lines = [f"hocvuso {version}: lớp học / classroom".replace("  ", " "), qr_text(urls[0]).rstrip("\n")]
    lines += [f"Mở trên điện thoại / open on a phone: {url}" for url in urls]
    lines += [f"Mã lớp / class code:            {config.class_code}   ({chosen})",
              f"Mã PIN giáo viên / teacher PIN: {config.pin}   (bảng điều khiển / dashboard: "
              f"{home}voila/render/giao-vien/bang-dieu-khien.ipynb)"]
    if config.course:
        lines.append(f"Nộp bài / hand in: {home}hv/nop-bai  (khóa học / course: {config.course})")
    lines.append(f"Dữ liệu / data: {shown_url(config.db_url)}")
    if not config.verbose:
        lines.append(f"Nhật ký máy chủ / server log: {Path(config.log_file).resolve()}")
    lines.append("Dừng bằng Ctrl-C / stop with Ctrl-C")
    return "\n".join(lines)


def serve(*, version: str = "", say: Callable[[str], None] = print, **options: Any) -> int:
    """`hocvuso serve`: check the lessons, choose the class, print what the teacher needs, serve until stopped;
    return the server's exit code (0 after Ctrl-C / SIGTERM).

    `options` are `ServeConfig`'s fields (lessons=, host=, port=, class_code=, new_class=, pin=, db_url=,
    locale=, class_size=, warm=, other_pool=, preheat=, fill_delay=, cull_idle_timeout=, cull_interval=,
    course=, verbose=, log_file=, extra_args=), with its defaults. `version` goes into the banner; `say`
    prints a line for the teacher.

    Raises HocvusoError / SignInRefused / LookupError with one line for a wrong option, before anything runs.
    """
    config = ServeConfig(**options)
    for name in config.lessons:
        find_lesson(name)
    # The store's URL made absolute (and its driver named) once, here: the banner, the server, every
    # kernel (whose working folder is its lesson's) and the clean stop all use this one.
    config = replace(config, db_url=store_url(config.db_url))
    config, how = prepare_class(config)
    text = banner(config, how=how, version=version)
    if config.preheat:
        text += (f"\nĐang chuẩn bị {config.class_size} phiên học... / warming up {config.class_size} sessions "
                 f"(about {max(5, config.class_size * 3 // 4)} s); these lines are printed again when ready.")
    say(text)
    return run(config, say=say, again=banner(config, how=how, version=version))


def _ready_url(config: ServeConfig) -> str:
    host = "127.0.0.1" if _listens_everywhere(config) else config.host
    return f"http://{host}:{config.port}{site_url(config.base_url, 'hv/ready')}"


def _pools_warm(config: ServeConfig) -> bool:
    """True once every preheated pool is full (`/hv/ready`, which answers this computer only)."""
    try:
        with urllib.request.urlopen(_ready_url(config), timeout=2) as answer:
            status = json.loads(answer.read() or b"{}")
    except (OSError, ValueError):
        return False
    return bool(status) and all(p.get("warm", 0) >= p.get("target", 0) for p in status.values())


def _announce_when_ready(config: ServeConfig, proc: subprocess.Popen, say: Callable[[str], None],
                         again: str) -> None:
    """Print `again` once the class's kernels are ready (or once the server answers, without a pool)."""
    while proc.poll() is None:
        if _pools_warm(config) if config.preheat else _answers(config):
            say("\nLớp đã sẵn sàng / the class is ready.\n" + again)
            return
        time.sleep(1.0)


def _answers(config: ServeConfig) -> bool:
    try:
        with urllib.request.urlopen(_ready_url(config), timeout=2):
            return True
    except OSError:
        return False


def run(config: ServeConfig, *, site: Path | None = None, say: Callable[[str], None] = print,
        again: str = "") -> int:
    """Serve the class in the foreground until Ctrl-C / SIGTERM; return the server's exit code.

    The server runs in a session of its own, so Ctrl-C reaches only this process, which then stops the
    server in order (its kernels first): no half-dead kernel prints a traceback. Its output goes to
    `config.log_file` unless verbose; if it fails, the log's last lines are shown.
    """
    site_dir, names = build_site(config, site)
    own_site = site is None
    # The log may name learners: readable by the teacher's account only.
    log = None if config.verbose else os.fdopen(os.open(config.log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND,
                                                        0o600), "ab")
    stopping = threading.Event()
    try:
        proc = subprocess.Popen(voila_command(config, site_dir), env=voila_env(config, names), cwd=site_dir,
                                stdout=log, stderr=subprocess.STDOUT if log else None, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    except OSError:
        if log:
            log.close()
        raise

    def _stop(_sig=None, _frame=None):
        stopping.set()
        if proc.poll() is None:
            proc.terminate()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    if again:
        threading.Thread(target=_announce_when_ready, args=(config, proc, say, again), daemon=True).start()
    try:
        code = _wait(proc, stopping)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _end_group(proc)
        if log:
            log.close()
        if own_site:
            shutil.rmtree(site_dir, ignore_errors=True)
    folded = checkpoint(config.db_url)
    if stopping.is_set():
        say("Đã dừng lớp học; mọi câu trả lời đã được lưu. / The class is stopped; every answer is kept."
            + ("" if folded else f"\n(The store's journal {shown_url(config.db_url)}-wal stays beside "
                                 "it: copy both files, or start and stop the class once more.)"))
        return 0
    if code != 0 and not config.verbose:
        say(f"Máy chủ dừng với lỗi {code} / the server stopped with error {code}. "
            f"Cuối nhật ký / end of the log ({Path(config.log_file).resolve()}):\n{_tail(config.log_file)}")
    return code


def _wait(proc: subprocess.Popen, stopping: threading.Event) -> int:
    """The server's exit code; once a stop was asked, at most STOP_SECONDS before it is killed."""
    while True:
        try:
            return proc.wait(timeout=STOP_SECONDS if stopping.is_set() else 0.5)
        except subprocess.TimeoutExpired:
            if stopping.is_set():
                proc.kill()
                return proc.wait()


def _end_group(proc: subprocess.Popen) -> None:
    """Kill whatever the server's session left behind (a kernel stuck in a learner's loop)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _tail(path: str, lines: int = 15) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 16384))
            return "\n".join(fh.read().decode("utf-8", "replace").splitlines()[-lines:])
    except OSError:
        return ""


__all__ = ["ServeConfig", "banner", "build_site", "pools", "prepare_class", "qr_text", "run", "serve", "settings_of",
           "url_of", "urls_of",
           "voila_command", "voila_env"]
