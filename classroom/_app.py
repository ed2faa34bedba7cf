"""The classroom server: standalone Voilà plus a catalogue, sign-in and a guard on lesson pages.

It is Voilà's own application (so execute requests from the browser stay refused and the kernel
pool works) with a few handlers in front:

* ``/``              the catalogue and sign-in page (server-rendered, no kernel);
* ``/hv/signin``     POST class code + name → a sign-in token in an HttpOnly cookie (wrong codes and
  refusals are rate-limited per address and per name);
* ``/hv/signout``    POST → token revoked (or, with ``all=1``, every device of the learner), cookie cleared;
* ``/hv/code``       POST → a signed-in learner's own code shown once more (never on the dashboard);
* ``/hv/teacher``    POST the teacher PIN (lockout per class, in the store) → a teacher-session cookie;
* ``/hv/whoami``     JSON: the name a lesson page is served to (the page's bar shows it);
* ``/hv/visitor/ID`` a preheated kernel, showing its own secret, takes its visitor (see `_guard`);
* ``/voila/render/LESSON`` only for a signed-in learner (others are sent to the catalogue), one kernel
  per learner and lesson, within the class's kernel budget (see `_guard.KernelTracker`);
  the teacher dashboard (``giao-vien/``) is a server-rendered PIN form, without a kernel, until the
  teacher has typed the PIN;
* kernel URLs (REST, channels, shutdown) only for the kernel's own visitor; Voilà's request-info
  websocket, directory listing, contents API and login/logout pages are not served;
* ``/hv/ready``      (from this computer only) JSON: per lesson, how many preheated kernels are warm —
  started, the lesson run up to the point where it waits for its learner. The log says
  "Kernel pool of LESSON is warm" when a pool is complete, which is when a class can come in
  (Voilà's own "is filled" only means the kernels were started);
* ``/hv/lean/HASH/FILE`` the lean lesson-page front end (widget manager, kernel connection, anywidget;
  built in classroom/frontend/); ``/hv/frontend/HASH.js`` Voilà's ~86 script chunks in one file, when
  HOCVUSO_FRONTEND=stock (see `_frontend`);
* websockets (kernel channels, Voilà's request info) send small messages at once (`no_delay`);
* static files (5 MB of JavaScript per phone) are sent gzip-compressed when the phone accepts it,
  compressed once per file and kept in memory; pages are compressed as they stream. Only the
  JupyterLab extensions lessons need are loaded (widgets, anywidget);
* kernels start through `kernels._kernel` (ipykernel without debugpy), forked from a preloaded
  process (`kernels._zygote`): less memory per learner, and a kernel ready at once.

Configuration comes from the environment `hocvuso serve` sets, read once at start as
`hocvuso.core.config.Settings` (store, class, lessons, language, pools, kernel limits, course).
"""
from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import logging
import os
import sys
import threading
import time
from pathlib import Path

import tornado.web
import tornado.websocket
from jupyter_client.kernelspec import KernelSpecManager
from tornado.ioloop import PeriodicCallback
from tornado.web import GZipContentEncoding
from traitlets.config import Config
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.tornado.handler import TornadoVoilaHandler

from hocvuso.core import N_, Roster, SignInRefused, SqlStore, StoreError, translator
from hocvuso.core.config import Settings
from hocvuso.core.identity import (
    TEACHER_COOKIE,
    TEACHER_HOURS,
    TOKEN_COOKIE,
    cookie_value,
    normalize_learner_code,
    plain_name,
)
from hocvuso.handin import routes_from_env

from ._catalogue import finished_lessons, read_lesson
from ._frontend import (
    LEAN_ROUTE,
    ROUTE,
    FrontendBundleHandler,
    LeanFrontendHandler,
    build_bundle,
    build_lean,
    template_resources,
)
from ._guard import (
    CURRENT_VISIT,
    KernelTracker,
    RateLimiter,
    RepeatFilter,
    Visit,
    VisitorMailbox,
    choose_token,
    max_kernels_for,
    tolerant_messages,
)
from ._hub import HUB_XSRF_SETTINGS, guarded_routes, hub_user
from ._pages import catalogue_page, message_page, teacher_pin_page
from .forms import EXPIRED, XSRF_SETTINGS, form_token
from .kernels._provisioner import KERNEL_MODULE, kernel_key_matches, provisioner_stanza
from .kernels._visitor import KEY_HEADER, VISITOR_PATH
from .urls import base_of, normal_base, site_url

TEMPLATE_DIR = Path(__file__).parent / "template"
DASHBOARD_DIR = "giao-vien"
DASHBOARD_NOTEBOOK = f"{DASHBOARD_DIR}/bang-dieu-khien.ipynb"
COOKIE_DAYS = 30


class _Classroom:
    """What the handlers share: the roster, the class and the lessons."""

    def __init__(self, root: Path, settings: Settings) -> None:
        if not (settings.db and settings.class_code):
            raise StoreError("the classroom server needs its store and class (HOCVUSO_DB, HOCVUSO_CLASS): "
                             "start it with `hocvuso serve`")
        self.root = root
        self.settings = settings
        self.db_url = settings.db
        self.class_code = settings.class_code
        self.default_locale = settings.locale
        self.roster = Roster(self.db_url)
        self.store = SqlStore(self.db_url)
        """The submissions, read for the catalogue's "finished" marks."""
        names = list(settings.lessons)
        if not names:
            names = sorted(p.name for p in root.iterdir() if p.is_dir() and p.name != DASHBOARD_DIR
                           and (p / f"{p.name}.ipynb").is_file())
        self.lessons = [read_lesson(root / n / f"{n}.ipynb") for n in names]
        self.lesson_paths = {lesson.relpath for lesson in self.lessons}
        # Wrong learner codes: 30 per address per 5 min (a class behind one NAT address still signs in),
        # 5 per name per 10 min; all sign-ins: 120 per address per minute.
        self.signin_failures_by_address = RateLimiter(30, 300.0)
        self.signin_failures_by_name = RateLimiter(5, 600.0)
        self.signins_by_address = RateLimiter(120, 60.0)
        self.shown_codes: dict[str, tuple[str, float]] = {}
        self.tracker: KernelTracker | None = None
        self.hub = hub_user()
        """The hub user this server belongs to (hub mode, `hocvuso.classroom.hub`), or None (`hocvuso serve`)."""
        self.hub_learner = self.roster.learner(self.class_code, self.hub.name) if self.hub is not None else None

    def owner_of(self, cookie_header: str | None, query: str = "") -> str | None:
        """The owner key of a request: "teacher:…" for a teacher session, "learner:CLASS:ID", or None.
        On a hub, every request that got through the hub's OAuth is the server's own user's (`_hub.gate`)."""
        if self.hub is not None:
            return f"hub:{self.hub.name}"
        teacher = cookie_value(cookie_header, TEACHER_COOKIE)
        if teacher and self.roster.is_teacher(self.class_code, teacher):
            return teacher_owner(teacher)
        token, _rest = choose_token(cookie_header, query)
        learner = self.roster.resolve(token) if token else None
        if learner is None or learner.class_code != self.class_code:
            return None
        return f"learner:{learner.class_code}:{learner.learner_id}"


def teacher_owner(token: str) -> str:
    return "teacher:" + hashlib.sha256(token.encode()).hexdigest()[:24]


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

    def lang(self) -> str:
        lang = self.get_argument("lang", None) or self.get_cookie("hv_lang") or self.classroom.default_locale
        return lang if lang in ("vi", "en") else "vi"

    def base(self) -> str:
        """The server's base URL ("/" standalone, "/user/NAME/" behind a hub): every URL and cookie path."""
        return base_of(self)

    def url(self, path: str = "", **query: str) -> str:
        return site_url(self.base(), path, **query)

    def learner(self):
        if self.classroom.hub is not None:
            return self.classroom.hub_learner
        token = cookie_value(self.request.headers.get("Cookie"), TOKEN_COOKIE)
        learner = self.classroom.roster.resolve(token) if token else None
        return learner if learner is not None and learner.class_code == self.classroom.class_code else None

    def message(self, text: str, status: int) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(message_page(self.lang(), text, base_url=self.base()))

    def csrf(self) -> str:
        return form_token(self)

    def write_error(self, status_code: int, **kwargs) -> None:
        """A refused form (Tornado's XSRF check: no or a wrong `_xsrf` token) says so in the learner's language."""
        if status_code == 403:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(message_page(self.lang(), translator(self.lang())(EXPIRED), base_url=self.base()))
            return
        super().write_error(status_code, **kwargs)

    def render_catalogue(self, *, error: str | None = None, status: int = 200, **hints: str) -> None:
        locale = self.lang()
        if self.get_argument("lang", None) in ("vi", "en"):
            self.set_cookie("hv_lang", locale, samesite="Lax", path=self.base(), expires_days=365)
        learner = self.learner()
        page = catalogue_page(lessons=self.classroom.lessons, locale=locale, learner=learner,
                              csrf=self.csrf(), error=error, code=self.code_to_show(learner),
                              class_hint=hints.get("class_hint", self.get_argument("lop", "")[:16]),
                              name_hint=hints.get("name_hint", ""), base_url=self.base(),
                              finished=finished_lessons(self.classroom.lessons, self.classroom.store, learner),
                              **self.dashboards(locale))
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(page)


    def dashboards(self, locale: str) -> dict:
        """The catalogue's dashboard links: the PIN page on a laptop; on a hub, one per class of a teacher and none
        for a pupil (and no sign-in, code or sign-out there: the hub signs people in)."""
        hub = self.classroom.hub
        if hub is None:
            return {"dashboard": self.url(f"voila/render/{DASHBOARD_NOTEBOOK}", lang=locale)}
        page = f"voila/render/{DASHBOARD_NOTEBOOK}"
        return {"hub": True, "dashboards": [(code, self.url(page, lop=code, lang=locale))
                                            for code in (hub.classes if hub.teacher else ())]}

    def code_to_show(self, learner) -> str | None:
        """The learner's code, on the page of the device that just signed in or asked for it (10 min)."""
        token = cookie_value(self.request.headers.get("Cookie"), TOKEN_COOKIE)
        if learner is None or not token:
            return None
        found = self.classroom.shown_codes.get(hashlib.sha256(token.encode()).hexdigest())
        if found is None or found[1] < time.monotonic():
            return None
        return found[0]

    def show_code_once(self, token: str, code: str) -> None:
        shown = self.classroom.shown_codes
        now = time.monotonic()
        for key in [k for k, (_c, until) in shown.items() if until < now]:
            del shown[key]
        shown[hashlib.sha256(token.encode()).hexdigest()] = (code, now + 600)


class CatalogueHandler(_Base):
    def get(self) -> None:
        self.render_catalogue()


TOO_MANY = N_("Too many tries. Wait {minutes} minute(s) and try again.")


class SignInHandler(_Base):
    """Sign-in, with limits: wrong learner codes per address and per name, all sign-ins per address."""

    def post(self) -> None:
        _ = translator(self.lang())
        cc = self.classroom
        class_code = self.get_body_argument("class_code", "")
        name = self.get_body_argument("name", "")
        code = normalize_learner_code(self.get_body_argument("learner_code", ""))
        address = self.request.remote_ip
        name_key = (plain_name(" ".join(name.split()))[:60], class_code.strip().upper()[:16])
        wait = max(cc.signins_by_address.wait(address),
                   max(cc.signin_failures_by_address.wait(address), cc.signin_failures_by_name.wait(name_key))
                   if code else 0.0)
        if wait > 0:
            self.set_header("Retry-After", str(int(wait) + 1))
            self.render_catalogue(error=_(TOO_MANY).format(minutes=int(wait // 60) + 1), status=429,
                                  class_hint=class_code[:16], name_hint=name[:60])
            return
        cc.signins_by_address.hit(address)
        try:
            learner, token = cc.roster.sign_in(class_code, name, learner_code=code)
            if learner.class_code != cc.class_code:
                raise SignInRefused("another class", "There is no class with this code. Check it with your teacher.")
        except SignInRefused as exc:
            if code:  # guessing someone's code; a mistyped class code or name is no secret's attack
                cc.signin_failures_by_address.hit(address)
                cc.signin_failures_by_name.hit(name_key)
            self.render_catalogue(error=_(exc.reason), status=400, class_hint=class_code[:16], name_hint=name[:60])
            return
        except StoreError:
            self.render_catalogue(error=_("Your work could not be saved. Please tell your teacher."), status=503)
            return
        self.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="Lax", path=self.base(), expires_days=COOKIE_DAYS)
        if not code:
            self.show_code_once(token, learner.learner_id)  # a new learner writes it down now
        self.redirect(self.url(lang=self.lang()), status=303)


class ShowCodeHandler(_Base):
    """POST /hv/code: show the signed-in learner's own code again, on this device, for a few minutes."""

    def post(self) -> None:
        learner = self.learner()
        token = cookie_value(self.request.headers.get("Cookie"), TOKEN_COOKIE)
        if learner is not None and token:
            self.show_code_once(token, learner.learner_id)
        self.redirect(self.url(lang=self.lang()), status=303)


class SignOutHandler(_Base):
    """POST /hv/signout: this device; with all=1, every device of the learner."""

    def post(self) -> None:
        token = self.get_cookie(TOKEN_COOKIE)
        if token:
            learner = self.classroom.roster.resolve(token)
            if learner is not None and self.get_body_argument("all", "") == "1":
                self.classroom.roster.revoke_all(learner)
            self.classroom.roster.revoke(token)
        self.clear_cookie(TOKEN_COOKIE, path=self.base())
        self.redirect(self.url(lang=self.lang()), status=303)


class TeacherHandler(_Base):
    """POST /hv/teacher: the PIN, checked with the class's lockout (`Roster.try_pin`), off the event loop."""

    async def post(self) -> None:
        _ = translator(self.lang())
        cc = self.classroom
        pin = self.get_body_argument("pin", "")[:20]
        result = await asyncio.get_running_loop().run_in_executor(None, cc.roster.try_pin, cc.class_code, pin)
        if not result.ok:
            wait = _(TOO_MANY).format(minutes=int(result.wait // 60) + 1) if result.wait > 0 else ""
            if result.wait > 0:
                self.set_header("Retry-After", str(int(result.wait) + 1))
            error = " ".join(filter(None, [_("Wrong PIN.") if result.checked else "", wait]))
            self.render_pin_form(error=error, status=403 if result.checked else 429)
            return
        token = cc.roster.start_teacher_session(cc.class_code)
        self.set_cookie(TEACHER_COOKIE, token, httponly=True, samesite="Strict", path=self.base(),
                        expires_days=TEACHER_HOURS / 24)
        self.redirect(self.url(f"voila/render/{DASHBOARD_NOTEBOOK}", lang=self.lang()), status=303)

    def render_pin_form(self, *, error: str | None = None, status: int = 200) -> None:
        render_pin_form(self, error=error, status=status)


def render_pin_form(handler, *, error: str | None = None, status: int = 200) -> None:
    """The dashboard's PIN form, rendered by the server: no kernel for a visitor who has no PIN."""
    lang = handler.get_argument("lang", None) or handler.get_cookie("hv_lang") or "vi"
    locale = lang if lang in ("vi", "en") else "vi"
    handler.set_status(status)
    handler.set_header("Content-Type", "text/html; charset=utf-8")
    handler.set_header("Cache-Control", "no-store")
    handler.finish(teacher_pin_page(locale=locale, csrf=form_token(handler), error=error, base_url=base_of(handler)))


class WhoAmIHandler(_Base):
    """GET /hv/whoami[?t=…]: whom a lesson page on this browser is served to (the page bar shows it)."""

    def get(self) -> None:
        hub = self.classroom.hub
        if hub is not None:
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.finish(json.dumps({"name": hub.name, "teacher": hub.teacher}))
            return
        cookie = self.request.headers.get("Cookie")
        token, _rest = choose_token(cookie, self.request.query)
        learner = self.classroom.roster.resolve(token) if token else None
        if learner is not None and learner.class_code != self.classroom.class_code:
            learner = None
        teacher = cookie_value(cookie, TEACHER_COOKIE)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"name": learner.name if learner else None,
                                "teacher": bool(teacher and self.classroom.roster.is_teacher(self.classroom.class_code,
                                                                                            teacher))}))


class VisitorHandler(tornado.web.RequestHandler):
    """GET /hv/visitor/KERNEL_ID: a preheated kernel, showing its secret, takes its visitor's request."""

    def initialize(self, mailbox: VisitorMailbox) -> None:
        self.mailbox = mailbox

    async def get(self, kernel_id: str) -> None:
        if self.request.remote_ip not in ("127.0.0.1", "::1"):
            raise tornado.web.HTTPError(404)
        if not kernel_key_matches(kernel_id, self.request.headers.get(KEY_HEADER)):
            raise tornado.web.HTTPError(403)
        payload = await self.mailbox.collect(kernel_id)
        self.set_header("Cache-Control", "no-store")
        if payload is None:
            self.set_status(204)
            self.finish()
        else:
            self.finish(json.dumps(payload))


class BadRequest(tornado.web.RequestHandler):
    """Pages that do not exist in a classroom (Jupyter's login/logout): 400, not a server error."""

    def get(self, *args) -> None:
        raise tornado.web.HTTPError(400)

    post = get

    def check_xsrf_cookie(self) -> None:
        """Nothing to protect: every request is refused (and says so with 400, not Tornado's XSRF 403)."""


class ReadyHandler(tornado.web.RequestHandler):
    """GET /hv/ready: the preheated pools (see pool_status), for the teacher's computer only."""

    def initialize(self, app: "ClassroomVoila") -> None:
        self.app = app

    def get(self) -> None:
        if self.request.remote_ip not in ("127.0.0.1", "::1"):
            raise tornado.web.HTTPError(404)
        self.set_header("Cache-Control", "no-store")
        self.finish(pool_status(self.app.kernel_manager))


MAILBOX = VisitorMailbox()
"""The server's visitor mailbox (one server per process)."""


def pool_status(kernel_manager) -> dict[str, dict[str, int]]:
    """Per notebook with a kernel pool: `target` size, kernels `pooled` now, and how many are `warm`.

    Warm: the kernel started and ran the lesson up to where it waits for its learner (it is asking
    the server for its visitor), or ran it to the end. Only then does an arriving learner get the
    page without waiting for imports and set-up.
    """
    pools = getattr(kernel_manager, "_pools", None) or {}
    config = getattr(kernel_manager, "kernel_pools_config", None) or {}
    default = config.get("default", {})
    out: dict[str, dict[str, int]] = {}
    for name, pool in list(pools.items()):
        target = int(config.get(name, default).get("pool_size", default.get("pool_size", 1)))
        warm = 0
        for task in list(pool):
            if not task.done() or task.cancelled() or task.exception() is not None:
                continue
            content = task.result()
            render = content.get("task")
            if MAILBOX.is_waiting(content.get("kernel_id")) or (render is not None and render.done()):
                warm += 1
        out[str(name)] = {"target": target, "pooled": len(pool), "warm": warm}
    return out


_COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml",
                 "application/wasm")
_GZ_CACHE_LIMIT = 64 * 1024 * 1024


class _GzipCache:
    """Gzip-compressed copies of static files, made once per file version (thread-safe, bounded)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: dict[tuple[str, int, int], bytes] = {}
        self.size = 0

    def get(self, path: str) -> bytes | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        key = (path, st.st_mtime_ns, st.st_size)
        with self.lock:
            found = self.items.get(key)
        if found is not None:
            return found
        with open(path, "rb") as fh:
            data = gzip.compress(fh.read(), compresslevel=6, mtime=0)
        with self.lock:
            if self.size + len(data) <= _GZ_CACHE_LIMIT:
                self.items[key] = data
                self.size += len(data)
        return data


GZIP_CACHE = _GzipCache()


def gzip_static(handler: type) -> type:
    """`handler` (a tornado StaticFileHandler) sending gzip to clients that accept it, from GZIP_CACHE.

    Only the body and its length change: paths, access checks, ETag, 304s and Range requests
    (never compressed) stay the handler's own.
    """

    class GzipStatic(handler):
        _hv_gz: bytes | None = None

        def set_headers(self) -> None:
            super().set_headers()
            self._hv_gz = None
            accepts = "gzip" in self.request.headers.get("Accept-Encoding", "")
            if not accepts or self.request.headers.get("Range"):
                return
            if not self.get_content_type().startswith(_COMPRESSIBLE):
                return
            data = GZIP_CACHE.get(self.absolute_path)
            if data is not None:
                self._hv_gz = data
                self.set_header("Content-Encoding", "gzip")
                self.set_header("Vary", "Accept-Encoding")

        def get_content_size(self) -> int:
            return len(self._hv_gz) if self._hv_gz is not None else super().get_content_size()

        get_content = _BodyOrFile(handler)

    GzipStatic.__name__ = GzipStatic.__qualname__ = f"Gzip{handler.__name__}"
    return GzipStatic


class _BodyOrFile:
    """`get_content` of gzip_static: on a handler instance with a compressed body, that body; else
    (and always on the class: tornado hashes files with `cls.get_content`) the file, as before."""

    def __init__(self, handler: type) -> None:
        self.handler = handler

    def __get__(self, obj, objtype=None):
        plain = self.handler.get_content  # a classmethod, bound to the original handler class
        if obj is None or getattr(obj, "_hv_gz", None) is None:
            return plain
        body = obj._hv_gz
        return lambda abspath, start=None, end=None: body


def no_delay(handler: type) -> type:
    """`handler` (a tornado WebSocketHandler) with Nagle's algorithm off on its connection.

    Tornado leaves it on, and jupyter_server does not turn it off: a kernel answers a widget with
    small messages in a row ("busy", then the reply), and the second one waits for the phone's
    delayed ACK of the first — 40 ms on every widget round trip (measured: 44–57 ms per request
    through the server, 1–3 ms straight to the kernel; a page load makes three in a row).
    """

    class NoDelay(handler):
        def open(self, *args, **kwargs):
            self.set_nodelay(True)
            return super().open(*args, **kwargs)

    NoDelay.__name__ = NoDelay.__qualname__ = f"NoDelay{handler.__name__}"
    return NoDelay


LESSON_EXTENSIONS = ["@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8",
                     "@voila-dashboards/widgets-manager7", "anywidget"]
"""The JupyterLab front-end extensions a phone loads (Voilà loads every installed one otherwise:
nbgrader's, the notebook's, pygments' — JavaScript no lesson uses)."""


class ClassroomKernelSpecManager(KernelSpecManager):
    """Kernel specs as installed, except that the Python kernel starts through `kernels._kernel`
    (ipykernel without debugpy: ~6.5 MB less per learner; Voilà refuses debug requests anyway),
    forked from a preloaded process by `kernels._provisioner.ForkProvisioner` (~30 MB instead of
    ~70 MB per learner, ready at once; it starts kernels the ordinary way if it cannot)."""

    def get_kernel_spec(self, kernel_name: str, *args, **kwargs):
        spec = super().get_kernel_spec(kernel_name, *args, **kwargs)
        argv = list(spec.argv)
        if "ipykernel_launcher" in argv:
            at = argv.index("ipykernel_launcher")
            if at > 0 and argv[at - 1] == "-m":
                spec.argv = [*argv[:at], KERNEL_MODULE, *argv[at + 1:]]
                spec.metadata["kernel_provisioner"] = provisioner_stanza()
        return spec


class ToCatalogue(tornado.web.RequestHandler):
    def get(self, *args) -> None:
        self.redirect(site_url(base_of(self)))


BUSY = N_("The class computer is busy. Wait a minute, then open the lesson again.")
TEACHERS_ONLY = N_("Only your teacher opens the teacher dashboard.")
TOO_OFTEN = N_("You opened this page many times in a row. Wait a minute, then open it again.")


def guarded_render_handler(classroom: _Classroom) -> type:
    """Voilà's page handler: lessons for signed-in learners, the dashboard for the teacher, and every
    page within the kernel budget. The request a kernel sees carries only the chosen credential."""

    class GuardedVoilaHandler(TornadoVoilaHandler):
        def prepare(self):
            path = self.path_args[0] if self.path_args else ""
            lang = self.get_argument("lang", "vi")
            headers = self.request.headers
            if classroom.hub is not None:  # only the server's own user got here (`_hub.gate`)
                if path not in classroom.lesson_paths and path != DASHBOARD_NOTEBOOK:
                    raise tornado.web.HTTPError(404)
                if path == DASHBOARD_NOTEBOOK and classroom.hub.dashboard_class(self.request.query) is None:
                    self.set_status(403)
                    self.set_header("Content-Type", "text/html; charset=utf-8")
                    _ = translator(lang if lang in ("vi", "en") else "vi")
                    self.finish(message_page(lang, _(TEACHERS_ONLY), base_url=base_of(self)))
                    return None
                owner = classroom.owner_of(None)
            elif path in classroom.lesson_paths:
                token, rest = choose_token(headers.get("Cookie"), self.request.query)
                learner = classroom.roster.resolve(token) if token else None
                if learner is None or learner.class_code != classroom.class_code:
                    self.redirect(site_url(base_of(self), lang=lang if lang in ("vi", "en") else "vi"))
                    return None
                owner = f"learner:{learner.class_code}:{learner.learner_id}"
                headers["Cookie"] = f"{TOKEN_COOKIE}={token}"
                self.request.query = rest
                self.request.uri = self.request.path + (f"?{rest}" if rest else "")
                self.request.arguments.pop("t", None)
                self.request.query_arguments.pop("t", None)
            elif path == DASHBOARD_NOTEBOOK:
                teacher = cookie_value(headers.get("Cookie"), TEACHER_COOKIE)
                if not (teacher and classroom.roster.is_teacher(classroom.class_code, teacher)):
                    # Nobody is signed in yet (Jupyter resolves its user only in its own prepare, which the
                    # form never reaches); the form's XSRF token asks who the user is.
                    self.current_user = None
                    render_pin_form(self)
                    return None
                owner = teacher_owner(teacher)
                headers["Cookie"] = f"{TEACHER_COOKIE}={teacher}"
            else:
                raise tornado.web.HTTPError(404)
            visit = Visit(owner=owner, notebook=path)
            why = classroom.tracker.refuse(visit) if classroom.tracker is not None else None
            if why is not None:
                _ = translator(lang if lang in ("vi", "en") else "vi")
                self.set_status(503 if why == "busy" else 429)
                self.set_header("Retry-After", "60")
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.finish(message_page(lang, _(BUSY if why == "busy" else TOO_OFTEN), base_url=base_of(self)))
                return None
            CURRENT_VISIT.set(visit)
            return super().prepare()

    return GuardedVoilaHandler


def owner_only(handler: type, classroom: _Classroom) -> type:
    """A kernel handler (REST, channels, shutdown) that answers only the kernel's own visitor: a kernel
    id seen somewhere lets nobody else read, drive or shut down that kernel."""

    class OwnerOnly(handler):
        def prepare(self, *args, **kwargs):
            kernel_id = self.path_kwargs.get("kernel_id") or (self.path_args[0] if self.path_args else "")
            owner = classroom.owner_of(self.request.headers.get("Cookie"))
            if classroom.tracker is None or not classroom.tracker.owns(owner, kernel_id):
                raise tornado.web.HTTPError(403)
            return super().prepare(*args, **kwargs)

    OwnerOnly.__name__ = OwnerOnly.__qualname__ = f"OwnerOnly{handler.__name__}"
    return OwnerOnly


def hand_visitors_through(mailbox: VisitorMailbox, classroom: _Classroom) -> None:
    """Voilà's page handler gives a preheated kernel's request info to `RequestInfoSocketHandler.send_updates`;
    here that goes to `mailbox` (for that kernel only), and the kernel is noted as the visitor's."""
    def send_updates(cls, msg: dict) -> None:
        kernel_id = msg["kernel_id"]
        if classroom.tracker is not None:
            classroom.tracker.assign(kernel_id, CURRENT_VISIT.get())
        mailbox.deliver(kernel_id, msg["payload"])

    RequestInfoSocketHandler.send_updates = classmethod(send_updates)
    RequestInfoSocketHandler._cache = {}


class ClassroomVoila(Voila):
    """Voilà with the classroom's pages in front and a template that makes no third-party request."""

    def setup_template_dirs(self):
        super().setup_template_dirs()
        self.template_paths.insert(0, str(TEMPLATE_DIR))

    def init_settings(self):
        """Voilà's Tornado settings with Tornado's XSRF check on every unsafe request (see `forms`)."""
        xsrf = {**XSRF_SETTINGS, "xsrf_cookie_kwargs": {**XSRF_SETTINGS["xsrf_cookie_kwargs"],
                                                         "path": normal_base(self.base_url)}}
        if hub_user() is not None:  # the hub's XSRF rules: page scripts send the token back (`_hub`)
            xsrf["xsrf_cookie_kwargs"] = {**xsrf["xsrf_cookie_kwargs"], **HUB_XSRF_SETTINGS["xsrf_cookie_kwargs"]}
        return {**super().init_settings(), **xsrf}

    def init_handlers(self):
        handlers = super().init_handlers()
        classroom = _Classroom(Path(self.root_dir), Settings.from_env())
        self.classroom = classroom
        conf = {"classroom": classroom}
        guarded = guarded_render_handler(classroom)
        hand_visitors_through(MAILBOX, classroom)
        for logger in {self.log, logging.getLogger("tornado.application"), logging.getLogger("ServerApp")}:
            logger.addFilter(RepeatFilter())  # the same warning, sent again and again by a pupil: a few lines
        kept = []
        for spec in handlers:
            pattern, handler = spec[0], spec[1]
            if handler is TornadoVoilaHandler:
                kept.append((pattern, guarded, *spec[2:]))
            elif "/voila/tree" in pattern or "/voila/api/contents" in pattern or pattern == self.server_url:
                continue  # no directory listing: the catalogue is the way in
            elif "/voila/query/" in pattern:
                continue  # Voilà's request-info websocket: replaced by /hv/visitor (see `_guard`)
            elif pattern.rstrip("/").endswith(("/login", "/logout")):
                kept.append((pattern, BadRequest))
            elif "/api/kernels/" in pattern or "/voila/api/shutdown/" in pattern:
                if issubclass(handler, tornado.websocket.WebSocketHandler):
                    handler = tolerant_messages(no_delay(handler))
                kept.append((pattern, owner_only(handler, classroom), *spec[2:]))
            elif isinstance(handler, type) and issubclass(handler, tornado.web.StaticFileHandler):
                kept.append((pattern, gzip_static(handler), *spec[2:]))
            elif isinstance(handler, type) and issubclass(handler, tornado.websocket.WebSocketHandler):
                kept.append((pattern, no_delay(handler), *spec[2:]))
            else:
                kept.append(spec)
        signing = [] if classroom.hub is not None else [  # on a hub, the hub signs people in
            (self.server_url + "hv/signin", SignInHandler, conf),
            (self.server_url + "hv/signout", SignOutHandler, conf),
            (self.server_url + "hv/code", ShowCodeHandler, conf),
            (self.server_url + "hv/teacher", TeacherHandler, conf),
        ]
        mine = [
            (self.server_url, CatalogueHandler, conf),
            *signing,
            (self.server_url + "hv/whoami", WhoAmIHandler, conf),
            (self.server_url + VISITOR_PATH + r"([0-9a-f-]{36})", VisitorHandler, {"mailbox": MAILBOX}),
            (self.server_url + "hv/ready", ReadyHandler, {"app": self}),
            (self.server_url + r"voila/tree(.*)", ToCatalogue),
        ]
        self._watch_pools()
        self._guard_kernels(classroom)
        mine += self._frontend_bundle()
        if getattr(self, "app", None) is not None:
            # Pages too (the lesson page streams; compressed chunk by chunk). Static files have
            # their Content-Encoding already and are left alone by this transform.

            if GZipContentEncoding not in self.app.transforms:
                self.app.transforms.append(GZipContentEncoding)

        routes = mine + routes_from_env(self.server_url) + kept
        if classroom.hub is not None:  # every route answers the hub user only (the kernels' own channel aside)
            return guarded_routes(routes, classroom.hub, open_to=(VisitorHandler, ReadyHandler),
                                  assets=("/hv/frontend/", "/hv/lean/"))
        return routes


    def _frontend_bundle(self) -> list[tuple]:
        """Bundle the lesson pages' script chunks (see `_frontend`); tell the page template its URL.

        Runs before the event loop starts, so even the first preheated page is rendered with it.
        """
        lean, why = build_lean(self.server_url)
        self.log.info("%s", why)
        bundle = None
        if lean is None:
            bundle, why = build_bundle(self.server_url, list(self.static_paths), list(self.labextensions_path))
            self.log.info("%s", why)
        config = self.voila_configuration.config.VoilaConfiguration
        resources = config.resources if isinstance(config.get("resources"), dict) else {}
        config.resources = {**resources, "hocvuso": template_resources(bundle, lean)}
        if lean is not None:
            return [(self.server_url + LEAN_ROUTE, LeanFrontendHandler, {"lean": lean})]
        if bundle is None:
            return []
        return [(self.server_url + ROUTE, FrontendBundleHandler, {"bundle": bundle})]

    def _guard_kernels(self, classroom: _Classroom) -> None:
        """Track whose each kernel is, cap them (see `_guard.KernelTracker`), shut down kernels that never
        took their visitor or sat idle, and note kernels Voilà starts for a visitor when no pooled one is left."""
        settings = classroom.settings
        tracker = KernelTracker(self.kernel_manager, max_kernels=max_kernels_for(settings.pools, settings.max_kernels),
                                idle=settings.kernel_idle, min_free_mb=settings.min_free_mb)
        classroom.tracker = tracker
        km = self.kernel_manager
        start_kernel = km.start_kernel

        async def start_for_visitor(*args, **kwargs):
            kernel_id = await start_kernel(*args, **kwargs)
            tracker.assign(kernel_id, CURRENT_VISIT.get())
            return kernel_id

        km.start_kernel = start_for_visitor  # Voilà's page handler calls it when the pool is empty

        def sweep() -> None:
            try:
                for kernel_id in MAILBOX.expired():
                    self.log.warning("Kernel %s never took its visitor's request: shutting it down", kernel_id)
                    tracker.shutdown(kernel_id, "it never took its visitor's request")
                for kernel_id in list(MAILBOX.last_poll):
                    if kernel_id not in km:
                        MAILBOX.forget(kernel_id)
                tracker.reap()
            except Exception:  # noqa: BLE001 - the sweep must never disturb the server
                self.log.exception("kernel sweep failed")

        self._kernel_sweep = PeriodicCallback(sweep, 5000)
        self._kernel_sweep.start()

    def _watch_pools(self) -> None:
        """Log once when each preheated pool is completely warm (and again after it refilled)."""
        if not self.voila_configuration.preheat_kernel:
            return
        announced: set[str] = set()

        def check() -> None:
            try:
                status = pool_status(self.kernel_manager)
            except Exception:  # noqa: BLE001 - never let a status check disturb the server
                return
            for name, st in status.items():
                full = st["target"] > 0 and st["warm"] >= st["target"]
                if full and name not in announced:
                    announced.add(name)
                    self.log.info("Kernel pool of %s is warm: %d kernel(s) ready for learners", name, st["warm"])
                elif not full:
                    announced.discard(name)

        self._pool_watch = PeriodicCallback(check, 500)
        self._pool_watch.start()


def main(argv: list[str] | None = None) -> None:
    """`python -m hocvuso.classroom ROOT [voila options]`; pools from `Settings.pools` (HOCVUSO_POOLS)."""
    cfg = Config()
    pools = Settings.from_env().pools
    if pools:
        cfg.VoilaKernelManager.kernel_pools_config = dict(pools)
    cfg.VoilaConfiguration.extension_allowlist = LESSON_EXTENSIONS
    cfg.VoilaConfiguration.kernel_spec_manager_class = ClassroomKernelSpecManager
    ClassroomVoila.launch_instance(argv=sys.argv[1:] if argv is None else argv, config=cfg)


__all__ = ["ClassroomVoila", "DASHBOARD_NOTEBOOK", "main"]
