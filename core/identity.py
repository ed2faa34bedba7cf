"""Who is the learner in this kernel? The class roster and `current_learner()`.

A classroom learner signs in once on the catalogue page (`hocvuso serve`) with the class code and a
display name; the server gives the browser a random sign-in token (a cookie, or `?t=` in the URL).
A lesson kernel asks `current_learner()`: it reads that token from the request Voilà passes to
the kernel (a preheated kernel first waits for it, the way the classroom's kernels install with
`set_visitor_wait`: core knows no server), and looks it up in the class roster, in the same
database as the submissions (`database.open_database`: one engine per process for both). On a
JupyterHub the hub has already authenticated the user, so `JUPYTERHUB_USER` names the learner (still
checked against the roster).

What this module must never do:

* trust a name or an id from the browser: only an unguessable token, looked up here, names a learner;
* keep a token in clear: the roster stores its SHA-256, so a copied database file signs nobody in;
* let a short code sign anyone in: the learner code (the learner id, used with the name to continue
  on another device) is 8 characters (32^8 ≈ 10^12) and the server rate-limits sign-ins, so guessing
  is hopeless; the dashboard does not show it unless the teacher asks for one learner's;
* let the teacher PIN be guessed: failed tries are counted per class in the database (`pin_guard`),
  across kernels, page reloads and restarts, with a growing wait (`PIN_DELAYS`);
* keep a token forever: tokens expire after TOKEN_DAYS, and a learner can sign out every device;
* leave the database readable by others: a SQLite roster and its -wal/-shm files are made 0600
  (`database.restrict_sqlite_files`);
* block a plain notebook or nbgrader: outside a classroom it returns None at once.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ._env import is_grading
from ._errors import HocvusoError, StoreError
from ._i18n import LOCALES, N_, translations
from ._submission import Learner
from ._text import normalize_text
from .config import Settings
from .database import open_database

_log = logging.getLogger("hocvuso")

TOKEN_COOKIE = "hv_token"
"""Cookie that carries the sign-in token."""
TOKEN_PARAM = "t"
"""Query-string parameter that may carry the token instead (links, tests, scripts)."""
TEACHER_COOKIE = "hv_teacher"
"""Cookie of a teacher who typed the PIN on the server's PIN page (the dashboard's kernel checks it)."""
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
"""Class codes and learner codes: no 0/O, 1/I — read aloud and typed on a phone without mistakes."""
MAX_NAME = 60
LEARNER_CODE_LENGTH = 8
"""Learner codes (a new learner's id): 32^8 ≈ 10^12 values. With sign-in limited to a few wrong codes
per name and per address every minutes (`hocvuso.classroom`), guessing a classmate's is hopeless."""
TOKEN_DAYS = 30
"""A sign-in token (a device) stays valid this long; then the learner signs in again with name + code."""
TEACHER_HOURS = 12
"""A teacher session (after the PIN page) lasts one school day."""
MIN_PIN_DIGITS = 6
"""Shortest teacher PIN: with PIN_DELAYS at most ~5 + 24 a day tries get through, so in a 40-day term
an attacker tries ~1,000 of the 10^6 PINs (0.1 %); a 4-digit PIN would fall in about a week."""
PIN_FREE_TRIES = 5
"""Wrong PINs allowed in a row before each further try has to wait (a teacher mistyping)."""
PIN_MAX_DELAY = 3600.0
RESERVED_NAMES = frozenset({"giao vien", "co giao", "thay giao", "thay", "co", "teacher", "admin", "gv",
                            "giaovien", "quan tri", "administrator"})
"""Names no learner may take (casefolded, without diacritics): they would pose as the teacher."""
MAX_LEARNERS = 400
"""New learners one class accepts (a class of 40, each on two or three devices, with room to spare)."""


class SignInRefused(HocvusoError, ValueError):
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
    """A random teacher PIN of MIN_PIN_DIGITS digits that `check_pin_strength` accepts."""
    while True:
        pin = f"{secrets.randbelow(10**MIN_PIN_DIGITS):0{MIN_PIN_DIGITS}d}"
        try:
            return check_pin_strength(pin)
        except ValueError:
            continue


def clean_class_code(code: object) -> str:
    """Upper-case, spaces removed; raise SignInRefused if it cannot be a class code."""
    text = normalize_text(code).replace(" ", "").replace("-", "").upper() if isinstance(code, str) else ""
    if not (3 <= len(text) <= 16 and text.isascii() and text.isalnum()):
        raise SignInRefused(f"class code {code!r} is not 3-16 letters or digits",
                            N_("Check the class code with your teacher."))
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


def pin_delay(failures: int) -> float:
    """Seconds to wait before the next try after `failures` wrong PINs in a row (0 for the first few)."""
    if failures < PIN_FREE_TRIES:
        return 0.0
    return min(PIN_MAX_DELAY, 15.0 * 2 ** (failures - PIN_FREE_TRIES))


def check_pin_strength(pin: object) -> str:
    """`pin` if it can be a teacher PIN: MIN_PIN_DIGITS to 12 digits, not one digit repeated nor a run."""
    text = pin.strip() if isinstance(pin, str) else ""
    if not (text.isdigit() and MIN_PIN_DIGITS <= len(text) <= 12):
        raise ValueError(f"the teacher PIN must be {MIN_PIN_DIGITS} to 12 digits "
                         f"(shorter ones can be guessed despite the lockout)")
    if len(set(text)) == 1 or text in "01234567890123" or text in "98765432109876":
        raise ValueError("the teacher PIN must not be one digit repeated or a run like 123456")
    return text


def plain_name(name: str) -> str:
    """A name as compared: casefolded, without diacritics (đ → d), spaces collapsed."""
    text = unicodedata.normalize("NFKD", name.casefold().replace("đ", "d"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


@dataclass(frozen=True)
class PinTry:
    """The outcome of one PIN try: `ok`, or `wait` seconds before the next may be made; `checked`
    is False when the PIN was not even looked at (the class had to wait)."""

    ok: bool
    wait: float = 0.0
    checked: bool = True


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
    pin_guard = sa.Table(
        "pin_guard", metadata,
        sa.Column("class_code", sa.String(16), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("next_try", sa.Float, nullable=False),
    )
    teacher_sessions = sa.Table(
        "teacher_sessions", metadata,
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("class_code", sa.String(16), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    served = sa.Table(
        "served_classes", metadata,
        sa.Column("class_code", sa.String(16), primary_key=True),
        sa.Column("served_at", sa.String(40), nullable=False),
    )
    """When each class was last started by `hocvuso serve`: a restart without a class code continues the last."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.engine = open_database(url, self.metadata)
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

    def mark_served(self, class_code: str) -> None:
        """Remember that `class_code` is the class being served now."""
        code = clean_class_code(class_code)
        now = datetime.now(timezone.utc).isoformat()  # microseconds: two starts in one second stay ordered
        with self.engine.begin() as conn:
            if conn.execute(self.served.update().where(self.served.c.class_code == code)
                            .values(served_at=now)).rowcount == 0:
                conn.execute(self.served.insert().values(class_code=code, served_at=now))

    def last_served(self) -> str | None:
        """The class this store served last (None for a new store)."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(self.served.c.class_code)
                                .order_by(self.served.c.served_at.desc()).limit(1)).scalar()

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

    def try_pin(self, class_code: str, pin: object, *, now: float | None = None) -> PinTry:
        """One teacher-PIN try, counted for the class in the database (all kernels, all restarts).

        A try first takes its turn (a compare-and-swap on the failure count, so parallel tries from
        many pages each count); while the class must wait, the PIN is not even checked. A right PIN
        clears the count.
        """
        g = self.pin_guard
        for _ in range(50):
            moment = time.time() if now is None else now
            with self.engine.begin() as conn:
                row = conn.execute(sa.select(g.c.failures, g.c.next_try).where(g.c.class_code == class_code)).first()
                if row is None:
                    try:
                        conn.execute(g.insert().values(class_code=class_code, failures=0, next_try=0.0))
                    except IntegrityError:
                        pass
                    continue
                if row.next_try > moment:
                    return PinTry(False, row.next_try - moment, checked=False)
                taken = conn.execute(g.update().where(g.c.class_code == class_code, g.c.failures == row.failures)
                                     .values(failures=row.failures + 1,
                                             next_try=moment + pin_delay(row.failures + 1))).rowcount
            if taken:
                break
        else:
            return PinTry(False, 1.0, checked=False)
        if self.check_pin(class_code, pin):
            with self.engine.begin() as conn:
                conn.execute(g.update().where(g.c.class_code == class_code).values(failures=0, next_try=0.0))
            return PinTry(True)
        return PinTry(False, pin_delay(row.failures + 1))

    def start_teacher_session(self, class_code: str) -> str:
        """A new teacher session token (after a right PIN); stored hashed, like sign-in tokens."""
        token = secrets.token_urlsafe(24)
        with self.engine.begin() as conn:
            conn.execute(self.teacher_sessions.insert().values(token_hash=_hash_token(token), class_code=class_code,
                                                               created_at=_now()))
        return token

    def is_teacher(self, class_code: str, token: object) -> bool:
        """Whether `token` is a live teacher session of `class_code`."""
        if not isinstance(token, str) or not 16 <= len(token) <= 64:
            return False
        ts = self.teacher_sessions
        try:
            with self.engine.connect() as conn:
                row = conn.execute(sa.select(ts.c.class_code).where(
                    ts.c.token_hash == _hash_token(token), ts.c.class_code == class_code,
                    ts.c.created_at >= _ago(hours=TEACHER_HOURS))).first()
        except SQLAlchemyError:
            return False
        return row is not None

    # ------------------------------------------------------------------ learners

    def sign_in(self, class_code: object, name: object, *, learner_code: object = None) -> tuple[Learner, str]:
        """Sign a learner in; return (learner, token).

        A new sign-in makes a new learner with a fresh LEARNER_CODE_LENGTH-character code, so two
        pupils both called "Lan" are two learners. Coming back on another device, the learner gives
        the code shown after the first sign-in and continues as the same learner (name must match
        too). Names posing as the teacher are refused, and a class takes at most MAX_LEARNERS.
        """
        code = clean_class_code(class_code)
        clean = clean_name(name)
        if not self.class_exists(code):
            raise SignInRefused(f"no class {code!r} in the roster",
                                N_("There is no class with this code. Check it with your teacher."))
        wanted = normalize_learner_code(learner_code)
        if wanted:
            with self.engine.connect() as conn:
                row = conn.execute(sa.select(self.learners.c.learner_id, self.learners.c.name)
                                   .where(self.learners.c.class_code == code,
                                          self.learners.c.learner_id == wanted)).first()
            if row is None or row.name.casefold() != clean.casefold():
                raise SignInRefused(f"no learner {wanted!r} named {clean!r} in class {code!r}",
                                    N_("This name and personal code do not match. "
                                       "Leave the code empty to start as a new learner."))
            learner = Learner(class_code=code, name=row.name, learner_id=row.learner_id)
        else:
            if plain_name(clean) in RESERVED_NAMES:
                raise SignInRefused(f"name {clean!r} poses as the teacher", N_("Type your own name."))
            if self.count_members(code) >= MAX_LEARNERS:
                raise SignInRefused(f"class {code!r} is full ({MAX_LEARNERS} learners)",
                                    N_("This class is full. Ask your teacher."))
            learner = self._new_learner(code, clean)
        return learner, self.issue_token(learner)

    def count_members(self, class_code: str) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(self.learners)
                                    .where(self.learners.c.class_code == class_code)).scalar_one())

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
                 .where(t.c.token_hash == _hash_token(token), t.c.created_at >= _ago(days=TOKEN_DAYS)))
        try:
            with self.engine.connect() as conn:
                row = conn.execute(query).first()
        except SQLAlchemyError:
            return None
        return None if row is None else Learner(class_code=row.class_code, name=row.name, learner_id=row.learner_id)

    def revoke(self, token: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(self.tokens.delete().where(self.tokens.c.token_hash == _hash_token(token)))

    def revoke_all(self, learner: Learner) -> int:
        """Sign `learner` out on every device; return how many tokens were revoked."""
        with self.engine.begin() as conn:
            return conn.execute(self.tokens.delete().where(self.tokens.c.class_code == learner.class_code,
                                                           self.tokens.c.learner_id == learner.learner_id)).rowcount

    def members(self, class_code: str) -> list[Learner]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(self.learners).where(self.learners.c.class_code == class_code)
                                .order_by(self.learners.c.created_at, self.learners.c.learner_id))
            return [Learner(class_code=r.class_code, name=r.name, learner_id=r.learner_id) for r in rows]

    def _new_learner(self, class_code: str, name: str) -> Learner:
        for _ in range(20):
            learner_id = new_code(LEARNER_CODE_LENGTH)
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


def _ago(**delta: float) -> str:
    """The ISO time `delta` ago, comparable with the stored `created_at` strings."""
    return (datetime.now(timezone.utc) - timedelta(**delta)).isoformat(timespec="seconds")


def normalize_learner_code(code: object) -> str:
    """A typed learner code as stored: upper case, without the spaces and dashes it is shown with."""
    if not isinstance(code, str):
        return ""
    return normalize_text(code).replace(" ", "").replace("-", "").strip().upper()[:16]


def show_learner_code(code: str) -> str:
    """A learner code as printed for people: "ABCD-EFGH" (4-character codes of older classes as they are)."""
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code


# ---------------------------------------------------------------------- the kernel side

_lock = threading.Lock()
_cached: dict[str, Learner | None] = {}


def in_classroom() -> bool:
    """True in a kernel started by `hocvuso serve` (or a hub configured for a class)."""
    settings = Settings.from_env()
    return bool(settings.class_code and settings.db) and not is_grading()


def token_from_request(query_string: str | None, cookie_header: str | None) -> str | None:
    """The sign-in token in a request: the hv_token cookie first, else `?t=`.

    The browser's own sign-in wins: a link carrying someone else's `?t=` never replaces the
    learner signed in on this device (the server also drops such a `?t=` before a kernel sees it).
    """
    if cookie_header:
        jar = SimpleCookie()
        try:
            jar.load(cookie_header)
        except CookieError:
            jar = SimpleCookie()
        if TOKEN_COOKIE in jar and jar[TOKEN_COOKIE].value:
            return jar[TOKEN_COOKIE].value
    values = parse_qs(query_string or "").get(TOKEN_PARAM)
    return values[-1] if values else None


def cookie_value(cookie_header: str | None, name: str) -> str | None:
    """One cookie's value from a Cookie header (None if absent or unreadable)."""
    jar = SimpleCookie()
    try:
        jar.load(cookie_header or "")
    except CookieError:
        return None
    return jar[name].value if name in jar else None


def current_learner(*, wait: bool = True) -> Learner | None:
    """The signed-in learner of this kernel's page, or None outside a classroom or when not signed in.

    In a classroom kernel Voilà preheated before anyone asked for it, this first waits for the
    visitor's request (the wait the classroom's kernels install, `set_visitor_wait`; `wait=False`
    skips it). The answer is kept for the life of the kernel, which serves exactly one page view.
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
    settings = Settings.from_env()
    class_code, db_url = settings.class_code, settings.db
    hub_user = os.environ.get("JUPYTERHUB_USER", "")
    if hub_user and class_code and db_url:
        roster = Roster(db_url)
        found = roster.learner(clean_class_code(class_code), hub_user)
        if found is None and settings.hub_enrol:
            found = roster.enrol(class_code, hub_user, hub_user)
        return found
    if not (class_code and db_url):
        return None
    # Open the roster before waiting: in a preheated kernel that work is done before the learner
    # arrives, and only the token look-up is left between the request and the page.
    roster = Roster(db_url)
    if wait and os.environ.get("VOILA_PREHEAT") == "True":
        for locale in LOCALES:  # the page's language comes with the request; both catalogues are ready
            translations(locale)
        if _visitor_wait is None:
            _log.warning("a preheated classroom kernel has no way to wait for its visitor (it was not started "
                         "through hocvuso.classroom's kernels): nobody is signed in on this page")
        else:
            _visitor_wait()
    token = token_from_request(os.environ.get("QUERY_STRING"), os.environ.get("HTTP_COOKIE"))
    if not token:
        return None
    learner = roster.resolve(token)
    if learner is not None and learner.class_code != clean_class_code(class_code):
        return None  # a token of another class served from the same database
    return learner


_visitor_wait: Callable[[], None] | None = None


def set_visitor_wait(wait: Callable[[], None] | None) -> None:
    """How a preheated kernel waits for its visitor: `wait()` returns once the visitor's request (cookies,
    query string) is in os.environ. The classroom's kernels install theirs before the lesson runs; core
    knows no server (a hub's kernels, a plain notebook and nbgrader never wait)."""
    global _visitor_wait
    _visitor_wait = wait


def forget_learner() -> None:
    """Drop this kernel's cached learner (tests, which ask again in one process)."""
    with _lock:
        _cached.clear()


__all__ = ["CODE_ALPHABET", "LEARNER_CODE_LENGTH", "MAX_LEARNERS", "MIN_PIN_DIGITS", "PIN_FREE_TRIES", "TEACHER_COOKIE",
           "TEACHER_HOURS", "TOKEN_COOKIE", "TOKEN_PARAM", "ClassInfo", "PinTry", "Roster", "SignInRefused",
           "check_pin_strength", "clean_class_code", "clean_name", "cookie_value", "current_learner", "forget_learner",
           "in_classroom", "new_code", "new_pin", "normalize_learner_code", "pin_delay", "plain_name",
           "set_visitor_wait", "show_learner_code", "token_from_request"]
