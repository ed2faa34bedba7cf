"""The `hocvuso` command: a thin click layer over library functions.

Each command only parses options and calls a keyword-only function; errors from the library become
one clear line (click.ClickException), never a traceback.
"""
from __future__ import annotations

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


if __name__ == "__main__":  # pragma: no cover
    main()
