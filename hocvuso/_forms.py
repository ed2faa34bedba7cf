"""Double-submit CSRF protection for the server-rendered forms (catalogue sign-in, upload page).

A random token lives in an HttpOnly cookie and in a hidden form field; a POST is accepted only when
the two match, so another site cannot make a learner's phone sign in or hand in. One helper for
both servers (`hocvuso.classroom`, `hocvuso.handin`), which share the cookie on one origin.
"""
from __future__ import annotations

import secrets

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
