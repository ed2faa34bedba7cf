"""Who is the learner in this kernel? The class roster and `current_learner()`.

A classroom learner signs in once on the catalogue page (`hocvuso serve`) with the class code and a
display name; the server gives the browser a random sign-in token (a cookie, or `?t=` in the URL).
A lesson kernel asks `current_learner()`: it reads that token from the request Voilà passes to
the kernel (after `voila.utils.wait_for_request()` when the kernel was preheated), and looks it up
in the class roster, in the same database as the submissions. On a JupyterHub the hub has already
authenticated the user, so `JUPYTERHUB_USER` names the learner (still checked against the roster).

What this module must never do:

* trust a name or an id from the browser: only an unguessable token, looked up here, names a learner;
* keep a token in clear: the roster stores its SHA-256, so a copied database file signs nobody in;
* let a learner id double as a credential: ids are short and shown to the teacher, tokens are not;
* block a plain notebook or nbgrader: outside a classroom it returns None at once.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ._env import is_grading
from ._errors import StoreError
from ._i18n import N_
from ._store import _make_engine
from ._submission import Learner
from ._text import normalize_text

TOKEN_COOKIE = "hv_token"
"""Cookie that carries the sign-in token."""
TOKEN_PARAM = "t"
"""Query-string parameter that may carry the token instead (links, tests, scripts)."""
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
"""Class codes and learner codes: no 0/O, 1/I — read aloud and typed on a phone without mistakes."""
MAX_NAME = 60


class SignInRefused(ValueError):
    """A sign-in the roster refuses; `reason` is an English msgid for the learner (translated on display)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, kw_only=True)
class ClassInfo:
    """One class in the roster."""

    class_code: str
    """The code learners type to join."""
    created_at: str
    """When the class was first served (ISO 8601 UTC)."""


def new_code(length: int = 6) -> str:
    """A random code from CODE_ALPHABET (class codes, learner codes, PINs are separate)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_pin() -> str:
    """A 6-digit teacher PIN."""
    return f"{secrets.randbelow(10**6):06d}"


def clean_class_code(code: object) -> str:
    """Upper-case, spaces removed; raise SignInRefused if it cannot be a class code."""
    text = normalize_text(code).replace(" ", "").replace("-", "").upper() if isinstance(code, str) else ""
    if not (3 <= len(text) <= 16 and text.isascii() and text.isalnum()):
        raise SignInRefused(f"class code {code!r} is not 3-16 letters or digits", N_("Check the class code with your teacher."))
    return text


def clean_name(name: object) -> str:
    """NFC, inner spaces collapsed; 1..MAX_NAME characters of printable text."""
    text = " ".join(normalize_text(name).split()) if isinstance(name, str) else ""
    if not text or len(text) > MAX_NAME or not text.isprintable():
        raise SignInRefused(f"display name {name!r} is empty, too long or not printable",
                            N_("Type your name (at most 60 characters)."))
    return text


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _hash_pin(pin: str, salt: bytes) -> str:
    return hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, 200_000).hex()


class Roster:
    """Classes, learners and sign-in tokens, in the classroom database (any SQLAlchemy URL)."""

    metadata = sa.MetaData()
    classes = sa.Table(
        "classes", metadata,
        sa.Column("class_code", sa.String(16), primary_key=True),
        sa.Column("pin_salt", sa.String(64), nullable=False),
        sa.Column("pin_hash", sa.String(128), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    learners = sa.Table(
        "learners", metadata,
        sa.Column("class_code", sa.String(16), primary_key=True),
        sa.Column("learner_id", sa.String(128), primary_key=True),
        sa.Column("name", sa.Unicode(200), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    tokens = sa.Table(
        "signin_tokens", metadata,
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("class_code", sa.String(16), nullable=False),
        sa.Column("learner_id", sa.String(128), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.engine = _make_engine(url)
            self.metadata.create_all(self.engine)
        except SQLAlchemyError as exc:
            shown = sa.engine.make_url(url).render_as_string(hide_password=True)
            raise StoreError(f"cannot open the class roster in {shown}: {exc}") from exc

    # ------------------------------------------------------------------ classes

    def ensure_class(self, class_code: str, *, pin: str) -> ClassInfo:
        """Create the class if new and (re)set its teacher PIN; return it."""
        code = clean_class_code(class_code)
        salt = secrets.token_bytes(16)
        values = {"pin_salt": salt.hex(), "pin_hash": _hash_pin(pin, salt)}
        with self.engine.begin() as conn:
            found = conn.execute(sa.select(self.classes.c.created_at).where(self.classes.c.class_code == code)).first()
            if found is None:
                created = _now()
                conn.execute(self.classes.insert().values(class_code=code, created_at=created, **values))
            else:
                created = found.created_at
                conn.execute(self.classes.update().where(self.classes.c.class_code == code).values(**values))
        return ClassInfo(class_code=code, created_at=created)

    def class_exists(self, class_code: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(self.classes.c.class_code)
                                .where(self.classes.c.class_code == class_code)).first() is not None

    def check_pin(self, class_code: str, pin: object) -> bool:
        """True if `pin` is the teacher PIN of `class_code` (constant-time comparison)."""
        if not isinstance(pin, str) or not pin.strip().isdigit() or len(pin.strip()) > 12:
            return False
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(self.classes.c.pin_salt, self.classes.c.pin_hash)
                               .where(self.classes.c.class_code == class_code)).first()
        if row is None:
            return False
        return hmac.compare_digest(_hash_pin(pin.strip(), bytes.fromhex(row.pin_salt)), row.pin_hash)

    # ------------------------------------------------------------------ learners

    def sign_in(self, class_code: object, name: object, *, learner_code: object = None) -> tuple[Learner, str]:
        """Sign a learner in; return (learner, token).

        A new sign-in makes a new learner with a fresh 4-character code, so two pupils both called
        "Lan" are two learners. Coming back on another device, the learner gives the code shown
        after the first sign-in and continues as the same learner (name must match too).
        """
        code = clean_class_code(class_code)
        clean = clean_name(name)
        if not self.class_exists(code):
            raise SignInRefused(f"no class {code!r} in the roster", N_("There is no class with this code. Check it with your teacher."))
        wanted = normalize_text(learner_code).strip().upper() if isinstance(learner_code, str) else ""
        if wanted:
            with self.engine.connect() as conn:
                row = conn.execute(sa.select(self.learners.c.learner_id, self.learners.c.name)
                                   .where(self.learners.c.class_code == code,
                                          self.learners.c.learner_id == wanted)).first()
            if row is None or row.name.casefold() != clean.casefold():
                raise SignInRefused(f"no learner {wanted!r} named {clean!r} in class {code!r}",
                                    N_("This name and personal code do not match. Leave the code empty to start as a new learner."))
            learner = Learner(class_code=code, name=row.name, learner_id=row.learner_id)
        else:
            learner = self._new_learner(code, clean)
        return learner, self.issue_token(learner)

    def enrol(self, class_code: str, name: str, learner_id: str) -> Learner:
        """Add a learner with a known id (a JupyterHub user name); idempotent."""
        code = clean_class_code(class_code)
        learner = Learner(class_code=code, name=clean_name(name), learner_id=learner_id)
        try:
            with self.engine.begin() as conn:
                conn.execute(self.learners.insert().values(class_code=code, learner_id=learner_id,
                                                           name=learner.name, created_at=_now()))
        except IntegrityError:
            pass
        return self.learner(code, learner_id) or learner

    def learner(self, class_code: str, learner_id: str) -> Learner | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(self.learners.c.name).where(
                self.learners.c.class_code == class_code, self.learners.c.learner_id == learner_id)).first()
        return None if row is None else Learner(class_code=class_code, name=row.name, learner_id=learner_id)

    def issue_token(self, learner: Learner) -> str:
        token = secrets.token_urlsafe(24)
        with self.engine.begin() as conn:
            conn.execute(self.tokens.insert().values(token_hash=_hash_token(token), class_code=learner.class_code,
                                                     learner_id=learner.learner_id, created_at=_now()))
        return token

    def resolve(self, token: object) -> Learner | None:
        """The learner a token signs in, or None (unknown, malformed or revoked)."""
        if not isinstance(token, str) or not 16 <= len(token) <= 64:
            return None
        t, lr = self.tokens, self.learners
        query = (sa.select(lr.c.class_code, lr.c.learner_id, lr.c.name)
                 .join(t, sa.and_(t.c.class_code == lr.c.class_code, t.c.learner_id == lr.c.learner_id))
                 .where(t.c.token_hash == _hash_token(token)))
        try:
            with self.engine.connect() as conn:
                row = conn.execute(query).first()
        except SQLAlchemyError:
            return None
        return None if row is None else Learner(class_code=row.class_code, name=row.name, learner_id=row.learner_id)

    def revoke(self, token: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(self.tokens.delete().where(self.tokens.c.token_hash == _hash_token(token)))

    def members(self, class_code: str) -> list[Learner]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(self.learners).where(self.learners.c.class_code == class_code)
                                .order_by(self.learners.c.created_at, self.learners.c.learner_id))
            return [Learner(class_code=r.class_code, name=r.name, learner_id=r.learner_id) for r in rows]

    def _new_learner(self, class_code: str, name: str) -> Learner:
        for _ in range(20):
            learner_id = new_code(4)
            try:
                with self.engine.begin() as conn:
                    conn.execute(self.learners.insert().values(class_code=class_code, learner_id=learner_id,
                                                               name=name, created_at=_now()))
            except IntegrityError:
                continue  # that code is taken in this class: draw another
            return Learner(class_code=class_code, name=name, learner_id=learner_id)
        raise StoreError(f"could not find a free learner code in class {class_code!r}")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# ---------------------------------------------------------------------- the kernel side

_lock = threading.Lock()
_cached: dict[str, Learner | None] = {}


def in_classroom() -> bool:
    """True in a kernel started by `hocvuso serve` (or a hub configured for a class)."""
    return bool(os.environ.get("HOCVUSO_CLASS")) and bool(os.environ.get("HOCVUSO_DB")) and not is_grading()


def token_from_request(query_string: str | None, cookie_header: str | None) -> str | None:
    """The sign-in token in a request: `?t=` first, else the hv_token cookie."""
    values = parse_qs(query_string or "").get(TOKEN_PARAM)
    if values:
        return values[-1]
    if cookie_header:
        jar = SimpleCookie()
        try:
            jar.load(cookie_header)
        except CookieError:
            return None
        if TOKEN_COOKIE in jar:
            return jar[TOKEN_COOKIE].value
    return None


def current_learner(*, wait: bool = True) -> Learner | None:
    """The signed-in learner of this kernel's page, or None outside a classroom or when not signed in.

    In a classroom kernel Voilà preheated before anyone asked for it, this first waits for the
    visitor's request (`voila.utils.wait_for_request()`; `wait=False` skips that). The answer is
    kept for the life of the kernel, which serves exactly one page view.
    """
    with _lock:
        if "learner" in _cached:
            return _cached["learner"]
        learner = _find_learner(wait)
        _cached["learner"] = learner
        return learner


def _find_learner(wait: bool) -> Learner | None:
    if is_grading():
        return None
    class_code = os.environ.get("HOCVUSO_CLASS", "")
    db_url = os.environ.get("HOCVUSO_DB", "")
    hub_user = os.environ.get("JUPYTERHUB_USER", "")
    if hub_user and class_code and db_url:
        roster = Roster(db_url)
        found = roster.learner(clean_class_code(class_code), hub_user)
        if found is None and os.environ.get("HOCVUSO_HUB_ENROL") == "1":
            found = roster.enrol(class_code, hub_user, hub_user)
        return found
    if not (class_code and db_url):
        return None
    # Open the roster before waiting: in a preheated kernel that work is done before the learner
    # arrives, and only the token look-up is left between the request and the page.
    roster = Roster(db_url)
    if wait and os.environ.get("VOILA_PREHEAT") == "True":
        from ._i18n import LOCALES, translations

        for locale in LOCALES:  # the page's language comes with the request; both catalogues are ready
            translations(locale)
        _wait_for_visitor()
    token = token_from_request(os.environ.get("QUERY_STRING"), os.environ.get("HTTP_COOKIE"))
    if not token:
        return None
    learner = roster.resolve(token)
    if learner is not None and learner.class_code != clean_class_code(class_code):
        return None  # a token of another class served from the same database
    return learner


def _wait_for_visitor() -> None:
    """Block until Voilà hands this preheated kernel to a visitor and passes the request on.

    `voila.utils.wait_for_request()` gives up quietly when its websocket to the server takes more
    than 5 s to open or is dropped — exactly what happens while a whole class's pool is being
    filled on two cores — and the kernel would then carry on as an anonymous visitor. The request
    has arrived once SCRIPT_NAME is in the environment (Voilà sets it with the query string), so
    keep asking until then.

    The same protocol is spoken here with tornado (already in every kernel) rather than through
    `voila.utils`: importing that module pulls in the Jupyter server, nbconvert and jsonschema,
    about 40 MB in each of the class's kernels.
    """
    import time

    while "SCRIPT_NAME" not in os.environ:
        try:
            _request_info()
        except Exception:  # a dropped connection: ask again
            pass
        if "SCRIPT_NAME" not in os.environ:
            time.sleep(0.5)


def _request_info() -> None:
    """One round of Voilà's `wait_for_request()`: read the request info sent on /voila/query/KERNEL_ID."""
    import asyncio
    import json

    env = os.environ
    server_url = env.get("VOILA_SERVER_URL", "/")
    url = (f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
           f"{env.get('VOILA_APP_PORT', '8866')}{env.get('VOILA_WS_BASE_URL', server_url)}voila/query/"
           f"{env.get('VOILA_KERNEL_ID', '')}")
    got: dict[str, object] = {}

    async def ask() -> object:
        from tornado.websocket import websocket_connect

        conn = await websocket_connect(url, connect_timeout=5)
        try:
            return await conn.read_message()
        finally:
            conn.close()

    def inner() -> None:  # its own loop, in its own thread: the kernel's loop is busy running this cell
        loop = asyncio.new_event_loop()
        try:
            got["message"] = loop.run_until_complete(ask())
        except Exception as exc:  # noqa: BLE001 - reported to the caller, which asks again
            got["error"] = exc
        finally:
            loop.close()

    thread = threading.Thread(target=inner, name="hocvuso-wait-for-request", daemon=True)
    thread.start()
    thread.join()
    message = got.get("message")
    if isinstance(message, (str, bytes)):
        for key, value in json.loads(message).items():
            os.environ[key] = value


def _forget() -> None:
    """Tests: drop the cached learner."""
    with _lock:
        _cached.clear()


__all__ = ["TOKEN_COOKIE", "TOKEN_PARAM", "ClassInfo", "Roster", "SignInRefused", "current_learner",
           "in_classroom", "new_code", "new_pin", "token_from_request"]
