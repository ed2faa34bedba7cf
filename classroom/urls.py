"""Every URL the classroom produces, under the server's base URL.

Standalone, `hocvuso serve` answers at "/"; behind JupyterHub a learner's server answers at
"/user/NAME/" (Voilà's `base_url`). The catalogue's links and forms, the redirects after a form, the
dashboard link, the upload page, the cookies' paths and the addresses printed for the teacher are all
built by `site_url` from that base, never from a root path, so one server works under either.

Handlers read the base from their Tornado settings (`base_of`), where Voilà puts it.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode


def normal_base(base_url: str | None) -> str:
    """`base_url` as a path that starts and ends with "/" ("" or None: "/")."""
    inner = (base_url or "").strip("/")
    return f"/{inner}/" if inner else "/"


def site_url(base_url: str | None, path: str = "", **query: str) -> str:
    """`path` (relative, e.g. "hv/signin"; quoted here) under `base_url`, with `query` (e.g. lang="vi")."""
    url = normal_base(base_url) + quote(path.lstrip("/"), safe="/")
    return f"{url}?{urlencode(query)}" if query else url


def base_of(handler: Any) -> str:
    """The base URL of the server a Tornado handler belongs to (Voilà's `base_url` setting; "/" without one)."""
    return normal_base(handler.settings.get("base_url"))


__all__ = ["base_of", "normal_base", "site_url"]
