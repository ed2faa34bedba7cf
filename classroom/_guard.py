"""What keeps one pupil on the class Wi-Fi from freezing, exhausting or impersonating the others.

* `VisitorMailbox`: how a preheated kernel learns who its visitor is. Voilà's own channel
  (`/voila/query/ID`, a websocket anyone may open with any id, whose close handler deletes the last
  waiter and whose cache keeps undelivered requests, cookies included) is not served. A kernel asks
  `GET /hv/visitor/ID` showing its own secret (`kernels._provisioner.kernel_key`); the request info
  is held only until that kernel takes it, and a kernel that does not take it in
  DELIVERY_TIMEOUT seconds is shut down (its visitor's reload gets a working kernel).
* `KernelTracker`: which learner (or teacher session) each kernel serves. One kernel per learner per
  lesson (opening the lesson again replaces the old kernel; answers come back from the store), a
  few opens a minute per learner and lesson, a total bounded by the class size and by the memory
  left, kernels idle or stuck for `Settings.kernel_idle` seconds shut down, and kernel URLs (REST, channels,
  shutdown) answered only for the kernel's own visitor.
* `RateLimiter`: sliding-window counts (sign-in failures per address and per name, page opens).

Everything here lives in the server's memory and is consulted on the event loop (no locks).
"""
from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode

from hocvuso.core.config import Settings
from hocvuso.core.identity import TOKEN_COOKIE, TOKEN_PARAM, cookie_value

from .forms import RateLimiter

_log = logging.getLogger("hocvuso.classroom")

DELIVERY_TIMEOUT = 30.0
"""Seconds a visitor's request waits for its preheated kernel to take it (it normally takes < 1 s)."""
COLD_DELIVERY_TIMEOUT = 300.0
"""The same for a kernel that has not asked yet (still starting: a class arriving before its pool is warm)."""
POLL_SECONDS = 20.0
"""How long one kernel's ask for its visitor is held open before it is answered "nobody yet"."""
OPENS_PER_MINUTE = 8
"""How often one learner may open the same lesson in a minute (each open takes a preheated kernel, and
replaces the learner's previous one): reloads of a stuck page pass, emptying the pool does not."""


def choose_token(cookie_header: str | None, query: str) -> tuple[str | None, str]:
    """The sign-in token a page request is served with, and its query string without `?t=`.

    The browser's cookie wins; a `?t=` is used only in a browser nobody is signed in on (a link
    sent to oneself), so a classmate's link never turns this phone into theirs.
    """
    params = parse_qsl(query or "", keep_blank_values=True)
    from_query = [v for k, v in params if k == TOKEN_PARAM]
    rest = urlencode([(k, v) for k, v in params if k != TOKEN_PARAM])
    cookie = cookie_value(cookie_header, TOKEN_COOKIE)
    return (cookie or (from_query[-1] if from_query else None)), rest


@dataclass(frozen=True)
class Visit:
    """Who a page is being served to: `owner` ("learner:CLASS:ID" or "teacher:HASH") and the notebook."""

    owner: str
    notebook: str


CURRENT_VISIT: contextvars.ContextVar[Visit | None] = contextvars.ContextVar("hocvuso_visit", default=None)
"""Set by the page handler for the request it serves; read where Voilà hands the page a kernel."""


class VisitorMailbox:
    """Request info for preheated kernels, each delivered to its own kernel only, then forgotten."""

    def __init__(self) -> None:
        self.pending: dict[str, tuple[dict, float]] = {}
        self.waiting: dict[str, asyncio.Future] = {}
        self.last_poll: dict[str, float] = {}

    def deliver(self, kernel_id: str, payload: dict) -> None:
        waiter = self.waiting.pop(kernel_id, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(payload)
            return
        self.pending[kernel_id] = (payload, time.monotonic() + DELIVERY_TIMEOUT)

    async def collect(self, kernel_id: str, wait: float = POLL_SECONDS) -> dict | None:
        """The request info for `kernel_id` (waiting up to `wait` s for it), or None."""
        self.last_poll[kernel_id] = time.monotonic()
        if kernel_id in self.pending:
            return self.pending.pop(kernel_id)[0]
        old = self.waiting.get(kernel_id)
        if old is not None and not old.done():
            old.cancel()  # the same kernel asks again (its earlier connection dropped)
        future = asyncio.get_running_loop().create_future()
        self.waiting[kernel_id] = future
        try:
            await asyncio.wait_for(asyncio.shield(future), wait)
        except (asyncio.TimeoutError, asyncio.CancelledError):
            pass
        finally:
            if self.waiting.get(kernel_id) is future:
                del self.waiting[kernel_id]
            self.last_poll[kernel_id] = time.monotonic()
        return future.result() if future.done() and not future.cancelled() else None

    def is_waiting(self, kernel_id: str) -> bool:
        """Whether the kernel is asking for its visitor (now, or between two asks)."""
        return kernel_id in self.waiting or time.monotonic() - self.last_poll.get(kernel_id, -1e9) < 2.0

    def expired(self) -> list[str]:
        """Kernels that never took their visitor's request in time (that request is dropped)."""
        now = time.monotonic()
        late = [k for k, (_p, deadline) in self.pending.items()
                if deadline + (0 if k in self.last_poll else COLD_DELIVERY_TIMEOUT - DELIVERY_TIMEOUT) < now]
        for k in late:
            del self.pending[k]
        return late

    def forget(self, kernel_id: str) -> None:
        self.pending.pop(kernel_id, None)
        self.last_poll.pop(kernel_id, None)
        waiter = self.waiting.pop(kernel_id, None)
        if waiter is not None and not waiter.done():
            waiter.cancel()


class KernelTracker:
    """Which visitor each kernel serves, and the limits on how many kernels visitors get."""

    def __init__(self, kernel_manager, *, max_kernels: int, idle: float = Settings().kernel_idle,
                 min_free_mb: float = Settings().min_free_mb) -> None:
        self.km = kernel_manager
        self.max_kernels = max_kernels
        self.idle = idle
        """A visitor's kernel with no message to or from it for this long (idle, or stuck in a cell) is shut
        down, connected or not: a closed tab or a held-open websocket costs memory for minutes, not forever."""
        self.min_free_mb = min_free_mb
        """No new visitor kernel while the computer has less memory than this available (MB)."""
        self.owner: dict[str, Visit] = {}
        self.by_visit: dict[Visit, str] = {}
        self.opens = RateLimiter(OPENS_PER_MINUTE, 60.0)

    def refuse(self, visit: Visit) -> str | None:
        """Why `visit` may not have a kernel now ("busy", "too_often"), or None."""
        if self.opens.wait(visit) > 0:
            return "too_often"
        replacing = visit in self.by_visit
        full = len(self.km.list_kernel_ids()) >= self.max_kernels or memory_available_mb() < self.min_free_mb
        if not replacing and full:
            return "busy"
        self.opens.hit(visit)
        return None

    def assign(self, kernel_id: str, visit: Visit | None) -> None:
        """Kernel `kernel_id` now serves `visit`; its earlier kernel of the same notebook is shut down."""
        if visit is None:
            return
        old = self.by_visit.get(visit)
        self.owner[kernel_id] = visit
        self.by_visit[visit] = kernel_id
        if old is not None and old != kernel_id:
            self.owner.pop(old, None)
            self.shutdown(old, "the same visitor opened the page again")

    def owns(self, owner: str | None, kernel_id: str) -> bool:
        visit = self.owner.get(kernel_id)
        return visit is not None and owner is not None and visit.owner == owner

    def shutdown(self, kernel_id: str, why: str) -> None:
        visit = self.owner.pop(kernel_id, None)
        if visit is not None and self.by_visit.get(visit) == kernel_id:
            del self.by_visit[visit]
        if kernel_id not in self.km:
            return
        _log.info("Shutting down kernel %s: %s", kernel_id, why)

        async def stop() -> None:
            try:
                await self.km.shutdown_kernel(kernel_id, now=True)
            except Exception as exc:  # noqa: BLE001 - already gone, or going
                _log.debug("kernel %s shutdown: %r", kernel_id, exc)

        asyncio.get_event_loop().create_task(stop())

    def reap(self) -> None:
        """Shut down visitors' kernels with no activity for `self.idle` seconds; forget vanished ones."""
        idle = self.idle

        now = datetime.now(timezone.utc)
        for kernel_id in list(self.owner):
            if kernel_id not in self.km:
                visit = self.owner.pop(kernel_id)
                if self.by_visit.get(visit) == kernel_id:
                    del self.by_visit[visit]
                continue
            last = getattr(self.km.get_kernel(kernel_id), "last_activity", None)
            if last is not None and (now - last).total_seconds() > idle:
                self.shutdown(kernel_id, f"no activity for {idle:.0f} s")


class RepeatFilter(logging.Filter):
    """Lets one log message through at most `limit` times a minute (a pupil repeating a refused
    websocket message must not fill the teacher's disk with the same warning)."""

    def __init__(self, limit: int = 5) -> None:
        super().__init__()
        self.counts = RateLimiter(limit, 60.0)

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.levelno, str(record.msg)[:200])
        if self.counts.wait(key) > 0:
            return False
        self.counts.hit(key)
        return True


BAD_MESSAGES = 20
"""Malformed websocket messages one connection may send before it is closed."""
MESSAGE_BURST = 300
MESSAGES_PER_SECOND = 10.0
"""Messages one kernel connection may send: a page load's burst (the widgets' state, ~50), then about
ten a second, far above a learner's taps; beyond that they are dropped, so one learner cannot make
their kernel save hundreds of rows a second (the issue measured 277)."""


def tolerant_messages(handler: type) -> type:
    """A kernel websocket handler on which a malformed message is logged once (one line, no traceback)
    and ignored, a connection that keeps sending them is closed, and messages past the rate
    (MESSAGE_BURST, then MESSAGES_PER_SECOND) are dropped."""

    class Tolerant(handler):
        _hv_bad = 0
        _hv_tokens = float(MESSAGE_BURST)
        _hv_at = 0.0
        _hv_dropped = 0

        def on_message(self, message):
            now = time.monotonic()
            refill = (now - (self._hv_at or now)) * MESSAGES_PER_SECOND
            self._hv_tokens = min(float(MESSAGE_BURST), self._hv_tokens + refill)
            self._hv_at = now
            if self._hv_tokens < 1:
                self._hv_dropped += 1
                if self._hv_dropped == 1:
                    _log.warning("Dropping websocket messages from %s: more than %g a second",
                                 self.request.remote_ip, MESSAGES_PER_SECOND)
                return None
            self._hv_tokens -= 1
            try:
                return super().on_message(message)
            except Exception as exc:  # noqa: BLE001 - the sender's mistake, not the server's
                self._hv_bad += 1
                if self._hv_bad == 1:
                    _log.warning("Ignoring malformed websocket messages from %s (%s)", self.request.remote_ip,
                                 type(exc).__name__)
                if self._hv_bad >= BAD_MESSAGES:
                    self.close(1008, "malformed messages")
                return None

    Tolerant.__name__ = Tolerant.__qualname__ = f"Tolerant{handler.__name__}"
    return Tolerant


def memory_available_mb() -> float:
    """MemAvailable from /proc/meminfo in MB (infinite where there is none)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("inf")


def max_kernels_for(pools: Mapping[str, Any], override: int | None = None) -> int:
    """Kernels the server may hold at once: every pool twice (taken and refilled), plus the teacher's;
    `override` (`Settings.max_kernels`) when given."""
    if override is not None:
        return override
    total = sum(int(v.get("pool_size", 0)) for k, v in pools.items() if k != "default" and isinstance(v, dict))
    return max(8, 2 * (total or 40) + 4)  # no pools (no preheating): room for a class of 40


__all__ = ["CURRENT_VISIT", "KernelTracker", "RateLimiter", "RepeatFilter", "Visit", "VisitorMailbox", "choose_token",
           "tolerant_messages",
           "max_kernels_for"]
