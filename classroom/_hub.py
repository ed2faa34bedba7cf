"""Hub mode: the classroom as a JupyterHub user's own server (the command is `hocvuso.classroom.hub`).

On a hub every user gets a server of their own (a pod on Zero to JupyterHub). This command makes that
server the classroom for that one user: the same Voilà application as `hocvuso serve` (execute requests
from the browser stay refused; no JupyterLab, terminal or file browser), speaking the hub's OAuth itself.
Why a single-user server rather than one shared hub service is in docs/hub.md.

At start (`main`):

* who and where, from the hub: JUPYTERHUB_USER, JUPYTERHUB_SERVICE_URL (the address to listen on) and
  JUPYTERHUB_SERVICE_PREFIX (`/user/NAME/`, under which every page, form, redirect and script lives);
  the user's hub groups from HOCVUSO_HUB_GROUPS (the hub's `pre_spawn_hook` in deploy/config.yaml);
* classes are hub groups: every group but the teachers' one (HOCVUSO_HUB_TEACHERS) whose name makes a
  class code (`lop-7a` → `LOP7A`); each is created in the shared store when new, with a random PIN nobody
  needs here (the PIN is the laptop's lock; on a hub, membership of the teachers' group is);
* the user is enrolled in their first class under their hub name, and that class is the server's
  HOCVUSO_CLASS: the lesson kernels' `current_learner()` is the hub user, with no sign-in form;
* the lesson site is SITE (built into the image by deploy/Dockerfile) or, where SITE is missing (a hub
  without that image), a fresh copy made now.

On every request (`gate`): the hub's OAuth (`jupyterhub.services.auth.HubOAuth`) names the caller, and only
this server's own user gets through — not another pupil, not a teacher, not a hub admin (an admin's visit
would be stored as the pupil's answers). A browser without the hub's cookie is sent through the hub's
login; a websocket or script gets 403.
"""
from __future__ import annotations

import inspect
import os
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

from hocvuso.core.config import Settings
from hocvuso.core.identity import Roster, SignInRefused, clean_class_code, new_pin

HUB_XSRF_SETTINGS = {"xsrf_cookie_kwargs": {"httponly": False}}
"""On a hub, the `_xsrf` cookie is readable by the page's scripts: the hub's OAuth accepts its cookie on a
script's request (JupyterLab's kernel calls, the page bar's `hv/whoami`) only with that token in an
X-XSRFToken header, as on any JupyterHub single-user server."""


@dataclass(frozen=True)
class HubUser:
    """The hub user a single-user server belongs to, with what their hub groups make of them."""

    name: str
    """The hub user name (JUPYTERHUB_USER): the learner's id and name in the store."""
    prefix: str
    """The server's base URL on the hub (JUPYTERHUB_SERVICE_PREFIX), e.g. `/user/lan/`."""
    classes: tuple[str, ...]
    """Class codes of the user's class groups, sorted."""
    teacher: bool
    """Whether the user is in the teachers' group: a teacher sees the dashboard of their classes."""

    @property
    def class_code(self) -> str:
        """The class the user's own answers go to (their first class; empty: in no class group)."""
        return self.classes[0] if self.classes else ""

    def dashboard_class(self, query: str) -> str | None:
        """The class a dashboard page shows: `?lop=` when it is one of this teacher's classes, else their
        first; None for anyone but a teacher with a class."""
        if not (self.teacher and self.classes):
            return None
        asked = (parse_qs(query).get("lop") or [""])[-1].strip().upper()
        return asked if asked in self.classes else self.classes[0]


def hub_user(environ=None) -> HubUser | None:
    """The hub user of this server, or None when this process is not a JupyterHub single-user server."""
    env = os.environ if environ is None else environ
    name, prefix = env.get("JUPYTERHUB_USER", ""), env.get("JUPYTERHUB_SERVICE_PREFIX", "")
    if not (name and prefix and env.get("JUPYTERHUB_API_TOKEN")):
        return None
    settings = Settings.from_env(env)
    classes = set()
    for group in settings.hub_groups:
        if group == settings.hub_teachers:
            continue
        try:
            classes.add(clean_class_code(group))
        except SignInRefused:
            continue  # a group that is no class (e.g. "admins", or a name no class code can be)
    return HubUser(name=name, prefix=prefix, classes=tuple(sorted(classes)),
                   teacher=settings.hub_teachers in settings.hub_groups)


def enrol(user: HubUser, db_url: str) -> None:
    """Create the user's classes in the store when new, and enrol the user in their first class."""
    from sqlalchemy.exc import IntegrityError  # noqa: PLC0415 - SQLAlchemy comes with the roster anyway

    roster = Roster(db_url)
    for code in user.classes:
        if not roster.class_exists(code):
            try:
                roster.ensure_class(code, pin=new_pin())
            except IntegrityError:
                pass  # another user's server created it at the same moment
    if user.class_code:
        roster.enrol(user.class_code, user.name, user.name)


def gate(handler: type, user: HubUser, auth) -> type:
    """`handler` answering `user` only, as the hub's OAuth (`auth`, a HubOAuth) identifies the caller."""
    from tornado.httputil import url_concat  # noqa: PLC0415 - tornado is loaded by the server already
    from tornado.websocket import WebSocketHandler  # noqa: PLC0415

    class HubGate(handler):
        async def prepare(self, *args, **kwargs):
            caller = await auth.get_user(self, sync=False)
            if caller is None and self.request.method in ("GET", "HEAD") and not isinstance(self, WebSocketHandler):
                self.redirect(url_concat(auth.login_url, login_params(self, auth)))
                return None
            if caller is None or caller.get("kind", "user") != "user" or caller.get("name") != user.name:
                # Answered here, not raised: Jupyter's handlers' error pages would ask for their own user first.
                self.clear()
                self.set_status(403)
                self.set_header("Content-Type", "text/plain; charset=utf-8")
                self.finish("403: this is another hub user's server\n")
                return None
            if not isinstance(self, WebSocketHandler):
                self.xsrf_token  # noqa: B018 - sets the `_xsrf` cookie a page's scripts send back (the hub's XSRF)
            result = super().prepare(*args, **kwargs)
            if inspect.isawaitable(result):
                await result
            return None

    HubGate.__name__ = HubGate.__qualname__ = f"HubGate{handler.__name__}"
    return HubGate


def login_params(handler, auth) -> dict[str, str]:
    """The OAuth state (and PKCE challenge, from JupyterHub 6) of a trip through the hub's login."""
    params: dict[str, str] = {}
    extra = {}
    if getattr(auth, "pkce_enabled", False):
        verifier, challenge, method = auth.generate_pkce_code_challenge()
        params.update(code_challenge=challenge, code_challenge_method=method)
        extra["code_verifier"] = verifier
    params["state"] = auth.set_state_cookie(handler, next_url=handler.request.uri, **extra)
    return params


def guarded_routes(routes: list[tuple], user: HubUser, *, open_to: tuple[type, ...] = (),
                   assets: tuple[str, ...] = ()) -> list[tuple]:
    """Every route behind `gate`, plus the hub's OAuth callback (the one route open to a browser), except:

    * the `open_to` handlers (the kernels' own channel on this computer, which checks its own secret);
    * static files and the routes under the `assets` paths (the pages' scripts and styles: public code, no
      learner's data). A module script is fetched in CORS mode, which the hub's OAuth accepts only with an
      XSRF token no script tag can send: behind the gate, a lesson page's modules would never load.
    """
    from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler  # noqa: PLC0415 - hub mode only
    from tornado.web import StaticFileHandler  # noqa: PLC0415

    auth = HubOAuth.instance()
    callback = urlparse(auth.oauth_redirect_uri).path

    def open_route(spec: tuple) -> bool:
        handler = spec[1]
        return (handler in open_to or (isinstance(handler, type) and issubclass(handler, StaticFileHandler))
                or any(asset in spec[0] for asset in assets))

    return [(callback, HubOAuthCallbackHandler),
            *(spec if open_route(spec) else (spec[0], gate(spec[1], user, auth), *spec[2:]) for spec in routes)]