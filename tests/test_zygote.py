"""Lesson kernels forked from the preloaded zygote (hocvuso.classroom.kernels).

Real kernels through jupyter_client's own KernelManager and the classroom's kernel specs: a forked
kernel must be indistinguishable from a fresh one to the lesson (its environment, folder and command
line), obey interrupt, restart and shutdown, leave nothing behind, and cost much less memory. When
the zygote is gone, kernels must still start (the ordinary way).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from jupyter_client import KernelManager
from jupyter_client.connect import write_connection_file

from hocvuso.classroom._app import ClassroomKernelSpecManager
from hocvuso.classroom.kernels import _provisioner
from hocvuso.classroom.kernels._provisioner import ForkedKernel, Zygote, stop_zygote, zygote_pid

pytestmark = pytest.mark.slow

LESSON_CELL = 'from hocvuso.widgets import ScamInbox\nhop_thu = ScamInbox("hop-thu-1", task_id="hop-thu")\nhop_thu'
# Not tldextract: an inbox's first answer reads registrable domains for "show me", so the zygote preloads
# it, shared by every forked kernel (bench/classroom.py: 41 → 32 MB PSS per learner, round trip p95 1.7 s
# → 0.2 s with 40 learners answering at once).
HEAVY = ("nbgrader", "nbconvert", "jupyter_server", "voila", "debugpy")


@pytest.fixture(autouse=True)
def fresh_zygote():
    """Every test starts with no zygote (and none turned off) and leaves none behind."""
    stop_zygote()
    yield
    stop_zygote()


@pytest.fixture
def kernels(tmp_path: Path):
    """start(env=..., cwd=...) -> (KernelManager, client) of a classroom kernel; all shut down at the end."""
    started: list[tuple[KernelManager, object]] = []

    def start(*, env: dict[str, str] | None = None, cwd: Path | None = None):
        km = KernelManager(kernel_name="python3", kernel_spec_manager=ClassroomKernelSpecManager(), transport="ipc",
                           connection_file=str(tmp_path / f"kernel-{len(started)}.json"))
        km.start_kernel(env=env if env is not None else dict(os.environ), cwd=str(cwd or tmp_path))
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        started.append((km, kc))
        return km, kc

    yield start
    for km, kc in started:
        kc.stop_channels()
        if km.has_kernel:
            km.shutdown_kernel(now=True)


def run(kc, code: str, timeout: float = 60) -> str:
    """Execute `code`; its stdout (fails on an error)."""
    out: list[str] = []
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda m: out.append(
        m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
    assert reply["content"]["status"] == "ok", reply["content"]
    return "".join(out)


def gone(pid: int, timeout: float = 10, *, reaped: bool = True) -> bool:
    """Has `pid` exited within `timeout`, and (`reaped`) been reaped by its parent?

    An orphan's reaping is init's business (`reaped=False`): it only has to have exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE and not reaped:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.1)
    return False


def rollup(pid: int) -> tuple[float, float]:
    """(PSS, USS) of `pid` in MB, from /proc/PID/smaps_rollup."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, value = line.split(":", 1)
        fields[key] = int(value.split()[0]) / 1024
    return fields["Pss"], fields["Private_Clean"] + fields["Private_Dirty"]


def test_a_forked_kernel_runs_with_the_environment_folder_and_command_line_it_was_given(kernels, tmp_path):
    lesson = tmp_path / "bai-hoc"
    lesson.mkdir()
    env = {**os.environ, "HOCVUSO_TEST_MARK": "chao", "HOCVUSO_LOCALE": "en"}
    km, kc = kernels(env=env, cwd=lesson)

    assert isinstance(km.provisioner.process, ForkedKernel)
    zygote = psutil.Process(zygote_pid())
    assert "hocvuso.classroom.kernels._zygote" in zygote.cmdline()
    kernel = psutil.Process(km.provisioner.pid)
    assert kernel.ppid() == zygote.pid
    assert (kernel.name(), zygote.name()) == ("hocvuso-kernel", "hocvuso-zygote")  # as `top` shows them
    assert "HOCVUSO_TEST_MARK" not in zygote.environ()  # the kernel's environment is its own, not the zygote's

    out = json.loads(run(kc, "import json, os, sys\n"
                             "from hocvuso.core import get_locale\n"
                             "loaded = {m.split('.')[0] for m, v in sys.modules.items() if v is not None}\n"
                             f"heavy = sorted(loaded & {set(HEAVY)!r})\n"
                             "from ipykernel.kernelapp import IPKernelApp\n"
                             "app = IPKernelApp.instance()\n"
                             "print(json.dumps([os.environ.get('HOCVUSO_TEST_MARK'), os.getcwd(), sys.argv, "
                             "get_locale(), os.environ['JPY_PARENT_PID'], app.parent_handle, "
                             "getattr(app.poller, 'parent_pid', None), os.getppid(), os.getpgid(0), heavy]))"))
    mark, cwd, argv, locale, parent_env, parent_handle, polled, ppid, pgid, heavy = out
    assert mark == "chao"
    assert cwd == str(lesson)
    assert argv[0].endswith(os.path.join("classroom", "kernels", "_kernel.py"))
    assert argv[1:] == ["-f", km.connection_file]
    assert locale == "en"  # read from the kernel's environment, not the value the zygote imported with
    # The kernel watches its parent, the zygote (ipykernel read JPY_PARENT_PID when the zygote imported it).
    assert int(parent_env) == parent_handle == polled == ppid == zygote.pid
    assert pgid == km.provisioner.pid  # its own process group: an interrupt reaches it, not the zygote
    assert heavy == []  # the zygote preloads only what a lesson kernel imports anyway


def test_interrupt_stops_a_running_cell_with_keyboard_interrupt(kernels):
    km, kc = kernels()
    assert isinstance(km.provisioner.process, ForkedKernel)
    msg_id = kc.execute("import time\ntime.sleep(60)")
    time.sleep(1.0)
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=20)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt"
    assert run(kc, "print(6 * 7)").strip() == "42"  # and the kernel lives on


def test_restart_forks_a_new_kernel_and_the_old_one_is_gone(kernels):
    km, kc = kernels()
    run(kc, "x = 1")
    old = km.provisioner.pid
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=60)
    assert isinstance(km.provisioner.process, ForkedKernel) and km.provisioner.pid != old
    assert gone(old)
    assert run(kc, "print('x' in globals())").strip() == "False"


def test_shutdown_leaves_no_kernel_process_and_no_zombie(kernels):
    started = [kernels() for _ in range(3)]
    pids = [km.provisioner.pid for km, _ in started]
    zygote = psutil.Process(zygote_pid())
    assert sorted(p.pid for p in zygote.children()) == sorted(pids)
    for km, kc in started:
        kc.stop_channels()
        km.shutdown_kernel()
    assert all(gone(pid) for pid in pids)  # gone() also waits out zombies: the zygote reaps them
    assert zygote.children() == []


def test_when_the_zygote_dies_its_kernels_exit_and_new_kernels_start_the_ordinary_way(kernels):
    km, kc = kernels()
    forked = km.provisioner.pid
    os.kill(zygote_pid(), signal.SIGKILL)
    assert gone(forked, reaped=False)  # orphaned kernels do not linger (parent-death signal)

    km2, kc2 = kernels()
    assert isinstance(km2.provisioner.process, subprocess.Popen)
    assert run(kc2, "print(6 * 7)").strip() == "42"
    assert zygote_pid() is None

    km.restart_kernel(now=True)  # the dead kernel's restart also comes back, the ordinary way
    kc.wait_for_ready(timeout=60)
    assert isinstance(km.provisioner.process, subprocess.Popen)
    assert run(kc, "print(1 + 1)").strip() == "2"


def test_a_zygote_that_cannot_preload_gives_way_to_ordinary_kernels(kernels, tmp_path, monkeypatch, caplog):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "anywidget.py").write_text("raise ImportError('this anywidget is broken')\n")
    monkeypatch.setenv("PYTHONPATH", str(broken))  # the zygote inherits it from the "server" (this process)
    km, kc = kernels()
    assert isinstance(km.provisioner.process, subprocess.Popen)
    assert run(kc, "print(6 * 7)").strip() == "42"
    kernels()
    warnings = [r.getMessage() for r in caplog.records if "hocvuso.classroom.kernels._zygote" in r.getMessage()]
    assert len(warnings) == 1 and "this anywidget is broken" in warnings[0], warnings


def test_a_kernel_whose_interpreter_environment_differs_starts_the_ordinary_way(kernels, tmp_path):
    km, kc = kernels(env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert isinstance(km.provisioner.process, subprocess.Popen)
    assert str(tmp_path) in run(kc, "import sys; print(sys.path)")
    km2, _ = kernels()
    assert isinstance(km2.provisioner.process, ForkedKernel)  # the zygote still serves the others


def test_the_zygote_exits_when_the_server_closes_its_end_and_takes_its_kernels(tmp_path):
    zygote = Zygote()
    try:
        connection, _ = write_connection_file(str(tmp_path / "kernel-z.json"), transport="ipc",
                                              ip=str(tmp_path / "kernel-z-ipc"))
        pid, pidfd = zygote.spawn([sys.executable, "-m", "hocvuso.classroom.kernels._kernel", "-f", connection],
                                  dict(os.environ), str(tmp_path))
        kernel = ForkedKernel(pid, pidfd)
        assert kernel.poll() is None and psutil.Process(pid).ppid() == zygote.pid
        zygote._sock.close()
        assert zygote.process.wait(timeout=10) is not None
        assert kernel.wait(timeout=10) == 0 and gone(pid, reaped=False)
    finally:
        if zygote.process.poll() is None:
            zygote.process.kill()
            zygote.process.wait()


def test_the_zygote_exits_when_the_server_is_killed(tmp_path):
    script = ("import sys, time\nfrom hocvuso.classroom.kernels._provisioner import Zygote\n"
              "z = Zygote()\nprint(z.pid, flush=True)\ntime.sleep(600)\n")
    server = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        pid = int(server.stdout.readline())
        assert psutil.Process(pid).ppid() == server.pid
    finally:
        server.kill()
        server.wait()
    assert gone(pid, reaped=False)


def test_forked_kernels_that_ran_the_lesson_use_far_less_memory(kernels, tmp_path, monkeypatch):
    """PSS spreads shared pages over the processes sharing them: with the zygote and two kernels each
    kernel carries a third of them, so four kernels are measured (a class has forty). USS, the pages
    only this kernel has, does not depend on how many share. A fresh kernel: ~72 MB PSS, ~70 MB USS."""
    monkeypatch.setenv("HOCVUSO_DB", f"sqlite:///{tmp_path / 'class.sqlite'}")
    started = [kernels() for _ in range(4)]
    for km, kc in started:
        assert isinstance(km.provisioner.process, ForkedKernel)
        run(kc, LESSON_CELL)
    time.sleep(1.0)
    sizes = [rollup(km.provisioner.pid) for km, _ in started]
    report = ", ".join(f"PSS {pss:.1f} / USS {uss:.1f} MB" for pss, uss in sizes)
    assert all(pss < 45 for pss, _ in sizes), report
    assert all(uss < 35 for _, uss in sizes), report


def test_the_classroom_server_forks_its_lesson_kernels(classroom_factory):
    server = classroom_factory(class_size=2)
    server.wait_pool()
    tree = psutil.Process(server.proc.pid).children(recursive=True)
    zygotes = [p for p in tree if "hocvuso.classroom.kernels._zygote" in " ".join(p.cmdline())
               and "hocvuso.classroom.kernels._zygote" not in " ".join(p.parent().cmdline())]
    assert len(zygotes) == 1, [p.cmdline() for p in tree]
    assert len(zygotes[0].children()) >= 2  # the warm lesson's pool
    # none started the ordinary way
    assert not [p for p in tree if "hocvuso.classroom.kernels._kernel" in " ".join(p.cmdline())]
    assert "cannot be used" not in server.log.read_text(errors="replace")


def test_the_provisioner_is_registered_for_the_classroom_kernel_spec():
    spec = ClassroomKernelSpecManager().get_kernel_spec("python3")
    assert spec.metadata["kernel_provisioner"]["provisioner_name"] == _provisioner.PROVISIONER_NAME
    from jupyter_client.provisioning.factory import KernelProvisionerFactory

    assert KernelProvisionerFactory.instance().provisioners[_provisioner.PROVISIONER_NAME].load() \
        is _provisioner.ForkProvisioner
    # The installed metadata (the entry point jupyter_client reads) names the module where it lives now:
    # after a move, `pip install -e .` (scripts/test.sh does it when pyproject.toml changed) updates it.
    from importlib.metadata import entry_points

    [installed] = [e for e in entry_points(group="jupyter_client.kernel_provisioners")
                   if e.name == _provisioner.PROVISIONER_NAME]
    assert installed.value == f"{_provisioner.__name__}:ForkProvisioner"
