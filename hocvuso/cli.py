"""The `hocvuso` command: a thin click layer over library functions.

Each command parses its options and calls one keyword-only library function; its defaults and bounds
come from that library (written once there). hocvuso's own errors become one clear line on stderr
(`_OneLineErrors`), never a traceback. The judges' pipeline, the spreadsheet code and the content check
are imported by their command only, so `hocvuso --help` and `hocvuso serve` do not load nbgrader.
"""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from hocvuso.classroom import ServeConfig
from hocvuso.classroom import serve as serve_classroom
from hocvuso.core import HocvusoError
from hocvuso.grader import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, MIN_MEMORY_MB, MIN_TIMEOUT, self_check

from ._version import __version__


class _OneLineErrors(click.Group):
    """Runs a command (of this group or a subgroup) and turns a HocvusoError into one line on stderr,
    preceded by its `problems`, one a line, when it lists them (a refused spreadsheet's rows)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except HocvusoError as exc:
            for problem in getattr(exc, "problems", ()):
                click.echo(problem, err=True)
            raise click.ClickException(str(exc).strip("'\"")) from None


@click.group(cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="hocvuso")
def main() -> None:
    """hocvuso — Bình dân học vụ số: bài học tương tác, lớp học trên Voilà, chấm thi nbgrader.

    Digital-literacy lessons, a classroom server and a contest grader.
    """


@main.command()
@click.option("--lesson", "lessons", multiple=True,
              help="Lesson to offer (repeat for several; default: every bundled lesson).")
@click.option("--host", default=ServeConfig.host, show_default=True,
              help="Address to listen on (0.0.0.0: phones on the same network can connect).")
@click.option("--port", default=ServeConfig.port, show_default=True, type=click.IntRange(1, 65535),
              help="Port to listen on.")
@click.option("--class-code", default=None,
              help="Code learners type to join (default: continue the class this store served last, else a new one).")
@click.option("--new-class", is_flag=True, help="Start a new class (a new code) even if the store has served one.")
@click.option("--pin", default=None, help="Teacher PIN for the dashboard, 6-12 digits (default: a new random one).")
@click.option("--db", "db_url", default=ServeConfig.db_url, show_default=True,
              help="Where the class and its submissions are stored (SQLite file or any SQLAlchemy URL, "
                   "e.g. postgresql://user:pw@host/db with `pip install 'hocvuso[postgres]'`).")
@click.option("--class-size", default=ServeConfig.class_size, show_default=True, type=click.IntRange(1, 500),
              help="Learners expected at once: kernels kept ready for the first lesson.")
@click.option("--warm", default=None, help="Lesson that gets the class-size pool (default: the scam lesson).")
@click.option("--other-pool", default=ServeConfig.other_pool, show_default=True, type=click.IntRange(0, 50),
              help="Kernels kept ready for each other lesson.")
@click.option("--fill-delay", default=ServeConfig.fill_delay, show_default=True, type=click.FloatRange(min=0),
              help="Seconds before a used ready kernel is replaced (refilling competes with arriving phones).")
@click.option("--no-preheat", is_flag=True, help="Start a kernel per visit instead (slow for a class; low memory).")
@click.option("--locale", type=click.Choice(["vi", "en"]), default=ServeConfig.locale, show_default=True,
              help="Language the pages start in.")
@click.option("--course", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="A judge's nbgrader course: opens the upload page (/hv/nop-bai) that files hand-ins into its "
                   "submitted/ folder with a receipt.")
@click.option("--log", "log_file", default=ServeConfig.log_file, show_default=True,
              help="Where the server's routine lines go.")
@click.option("--verbose", is_flag=True, help="Show the server's routine lines here instead of in --log.")
def serve(lessons: tuple[str, ...], host: str, port: int, class_code: str | None, new_class: bool, pin: str | None,
          db_url: str, class_size: int, warm: str | None, other_pool: int, fill_delay: float, no_preheat: bool,
          locale: str, course: Path | None, log_file: str, verbose: bool) -> None:
    """Mở lớp học trên mạng LAN. Serve the classroom: lessons, sign-in and teacher dashboard (Voilà)."""
    raise SystemExit(serve_classroom(
        lessons=lessons, host=host, port=port, class_code=class_code or "", new_class=new_class, pin=pin or "",
        db_url=db_url, locale=locale, class_size=class_size, warm=warm or "", other_pool=other_pool,
        preheat=not no_preheat, fill_delay=fill_delay, course=str(course or ""), log_file=log_file,
        verbose=verbose, version=__version__, say=click.echo))


@main.command()
@click.option("--course", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The nbgrader course folder (source/, release/, nbgrader_config.py).")
@click.option("--assignment", required=True, help="Assignment name (a folder under source/).")
@click.option("--submissions", type=click.Path(exists=True, path_type=Path), required=True,
              help="submitted/ folder (STUDENT/ASSIGNMENT/*.ipynb), a .zip of it, or a folder of STUDENT.ipynb.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where results go (default ./ket-qua-ASSIGNMENT). Rerun with the same --out to resume.")
@click.option("--workers", type=click.IntRange(1, 512), default=None, help="Parallel workers (default: CPU cores).")
@click.option("--timeout", type=click.FloatRange(min=MIN_TIMEOUT), default=DEFAULT_TIMEOUT, show_default=True,
              help="Wall-clock seconds per notebook.")
@click.option("--memory", type=click.IntRange(min=MIN_MEMORY_MB), default=DEFAULT_MEMORY_MB, show_default=True,
              help="Memory limit per notebook (MB).")
@click.option("--scheduler", default=None, help="Dask scheduler address (tcp://HOST:8786) to grade on a cluster.")
@click.option("--no-sandbox", "no_sandbox", is_flag=True,
              help="Grade even where student code cannot be isolated (results say isolation=none).")
@click.option("--deadline", default=None,
              help="Grade each student's last version handed in by then (ISO 8601, e.g. 2025-03-01T17:00+07:00; "
                   "without a zone: Vietnam time). Default: the course's due date, if set. A student with only "
                   "later versions is graded and marked late.")
@click.option("--no-limits", "no_limits", is_flag=True,
              help="Grade even where each submission cannot get its own memory and process limits (cgroups); "
                   "only per-process limits then apply.")
@click.option("--regrade", multiple=True, metavar="STATUS|STUDENT",
              help="Grade these rows again: a status (ok, error, timeout, tampered, invalid, missing) or a student "
                   "id; repeat the option for several. Rows the grader itself failed are always graded again.")
def grade(course: Path, assignment: str, submissions: Path, out: Path | None, workers: int | None, timeout: float,
          memory: int, scheduler: str | None, no_sandbox: bool, deadline: str | None, regrade: tuple[str, ...],
          no_limits: bool) -> None:
    """Chấm cả lô bài nộp. Grade a batch of submitted notebooks, safely and resumably.

    Paths may be relative to the current folder; rerun the same command (relative or absolute paths)
    to finish an interrupted batch.
    """
    from hocvuso.grader.judge import grade_course  # noqa: PLC0415 (nbgrader: only when grading)

    with _progress() as progress:
        summary = grade_course(course=course, assignment=assignment, submissions=submissions, out=out,
                               workers=workers, timeout=timeout, memory=memory, scheduler=scheduler,
                               no_sandbox=no_sandbox, no_limits=no_limits, deadline=deadline, regrade=regrade,
                               progress=progress)
    counts = ", ".join(f"{k} {v}" for k, v in sorted(summary.counts.items()))
    click.echo(f"Xong / done: {summary.graded_now} graded now, {summary.already_graded} already graded "
               f"({counts}); isolation: {summary.isolation}; {summary.seconds:.1f} s")
    if summary.faults:
        click.echo(f"Lỗi của máy chấm / grader failures: {summary.faults} bài chưa được chấm, chạy lại lệnh này để "
                   f"chấm tiếp / {summary.faults} submission(s) not graded because the grader itself failed "
                   "(see the reason column); run the same command again to grade them", err=True)
    if summary.deadline is not None:
        click.echo(f"Hạn nộp / deadline: {summary.deadline:%Y-%m-%d %H:%M:%S} UTC; nộp muộn / late: {summary.late}")
    click.echo(f"Kết quả / results: {summary.out / 'results.csv'}")


@contextlib.contextmanager
def _progress():
    """A progress bar on a terminal (rich), else one line per graded notebook (for logs and CI)."""
    from hocvuso.grader.judge import print_progress_line  # noqa: PLC0415 (nbgrader: only when grading)

    if not sys.stderr.isatty():
        yield print_progress_line
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn()) as bar:
        task = bar.add_task("chấm / grading", total=None)

        def update(done, total, counts):
            bar.update(task, completed=done, total=total,
                       description=f"chấm / grading  ok={counts.get('ok', 0)} khác/other={done - counts.get('ok', 0)}")

        yield update


@main.command("export")
@click.option("--course", type=click.Path(file_okay=False, exists=True, path_type=Path), required=True,
              help="The nbgrader course folder whose gradebook holds the judges' scores (formgrader).")
@click.option("--assignment", required=True, help="Assignment name (a folder under source/).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The results folder `hocvuso grade` wrote (default ./ket-qua-ASSIGNMENT).")
def export_cmd(course: Path, assignment: str, out: Path | None) -> None:
    """Cập nhật kết quả với điểm chấm tay. Rewrite results, feedback and leaderboard with the manual
    scores judges entered in formgrader (nbgrader's gradebook); grades nothing again."""
    from hocvuso.grader.judge import export_results  # noqa: PLC0415 (nbgrader: only when exporting)

    summary = export_results(course=course, assignment=assignment, out=out)
    click.echo(f"Xong / done: {summary.rows} bài, {summary.graded_by_hand} có điểm chấm tay / with manual scores, "
               f"{summary.waiting} chờ chấm tay / waiting for a person")
    click.echo(f"Kết quả / results: {summary.out / 'results.csv'}")


@main.command()
@click.argument("notebook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--course", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="The course folder: check against its release (default: the notebook's own checksums).")
@click.option("--assignment", default=None, help="Assignment name (default: the notebook's folder name).")
@click.option("--timeout", type=click.FloatRange(min=MIN_TIMEOUT), default=DEFAULT_TIMEOUT, show_default=True,
              help="Seconds the notebook's code may run.")
@click.option("--lang", "locale", type=click.Choice(["vi", "en"]), default=None, help="Language of the report.")
def check(notebook: Path, course: Path | None, assignment: str | None, timeout: float, locale: str | None) -> None:
    """Tự kiểm tra bài trước khi nộp. Self-check a notebook: public tests and well-formedness (exit 1 if not ready)."""
    report = self_check(notebook=notebook, course=course, assignment=assignment, locale=locale, timeout=timeout)
    click.echo(report.to_text(), nl=False)
    raise SystemExit(0 if report.ok else 1)


@main.group()
def course() -> None:
    """Khóa học nbgrader của giám khảo. The judge's nbgrader course."""


@course.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--assignment", "assignments", multiple=True, help="Only these bundled assignments (default: all).")
def course_init_cmd(directory: Path, assignments: tuple[str, ...]) -> None:
    """Tạo khóa học với các bài có sẵn. Create a course with the bundled assignments in source/."""
    from hocvuso.grader.judge import course_init  # noqa: PLC0415 (nbgrader: only for this command)

    names = course_init(directory=directory, assignments=list(assignments) or None)
    click.echo(f"Khóa học / course: {directory} ({', '.join(names)})")


@main.command()
@click.option("--course", type=click.Path(file_okay=False, exists=True, path_type=Path), required=True)
@click.argument("assignment")
def assign(course: Path, assignment: str) -> None:
    """Phát hành bài cho học sinh. Generate the student version (release/) of ASSIGNMENT."""
    from hocvuso.grader.judge import assign as release_assignment  # noqa: PLC0415 (nbgrader: only here)

    release = release_assignment(course=course, assignment=assignment)
    click.echo(f"Bản phát hành / release: {release}")


@main.group()
def content() -> None:
    """Nội dung bài học (tin nhắn, đáp án). Lesson content: check keys, author in a spreadsheet."""


@content.command("check")
@click.option("--dir", "root", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="A content folder to check (default: the bundled content).")
def content_check_cmd(root: Path | None) -> None:
    """Kiểm tra mọi tệp nội dung và đáp án theo content/rules/red-flags.yaml (exit 1 on any finding)."""
    from hocvuso.core.contentcheck import check_content  # noqa: PLC0415 (the content rules: only here)

    findings = check_content(root=root)
    for finding in findings:
        click.echo(str(finding))
    click.echo(f"{len(findings)} lỗi / finding(s)" if findings else "Nội dung nhất quán / content is consistent")
    raise SystemExit(1 if findings else 0)


@content.command("export")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("hocvuso-tin-nhan.xlsx"),
              show_default=True, help="The spreadsheet to write.")
def content_export_cmd(out: Path) -> None:
    """Xuất tin nhắn ra bảng tính (kèm trang mẫu trống). Export the messages and a blank template to XLSX."""
    from hocvuso.core.contentxlsx import export_messages  # noqa: PLC0415 (openpyxl: only here)

    count = export_messages(out=out)
    click.echo(f"Đã xuất {count} tin nhắn / exported {count} messages: {out}")


@content.command("import")
@click.argument("xlsx", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dir", "root", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="The content folder to write into (default: the bundled content).")
def content_import_cmd(xlsx: Path, root: Path | None) -> None:
    """Nhập tin nhắn từ bảng tính: kiểm tra từng dòng rồi ghi YAML, hoặc từ chối và chỉ rõ dòng, cột."""
    from hocvuso.core.contentxlsx import import_messages  # noqa: PLC0415 (openpyxl: only here)

    result = import_messages(xlsx=xlsx, root=root)
    for path in result.written:
        click.echo(f"Đã ghi / written: {path}")
    click.echo(f"{len(result.written)} tin mới hoặc đã sửa, {len(result.unchanged)} tin không đổi")


if __name__ == "__main__":  # pragma: no cover
    main()
