"""The classroom server: standalone Voilà plus a catalogue, sign-in and a guard on lesson pages.

It is Voilà's own application (so execute requests from the browser stay refused and the kernel
pool works) with a few handlers in front:

* ``/``              the catalogue and sign-in page (server-rendered, no kernel);
* ``/hv/signin``     POST class code + name → a sign-in token in an HttpOnly cookie;
* ``/hv/signout``    POST → token revoked, cookie cleared;
* ``/voila/render/LESSON`` only for a signed-in learner (others are sent to the catalogue);
  the teacher dashboard (``giao-vien/``) is open to load but shows nothing until its PIN;
* the directory listing and the contents API of Voilà are not served.

Configuration comes from the environment `hocvuso serve` sets: HOCVUSO_DB, HOCVUSO_CLASS,
HOCVUSO_LESSONS (comma-separated lesson folders, in catalogue order), HOCVUSO_LOCALE.
"""
from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlencode

import tornado.web
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from hocvuso.core import Roster, SignInRefused, StoreError, translator
from hocvuso.core._identity import TOKEN_COOKIE, token_from_request

from ._catalogue import read_lesson
from ._pages import catalogue_page

TEMPLATE_DIR = Path(__file__).parent / "template"
DASHBOARD_DIR = "giao-vien"
DASHBOARD_NOTEBOOK = f"{DASHBOARD_DIR}/bang-dieu-khien.ipynb"
CSRF_COOKIE = "hv_csrf"
COOKIE_DAYS = 30


class _Classroom:
    """What the handlers share: the roster, the class and the lessons."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db_url = os.environ["HOCVUSO_DB"]
        self.class_code = os.environ["HOCVUSO_CLASS"]
        self.default_locale = os.environ.get("HOCVUSO_LOCALE", "vi")
        self.roster = Roster(self.db_url)
        names = [n for n in os.environ.get("HOCVUSO_LESSONS", "").split(",") if n]
        if not names:
            names = sorted(p.name for p in root.iterdir() if p.is_dir() and p.name != DASHBOARD_DIR
                           and (p / f"{p.name}.ipynb").is_file())
        self.lessons = [read_lesson(root / n / f"{n}.ipynb") for n in names]
        self.lesson_paths = {lesson.relpath for lesson in self.lessons}


class _Base(tornado.web.RequestHandler):
    def initialize(self, classroom: _Classroom) -> None:
        self.classroom = classroom

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("Content-Security-Policy",
                        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                        "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'")

    def locale(self) -> str:
        lang = self.get_argument("lang", None) or self.get_cookie("hv_lang") or self.classroom.default_locale
        return lang if lang in ("vi", "en") else "vi"

    def learner(self):
        token = token_from_request(None, self.request.headers.get("Cookie"))
        return self.classroom.roster.resolve(token) if token else None

    def csrf(self) -> str:
        token = self.get_cookie(CSRF_COOKIE)
        if not token or len(token) < 16:
            token = secrets.token_urlsafe(18)
            self.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="Lax", path="/")
        return token

    def check_csrf(self) -> None:
        cookie, field = self.get_cookie(CSRF_COOKIE), self.get_body_argument("_hv_csrf", "")
        if not cookie or not secrets.compare_digest(cookie, field):
            raise tornado.web.HTTPError(403, "form expired; reload the page")

    def render_catalogue(self, *, error: str | None = None, status: int = 200, **hints: str) -> None:
        locale = self.locale()
        if self.get_argument("lang", None) in ("vi", "en"):
            self.set_cookie("hv_lang", locale, samesite="Lax", path="/", expires_days=365)
        page = catalogue_page(lessons=self.classroom.lessons, locale=locale, learner=self.learner(),
                              csrf=self.csrf(), error=error,
                              class_hint=hints.get("class_hint", self.get_argument("lop", "")[:16]),
                              name_hint=hints.get("name_hint", ""),
                              dashboard=f"/voila/render/{DASHBOARD_NOTEBOOK}?lang={locale}")
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(page)


class CatalogueHandler(_Base):
    def get(self) -> None:
        self.render_catalogue()


class SignInHandler(_Base):
    def post(self) -> None:
        self.check_csrf()
        _ = translator(self.locale())
        class_code = self.get_body_argument("class_code", "")
        name = self.get_body_argument("name", "")
        try:
            learner, token = self.classroom.roster.sign_in(class_code, name,
                                                           learner_code=self.get_body_argument("learner_code", ""))
            if learner.class_code != self.classroom.class_code:
                raise SignInRefused("another class", "There is no class with this code. Check it with your teacher.")
        except SignInRefused as exc:
            self.render_catalogue(error=_(exc.reason), status=400, class_hint=class_code[:16], name_hint=name[:60])
            return
        except StoreError:
            self.render_catalogue(error=_("Your work could not be saved. Please tell your teacher."), status=503)
            return
        self.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="Lax", path="/", expires_days=COOKIE_DAYS)
        self.redirect("/?" + urlencode({"lang": self.locale()}), status=303)


class SignOutHandler(_Base):
    def post(self) -> None:
        self.check_csrf()
        token = self.get_cookie(TOKEN_COOKIE)
        if token:
            self.classroom.roster.revoke(token)
        self.clear_cookie(TOKEN_COOKIE, path="/")
        self.redirect("/?" + urlencode({"lang": self.locale()}), status=303)


class ToCatalogue(tornado.web.RequestHandler):
    def get(self, *args) -> None:
        self.redirect("/")


def guarded_render_handler(classroom: _Classroom) -> type:
    """Voilà's page handler, refusing lesson pages to visitors who have not signed in."""

    class GuardedVoilaHandler(TornadoVoilaHandler):
        def prepare(self):
            path = self.path_args[0] if self.path_args else ""
            if path in classroom.lesson_paths:
                token = token_from_request(self.request.query, self.request.headers.get("Cookie"))
                if not token or classroom.roster.resolve(token) is None:
                    self.redirect("/?" + urlencode({"lang": self.get_argument("lang", "vi")}))
                    return None
            elif path != DASHBOARD_NOTEBOOK:
                raise tornado.web.HTTPError(404)
            return super().prepare()

    return GuardedVoilaHandler


class ClassroomVoila(Voila):
    """Voilà with the classroom's pages in front and a template that makes no third-party request."""

    def setup_template_dirs(self):
        super().setup_template_dirs()
        self.template_paths.insert(0, str(TEMPLATE_DIR))

    def init_handlers(self):
        handlers = super().init_handlers()
        classroom = _Classroom(Path(self.root_dir))
        conf = {"classroom": classroom}
        guarded = guarded_render_handler(classroom)
        kept = []
        for spec in handlers:
            pattern, handler = spec[0], spec[1]
            if handler is TornadoVoilaHandler:
                kept.append((pattern, guarded, *spec[2:]))
            elif "/voila/tree" in pattern or "/voila/api/contents" in pattern or pattern == self.server_url:
                continue  # no directory listing: the catalogue is the way in
            else:
                kept.append(spec)
        mine = [
            (self.server_url, CatalogueHandler, conf),
            (self.server_url + "hv/signin", SignInHandler, conf),
            (self.server_url + "hv/signout", SignOutHandler, conf),
            (self.server_url + r"voila/tree(.*)", ToCatalogue),
        ]
        from hocvuso.handin import routes_from_env  # the upload page, when HOCVUSO_COURSE names a course

        return mine + routes_from_env(self.server_url) + kept


def main(argv: list[str] | None = None) -> None:
    """`python -m hocvuso.classroom ROOT [voila options]`; pools from HOCVUSO_POOLS (JSON)."""
    from traitlets.config import Config

    cfg = Config()
    pools = json.loads(os.environ.get("HOCVUSO_POOLS", "{}") or "{}")
    if pools:
        cfg.VoilaKernelManager.kernel_pools_config = pools
    ClassroomVoila.launch_instance(argv=sys.argv[1:] if argv is None else argv, config=cfg)


__all__ = ["ClassroomVoila", "DASHBOARD_NOTEBOOK", "main"]
