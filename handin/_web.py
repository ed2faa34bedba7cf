"""The upload page: who is handing in, the assignment, the files → a receipt.

Who is handing in is never a typed name:

* in a classroom (`hocvuso serve --course`), the signed-in learner (the classroom's sign-in cookie);
  the upload goes to that learner's folder (their learner id) and nobody else's;
* for a contest without the classroom (`python -m hocvuso.handin`), the student's contest id and
  their own hand-in code: the judge makes one per student with
  `python -m hocvuso.handin codes --course DIR ID...` (printed once, for slips handed out with the
  task; only their SHA-256 is kept, in COURSE/handin-codes.json, readable by the judge only).
  Wrong codes are rate-limited per address.

Plain server-rendered HTML (no kernel, no CDN), phone first. The request body is streamed and
counted: an upload over the limit is discarded as it arrives and refused with a reason, never kept
in memory whole. Each student has a storage quota, and so has the whole course (`--student-quota-mb`,
`--course-quota-mb`). A malformed request is answered 400. Everything else is decided by
`hocvuso.grader.judge.hand_in`, which writes nothing until the upload is accepted (and stores each
file once: the latest version is hard links to its files).

Routes (under the server's base URL):
  GET  hv/nop-bai                         the form
  POST hv/nop-bai                         the upload → receipt page (200) or reason (400/413)
  GET  hv/nop-bai/bien-nhan/ID.txt|.json  the receipt, to keep
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import secrets
import sys
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path

import tornado.http1connection
import tornado.httputil
import tornado.web

from hocvuso.classroom.forms import XSRF_FIELD, XSRF_SETTINGS, RateLimiter, form_token, streamed_form_ok
from hocvuso.classroom.urls import base_of, site_url
from hocvuso.core import N_, Roster, translator
from hocvuso.core.config import Settings
from hocvuso.core.identity import CODE_ALPHABET, TOKEN_COOKIE, cookie_value
from hocvuso.grader.judge import (
    HANDIN_MESSAGES,
    MAX_UPLOAD_BYTES,
    VIETNAM,
    UploadRefused,
    assignments_of,
    clean_student,
    course_due_date,
    find_receipt,
    hand_in,
    parse_timestamp,
)

PATH = "hv/nop-bai"

T = {
    "title": N_("Hand in your work"),
    "brand": N_("Digital literacy for all"),
    "class_code": N_("Class code"),
    "name": N_("Your name"),
    "or": N_("or"),
    "contest_id": N_("Contest id (if you have one)"),
    "assignment": N_("Assignment"),
    "files": N_("Your notebook (.ipynb), with any files it needs, or one .zip"),
    "limit": N_("At most {mb} MB. You may hand in again: every version is kept, and the last one before the "
                "deadline is graded."),
    "deadline": N_("Deadline: {when}"),
    "send": N_("Hand in"),
    "refused": N_("Not accepted: {reason}"),
    "receipt": N_("Receipt: your work was received"),
    "student": N_("Student"),
    "received": N_("Received at"),
    "version": N_("Version"),
    "files_got": N_("Files"),
    "late": N_("Handed in after the deadline: accepted, marked late."),
    "download": N_("Download the receipt"),
    "keep": N_("Keep this receipt: the SHA-256 code proves what you handed in."),
    "warnings": N_("Warnings"),
    "expired": N_("The form has expired. Reload the page and try again."),
    "again": N_("Hand in again"),
    "no_assignment": N_("No assignment is open for handing in."),
    "handin_code": N_("Your hand-in code (on the slip from the judge)"),
    "bad_code": N_("This contest id and hand-in code do not match. Check the slip from the judge."),
    "no_codes": N_("Handing in is not open: the judge has not made hand-in codes yet."),
    "sign_in_first": N_("Sign in on the lessons page first: your work is handed in under your own name."),
    "to_lessons": N_("Go to the lessons page"),
    "handing_in_as": N_("Handing in as {name}"),
    "quota": N_("Your storage space is full ({used} of {quota} MB). Ask the judge."),
    "course_quota": N_("The storage space of this contest is full. Ask the judge."),
    "too_many": N_("Too many tries. Wait {minutes} minute(s) and try again."),
    "bad_request": N_("The upload could not be read. Choose your file again and press Hand in."),
}

CODES_FILE = "handin-codes.json"
"""In the course folder: contest id → SHA-256 of that student's hand-in code (see `make_codes`)."""
CODE_LENGTH = 10
"""Hand-in codes: 10 characters from the classroom's alphabet, 32^10 ≈ 10^15 values."""

CSS = (Path(__file__).parent / "handin.css").read_text(encoding="utf-8")
"""The page's style, inlined (the page loads nothing else)."""


@dataclass(frozen=True)
class HandinSite:
    """Where uploads go and what is asked of them."""

    course: Path
    """The judge's nbgrader course (release/ says what can be handed in; uploads go to submitted/)."""
    class_code: str = ""
    """When set, a student without a contest id must type it."""
    max_bytes: int = MAX_UPLOAD_BYTES
    locale: str = "vi"
    db_url: str = ""
    """The classroom roster: when set, an upload is the signed-in learner's (a classroom)."""
    student_quota: int = 0
    """Bytes one student may keep in submitted/ (0: 5 × max_bytes)."""
    course_quota: int = 0
    """Bytes all students together may keep (0: 200 × max_bytes)."""

    @property
    def submitted(self) -> Path:
        return self.course / "submitted"

    @property
    def classroom(self) -> bool:
        return bool(self.db_url and self.class_code)


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def make_codes(course: Path, students: list[str]) -> list[tuple[str, str]]:
    """New hand-in codes for `students` (contest ids): (id, code) pairs to print; only hashes are kept.

    A student given a new code loses the old one (a lost slip is replaced, never reprinted).
    """

    path = Path(course) / CODES_FILE
    known = read_codes(course)
    out = []
    for raw in students:
        student = clean_student("", raw)  # a valid contest id, or UploadRefused
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        known[student] = _hash_code(code)
        out.append((student, code))
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"codes": known}, fh, indent=1, sort_keys=True)
    os.replace(tmp, path)
    return out


def read_codes(course: Path) -> dict[str, str]:
    try:
        data = json.loads((Path(course) / CODES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    codes = data.get("codes") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in codes.items()} if isinstance(codes, dict) else {}


def code_matches(course: Path, student: str, code: str) -> bool:
    wanted = read_codes(course).get(student)
    typed = code.replace(" ", "").replace("-", "").upper()
    if not wanted or not typed:
        return False
    return hmac.compare_digest(wanted, _hash_code(typed))


def stored_bytes(folder: Path) -> int:
    """Disk used under `folder`, each file once (hard links counted once)."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            try:
                st = os.lstat(os.path.join(root, name))
            except OSError:
                continue
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_size
    return total


WRONG_CODES = RateLimiter(10, 600.0)
"""Wrong hand-in codes per address (10 per 10 minutes)."""


class _Base(tornado.web.RequestHandler):
    def initialize(self, site: HandinSite, prefix: str) -> None:
        self.site = site
        self.prefix = prefix

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("Content-Security-Policy", "default-src 'self'; style-src 'unsafe-inline'; "
                        "frame-ancestors 'none'; form-action 'self'")

    def lang(self) -> str:
        """The page's language (?lang=, else the cookie, else the site's); not tornado's `locale` property."""
        lang = self.get_query_argument("lang", None) or self.get_cookie("hv_lang") or self.site.locale
        return lang if lang in ("vi", "en") else "vi"


@tornado.web.stream_request_body
class UploadHandler(_Base):
    """The form and the upload. The body is counted as it streams in and dropped past the limit."""

    def prepare(self) -> None:
        self._chunks: list[bytes] = []
        self._size = 0
        self._over = False
        if self.request.method == "POST":
            connection = self.request.connection  # tornado's HTTP/1 server: the only one that streams bodies
            if isinstance(connection, tornado.http1connection.HTTP1Connection):
                connection.set_max_body_size(max(4 * self.site.max_bytes, 64 * 1024 * 1024))
            self._over = _declared_length(self.request) > self.site.max_bytes + 64 * 1024

    def data_received(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size > self.site.max_bytes + 64 * 1024:
            self._over = True
        if self._over:
            self._chunks = []
            return
        self._chunks.append(chunk)

    def csrf(self) -> str:
        return form_token(self)

    def check_xsrf_cookie(self) -> None:
        """Deferred: the token is in the multipart body, read in `post` (`streamed_form_ok`)."""

    def get(self) -> None:
        self.page()

    def post(self) -> None:
        tr = translator(self.lang())
        if self._over:
            size = max(self._size, _declared_length(self.request))
            reason = UploadRefused("too_big", HANDIN_MESSAGES["too_big"], size=f"{size / 1048576:.1f}",
                             limit=f"{self.site.max_bytes / 1048576:g}")
            self.page(error=reason.reason(self.lang()), status=413)
            return
        args: dict = {}
        files: dict = {}
        content_type = self.request.headers.get("Content-Type", "")
        if not content_type.startswith("multipart/form-data") or "boundary=" not in content_type:
            self.page(error=tr(T["bad_request"]), status=400)
            return
        try:
            tornado.httputil.parse_body_arguments(content_type, b"".join(self._chunks), args, files)
        except Exception:  # noqa: BLE001 - any unreadable body is the sender's mistake
            args, files = {}, {}
        self._chunks = []
        if not args and not files:
            self.page(error=tr(T["bad_request"]), status=400)
            return

        def field(key: str) -> str:
            return (args.get(key) or [b""])[0].decode("utf-8", "replace").strip()

        if not streamed_form_ok(self, field(XSRF_FIELD)):
            self.page(error=tr(T["expired"]), status=403)
            return
        contest_id, assignment = field("contest_id")[:40], field("assignment")[:80]
        hints: dict[str, str] = {"contest_id": contest_id, "assignment": assignment}
        uploads = [(f.get("filename", ""), f.get("body", b"")) for f in files.get("files", [])]
        student, problem = self._student(field("handin_code"), contest_id)
        if problem:
            self.page(error=tr(problem[0]).format(**problem[2]), status=problem[1], **hints)
            return
        used = stored_bytes(self.site.submitted / student)
        quota = self.site.student_quota or 5 * self.site.max_bytes
        incoming = sum(len(body) for _n, body in uploads)
        if used + incoming > quota:
            self.page(error=tr(T["quota"]).format(used=f"{used / 1048576:.1f}", quota=f"{quota / 1048576:g}"),
                      status=413, **hints)
            return
        if stored_bytes(self.site.submitted) + incoming > (self.site.course_quota or 200 * self.site.max_bytes):
            self.page(error=tr(T["course_quota"]), status=507, **hints)
            return
        try:
            receipt = hand_in(self.site.course, assignment, uploads, contest_id=student,
                              max_bytes=self.site.max_bytes)
        except UploadRefused as exc:
            self.page(error=exc.reason(self.lang()), status=413 if exc.code == "too_big" else 400, **hints)
            return
        self.page(receipt=receipt, contest_id=contest_id, assignment=assignment)

    def _student(self, code: str, contest_id: str) -> tuple[str, tuple | None]:
        """The student folder this upload goes to, or ("", (msgid, status, fields)) why there is none."""
        if self.site.classroom:
            learner = self._learner()
            if learner is None:
                return "", (T["sign_in_first"], 403, {})
            return learner.learner_id, None
        if not read_codes(self.site.course):
            return "", (T["no_codes"], 403, {})
        address = self.request.remote_ip
        wait = WRONG_CODES.wait(address)
        if wait > 0:
            self.set_header("Retry-After", str(int(wait) + 1))
            return "", (T["too_many"], 429, {"minutes": int(wait // 60) + 1})
        if not code_matches(self.site.course, contest_id, code):
            WRONG_CODES.hit(address)
            return "", (T["bad_code"], 403, {})
        return contest_id, None

    def _learner(self):
        """The classroom learner signed in on this browser (cookie only), or None."""

        token = cookie_value(self.request.headers.get("Cookie"), TOKEN_COOKIE)
        try:
            learner = Roster(self.site.db_url).resolve(token) if token else None
        except Exception:  # noqa: BLE001 - an unreachable roster signs nobody in
            return None
        if learner is None or learner.class_code.upper() != self.site.class_code.upper():
            return None
        return learner

    def page(self, *, error: str = "", receipt=None, status: int = 200, contest_id: str = "",
             assignment: str = "") -> None:
        locale = self.lang()
        tr = translator(locale)
        base = self.prefix
        options = assignments_of(self.site.course)
        body = []
        learner = self._learner() if self.site.classroom else None
        if receipt is not None:
            body.append(receipt_html(receipt, locale, base, learner.name if learner else ""))
        if error:
            body.append(f'<p class="hv-error" role="alert">{escape(tr(T["refused"]).format(reason=error))}</p>')
        if not options:
            body.append(f'<p class="hv-error">{escape(tr(T["no_assignment"]))}</p>')
        opts = "".join(f'<option value="{escape(a)}"{" selected" if a == assignment else ""}>{escape(a)}</option>'
                       for a in options)
        due = [course_due_date(self.site.course, a) for a in options]
        due_lines = "".join(f'<p class="hv-hint">{escape(a)} — {escape(tr(T["deadline"]).format(when=_local(d)))}</p>'
                            for a, d in zip(options, due, strict=True) if d)
        if self.site.classroom:
            if learner is None:
                body.append(f'<section class="hv-card"><p class="hv-error" role="alert">'
                            f'{escape(tr(T["sign_in_first"]))}</p>'
                            f'<a class="hv-btn" href="{escape(site_url(base_of(self), lang=locale))}">'
                            f'{escape(tr(T["to_lessons"]))}</a></section>')
                self._finish_page(locale, body, status if status != 200 else 403)
                return
            who = (f'<p class="hv-who"><strong>{escape(tr(T["handing_in_as"]).format(name=learner.name))}</strong></p>')
        else:
            who = (f'<label for="hv-contest">{escape(tr(T["contest_id"]))}</label>'
                   f'<input type="text" id="hv-contest" name="contest_id" maxlength="40" autocomplete="off" '
                   f'spellcheck="false" '
                   f'value="{escape(contest_id)}">'
                   f'<label for="hv-code">{escape(tr(T["handin_code"]))}</label>'
                   f'<input type="password" id="hv-code" name="handin_code" maxlength="20" autocomplete="off" '
                   f'spellcheck="false">')
        title = tr(T["again"]) if receipt is not None else tr(T["title"])
        body.append(
            f'<section class="hv-card"><h2>{escape(title)}</h2>'
            f'<form method="post" action="{escape(base)}?lang={locale}" enctype="multipart/form-data" '
            f'class="hv-upload">'
            f'<input type="hidden" name="{XSRF_FIELD}" value="{escape(self.csrf())}">{who}'
            f'<label for="hv-assignment">{escape(tr(T["assignment"]))}</label>'
            f'<select id="hv-assignment" name="assignment">{opts}</select>{due_lines}'
            f'<label for="hv-files">{escape(tr(T["files"]))}</label>'
            f'<input type="file" id="hv-files" name="files" multiple '
            f'accept=".ipynb,.zip,.json,.csv,.txt,.py,.png,.jpg">'
            f'<p class="hv-hint">{escape(tr(T["limit"]).format(mb=f"{self.site.max_bytes / 1048576:g}"))}</p>'
            f'<button type="submit" class="hv-btn hv-send">{escape(tr(T["send"]))}</button></form></section>')
        self._finish_page(locale, body, status)

    def _finish_page(self, locale: str, body: list[str], status: int) -> None:
        tr = translator(locale)
        base = self.prefix
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        langs = "".join(f'<a href="{escape(base)}?lang={c}"{" aria-current=true" if c == locale else ""}>'
                        f'{c.upper()}</a>'
                        for c in ("vi", "en"))
        self.finish(f'<!DOCTYPE html><html lang="{locale}"><head><meta charset="utf-8">'
                    f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                    f'<title>{escape(tr(T["title"]))}</title>'
                    f'<link rel="icon" href="data:,"><style>{CSS}</style></head><body>'
                    f'<header class="hv-top"><h1>{escape(tr(T["title"]))}</h1><nav>{langs}</nav></header>'
                    f'<main>{"".join(body)}</main></body></html>')


def _declared_length(request) -> int:
    """The request's Content-Length as a number (0 when absent or not a number)."""
    value = request.headers.get("Content-Length", "0") or "0"
    return int(value) if value.strip().isdigit() else 0


def _local(moment: datetime | None) -> str:
    return moment.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y (UTC+7)") if moment else ""


def receipt_html(receipt, locale: str, base: str, student: str = "") -> str:
    """The receipt card shown after an accepted upload (`student`: the name to show, default its id)."""
    tr = translator(locale)
    when = parse_timestamp(receipt.received_at)
    files = "".join(f"<li>{escape(f['name'])} ({f['bytes']} B)</li>" for f in receipt.files)
    late = f'<p class="hv-late" role="status">{escape(tr(T["late"]))}</p>' if receipt.late else ""
    warn = ""
    if receipt.warnings:
        warn = (f'<p><strong>{escape(tr(T["warnings"]))}:</strong></p><ul class="hv-warnings">'
                + "".join(f"<li>{escape(w)}</li>" for w in receipt.warnings) + "</ul>")
    link = f"{base}/bien-nhan/{receipt.receipt_id}"
    return (f'<section class="hv-card hv-receipt" role="status" aria-live="polite" data-receipt="{receipt.receipt_id}">'
            f'<h2>{escape(tr(T["receipt"]))}</h2>{late}<dl>'
            f'<dt>{escape(tr(T["student"]))}</dt><dd class="hv-r-student">{escape(student or receipt.student_id)}</dd>'
            f'<dt>{escape(tr(T["assignment"]))}</dt><dd class="hv-r-assignment">{escape(receipt.assignment)}</dd>'
            f'<dt>{escape(tr(T["received"]))}</dt>'
            f'<dd class="hv-r-time">{escape(_local(when))} · {escape(receipt.received_at)}</dd>'
            f'<dt>{escape(tr(T["version"]))}</dt><dd class="hv-r-version">{receipt.version}</dd>'
            f'<dt>SHA-256</dt><dd class="hv-sha hv-r-sha">{escape(receipt.sha256)}</dd>'
            f'<dt>{escape(tr(T["files_got"]))}</dt><dd><ul>{files}</ul></dd></dl>{warn}'
            f'<p class="hv-hint">{escape(tr(T["keep"]))}</p>'
            f'<a class="hv-btn hv-download" href="{escape(link)}.txt?lang={locale}" download>'
            f'{escape(tr(T["download"]))} (.txt)</a> '
            f'<a class="hv-btn hv-download-json" href="{escape(link)}.json" download>JSON</a></section>')


class ReceiptHandler(_Base):
    def get(self, receipt_id: str, kind: str) -> None:
        receipt = find_receipt(self.site.submitted, receipt_id)
        if receipt is None:
            raise tornado.web.HTTPError(404)
        name = f"bien-nhan-{receipt.assignment}-v{receipt.version}.{kind}"
        self.set_header("Content-Disposition", f'attachment; filename="{name}"')
        if kind == "json":
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.finish(receipt.to_json())
        else:
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(receipt.to_text(self.lang()))


def routes(base_url: str, site: HandinSite) -> list:
    """Tornado handler specs for the upload page under `base_url` (e.g. "/")."""
    prefix = base_url.rstrip("/") + "/" + PATH
    conf = {"site": site, "prefix": prefix}
    return [
        tornado.web.url(prefix, UploadHandler, conf),
        tornado.web.url(prefix + r"/bien-nhan/([0-9a-f]{32})\.(txt|json)", ReceiptHandler, conf),
    ]


def routes_from_env(base_url: str = "/") -> list:
    """The upload routes when `Settings.course` (HOCVUSO_COURSE) names a course (the classroom server mounts
    these), else []."""
    settings = Settings.from_env()
    if not settings.course:
        return []
    site = HandinSite(course=Path(settings.course).expanduser().resolve(), class_code=settings.class_code,
                      max_bytes=int(settings.handin_max_mb * 1024 * 1024), locale=settings.locale, db_url=settings.db)
    return routes(base_url, site)


class _Home(tornado.web.RequestHandler):
    def get(self) -> None:
        self.redirect("/" + PATH)


def make_app(site: HandinSite) -> tornado.web.Application:
    """The upload page alone, as its own Tornado application."""
    return tornado.web.Application([tornado.web.url(r"/", _Home), *routes("/", site)], **XSRF_SETTINGS)


def main(argv: list[str] | None = None) -> None:
    """`python -m hocvuso.handin --course DIR [--port 8867] [--host 0.0.0.0] [--max-mb 20] [--student-quota-mb N]
    [--course-quota-mb N]`: the upload page for a contest; students hand in with their contest id and hand-in code.

    `python -m hocvuso.handin codes --course DIR ID [ID...]`: make (or replace) those students' hand-in codes
    and print them as CSV (id,code) for slips; only their hashes are kept.
    """

    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] == ["codes"]:
        parser = argparse.ArgumentParser(prog="python -m hocvuso.handin codes", description=make_codes.__doc__)
        parser.add_argument("--course", required=True, type=Path)
        parser.add_argument("students", nargs="+", help="contest ids (letters, digits, . _ -)")
        opts = parser.parse_args(args[1:])

        try:
            pairs = make_codes(opts.course.resolve(), opts.students)
        except UploadRefused as exc:
            parser.error(exc.reason("en"))
        print("contest_id,handin_code")
        for student, code in pairs:
            print(f"{student},{code[:5]}-{code[5:]}")
        return
    parser = argparse.ArgumentParser(prog="python -m hocvuso.handin", description=main.__doc__)
    parser.add_argument("--course", required=True, type=Path)
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=8867)
    parser.add_argument("--class-code", default="")
    parser.add_argument("--max-mb", type=float, default=20.0)
    parser.add_argument("--student-quota-mb", type=float, default=0.0, help="default: 5 × --max-mb")
    parser.add_argument("--course-quota-mb", type=float, default=0.0, help="default: 200 × --max-mb")
    parser.add_argument("--locale", choices=["vi", "en"], default="vi")
    opts = parser.parse_args(args)
    site = HandinSite(course=opts.course.resolve(), class_code=opts.class_code,
                      max_bytes=int(opts.max_mb * 1024 * 1024), locale=opts.locale,
                      student_quota=int(opts.student_quota_mb * 1024 * 1024),
                      course_quota=int(opts.course_quota_mb * 1024 * 1024))

    async def serve() -> None:
        make_app(site).listen(opts.port, address=opts.host, max_body_size=max(4 * site.max_bytes, 64 * 1024 * 1024))
        print(json.dumps({"url": f"http://{opts.host}:{opts.port}/{PATH}", "course": str(site.course)}), flush=True)
        await asyncio.Event().wait()

    asyncio.run(serve())


__all__ = ["HandinSite", "code_matches", "make_app", "make_codes", "receipt_html", "routes", "routes_from_env"]
