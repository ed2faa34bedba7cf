"""Double-submit CSRF protection and rate limits for the server-rendered forms (sign-in, PIN, upload).

A random token lives in an HttpOnly cookie and in a hidden form field; a POST is accepted only when
the two match, so another site cannot make a learner's phone sign in or hand in. One helper for
both servers (`hocvuso.classroom`, `hocvuso.handin`), which share the cookie on one origin.
"""
from __future__ import annotations

import secrets
import time
from collections import deque

CSRF_COOKIE = "hv_csrf"
CSRF_FIELD = "_hv_csrf"


def csrf_token(handler) -> str:
    """The token for `handler`'s form (a tornado RequestHandler): the cookie's, or a new one it sets."""
    token = handler.get_cookie(CSRF_COOKIE)
    if not token or len(token) < 16:
        token = secrets.token_urlsafe(18)
        handler.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="Lax", path="/")
    return token


def csrf_matches(handler, submitted: str) -> bool:
    """Whether the form's `submitted` token equals the cookie's (constant-time)."""
    cookie = handler.get_cookie(CSRF_COOKIE)
    return bool(cookie) and secrets.compare_digest(cookie, submitted)


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
