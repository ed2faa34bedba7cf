"""The server-rendered forms (sign-in, PIN, upload): Tornado's XSRF protection and rate limits.

Cross-site requests: the classroom's Tornado application runs with `XSRF_SETTINGS` (Tornado's
``xsrf_cookies``), so every POST, PUT or DELETE to any of its handlers is refused (403) unless it
carries the token of the ``_xsrf`` cookie — in the form's hidden ``_xsrf`` field (`form_token`)
or an ``X-XSRFToken`` header. Another site cannot make a learner's phone sign in, sign out or hand
in. Jupyter's own handlers (kernel REST) keep their check, which reads the same cookie; websockets
are GET requests and are guarded by who owns the kernel (`_app.owner_only`). The cookie is
HttpOnly and SameSite=Lax (the pages' scripts never read it).

Shared by both servers (`hocvuso.classroom`, `hocvuso.handin`), which share the cookie on one
origin. Imports nothing of tornado: a lesson kernel imports the classroom package.
"""
from __future__ import annotations

import time
from collections import deque
from typing import Any

XSRF_FIELD = "_xsrf"
"""The form field Tornado reads the token from."""
XSRF_SETTINGS: dict[str, Any] = {"xsrf_cookies": True, "xsrf_cookie_kwargs": {"httponly": True, "samesite": "Lax"}}
"""Tornado application settings: check every unsafe request's token against the `_xsrf` cookie."""
EXPIRED = "The form has expired. Reload the page and try again."
"""The msgid a refused form shows (translated where it is shown)."""


def form_token(handler: Any) -> str:
    """The token for `handler`'s form (a tornado RequestHandler); sets the `_xsrf` cookie if it has none."""
    return handler.xsrf_token.decode("ascii")


def streamed_form_ok(handler: Any, submitted: str) -> bool:
    """Tornado's XSRF check for a form whose body the handler read itself (`@stream_request_body`): Tornado
    checks before the body arrives, so such a handler defers it (`check_xsrf_cookie` does nothing until
    the body is parsed) and asks here with the form's `_xsrf` field."""
    import tornado.web  # noqa: PLC0415 - only the servers call this; a lesson kernel imports this module

    handler.request.arguments[XSRF_FIELD] = [submitted.encode("utf-8", "replace")]
    try:
        tornado.web.RequestHandler.check_xsrf_cookie(handler)
    except tornado.web.HTTPError:
        return False
    return True


class RateLimiter:
    """At most `limit` events per `window` seconds per key (sliding window, in memory)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self.events: dict[object, deque[float]] = {}

    def wait(self, key: object, now: float | None = None) -> float:
        """Seconds until `key` may act again (0: now)."""
        now = time.monotonic() if now is None else now
        events = self.events.get(key)
        if not events:
            return 0.0
        while events and events[0] <= now - self.window:
            events.popleft()
        if not events:
            del self.events[key]
            return 0.0
        return 0.0 if len(events) < self.limit else events[0] + self.window - now

    def hit(self, key: object, now: float | None = None) -> None:
        self.events.setdefault(key, deque()).append(time.monotonic() if now is None else now)
        if len(self.events) > 50_000:  # a flood of made-up keys: forget the oldest half
            for k in list(self.events)[:25_000]:
                del self.events[k]


__all__ = ["EXPIRED", "XSRF_FIELD", "XSRF_SETTINGS", "RateLimiter", "form_token", "streamed_form_ok"]
