"""The `hocvuso` command: a thin click layer over library functions.

Each command only parses options and calls a keyword-only function; errors from the library become
one clear line (click.ClickException), never a traceback.
"""
from __future__ import annotations

from pathlib import Path

import click

from ._version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="hocvuso")
def main() -> None:
    """hocvuso — Bình dân học vụ số: bài học tương tác, lớp học trên Voilà, chấm thi nbgrader.

    Digital-literacy lessons, a classroom server and a contest grader.
    """


@main.command()
@click.option("--lesson", default="lua-dao-tin-nhan", show_default=True,
              help="Bundled lesson (assignment name) to serve.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8866, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--db", "db_url", default="sqlite:///hocvuso-classroom.sqlite", show_default=True,
              help="Where submissions are stored (SQLite file or any SQLAlchemy URL).")
@click.option("--locale", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
              help="Language the lesson starts in.")
def serve(lesson: str, host: str, port: int, db_url: str, locale: str) -> None:
    """Phục vụ bài học qua Voilà. Serve a lesson as a web app through Voilà."""
    from . import _lessons, _serve

    try:
        notebook = _lessons.find_lesson(lesson)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    config = _serve.ServeConfig(notebook=notebook, host=host, port=port, db_url=db_url, locale=locale)
    click.echo(f"hocvuso {__version__}: bài học / lesson '{lesson}'")
    click.echo(f"Mở trên trình duyệt / open in a browser: {_serve.url_of(config)}")
    click.echo("Dừng bằng Ctrl-C / stop with Ctrl-C")
    raise SystemExit(_serve.run(config))


@main.command()
@click.option("--course", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The nbgrader course folder (source/, release/, nbgrader_config.py).")
@click.option("--assignment", required=True, help="Assignment name (a folder under source/).")
@click.option("--submissions", type=click.Path(exists=True, path_type=Path), required=True,
              help="submitted/ folder (STUDENT/ASSIGNMENT/*.ipynb), a .zip of it, or a folder of STUDENT.ipynb.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where results go (default ./ket-qua-ASSIGNMENT). Rerun with the same --out to resume.")
@click.option("--workers", type=click.IntRange(1, 512), default=None, help="Parallel workers (default: CPU cores).")
@click.option("--timeout", type=click.FloatRange(min=1), default=60.0, show_default=True,
              help="Wall-clock seconds per notebook.")
@click.option("--memory", type=click.IntRange(min=64), default=1024, show_default=True, help="Memory limit per notebook (MB).")
@click.option("--scheduler", default=None, help="Dask scheduler address (tcp://HOST:8786) to grade on a cluster.")
@click.option("--no-sandbox", "no_sandbox", is_flag=True,
              help="Grade even where student code cannot be isolated (results say isolation=none).")
def grade(course: Path, assignment: str, submissions: Path, out: Path | None, workers: int | None, timeout: float,
          memory: int, scheduler: str | None, no_sandbox: bool) -> None:
    """Chấm cả lô bài nộp. Grade a batch of submitted notebooks, safely and resumably."""
    import sys

    from hocvuso.core import HocvusoError
    from hocvuso.grader import grade_batch
    from hocvuso.grader._batch import print_progress_line

    progress = _rich_progress() if sys.stderr.isatty() else None
    try:
        if progress is None:
            summary = grade_batch(course=course, assignment=assignment, submissions=submissions, out=out,
                                  workers=workers, timeout=timeout, memory=memory, scheduler=scheduler,
                                  allow_unsandboxed=no_sandbox, progress=print_progress_line)
        else:
            with progress as bar:
                task = bar.add_task("chấm / grading", total=None)

                def update(done, total, counts):
                    bar.update(task, completed=done, total=total,
                               description=f"chấm / grading  ok={counts.get('ok', 0)} khác/other="
                                           f"{done - counts.get('ok', 0)}")

                summary = grade_batch(course=course, assignment=assignment, submissions=submissions, out=out,
                                      workers=workers, timeout=timeout, memory=memory, scheduler=scheduler,
                                      allow_unsandboxed=no_sandbox, progress=update)
    except HocvusoError as exc:
        raise click.ClickException(str(exc)) from None
    counts = ", ".join(f"{k} {v}" for k, v in sorted(summary.counts.items()))
    click.echo(f"Xong / done: {summary.graded_now} graded now, {summary.already_graded} already graded "
               f"({counts}); isolation: {summary.isolation}; {summary.seconds:.1f} s")
    click.echo(f"Kết quả / results: {summary.out / 'results.csv'}")


def _rich_progress():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TimeRemainingColumn())


@main.group()
def course() -> None:
    """Khóa học nbgrader của giám khảo. The judge's nbgrader course."""


@course.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--assignment", "assignments", multiple=True, help="Only these bundled assignments (default: all).")
def course_init_cmd(directory: Path, assignments: tuple[str, ...]) -> None:
    """Tạo khóa học với các bài có sẵn. Create a course with the bundled assignments in source/."""
    from hocvuso.core import HocvusoError
    from hocvuso.grader import course_init

    try:
        names = course_init(directory, assignments=list(assignments) or None)
    except HocvusoError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Khóa học / course: {directory} ({', '.join(names)})")


@main.command()
@click.option("--course", type=click.Path(file_okay=False, exists=True, path_type=Path), required=True)
@click.argument("assignment")
def assign(course: Path, assignment: str) -> None:
    """Phát hành bài cho học sinh. Generate the student version (release/) of ASSIGNMENT."""
    from hocvuso.core import HocvusoError
    from hocvuso.grader import assign as assign_fn

    try:
        release = assign_fn(course, assignment)
    except HocvusoError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Bản phát hành / release: {release}")


if __name__ == "__main__":  # pragma: no cover
    main()
