"""A simulated learner for load tests and the benchmark: real HTTP and a real kernel websocket.

It does what a phone does, minus drawing: signs in on the catalogue, loads a lesson page (and, if
asked, the page's same-origin assets), opens the kernel websocket, asks for the widgets' state
the way the ipywidgets front end does (`comm_info_request`, then `request_state` per comm), and
sends the ScamInbox's custom messages (`{"action": "answer", ...}`) as inbox.js would.

Used by tests/test_classroom_concurrency.py and bench/classroom.py; not by the server.
"""
from __future__ import annotations

import json
import re
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from typing import Any

_KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')
_ASSET = re.compile(r'(?:src|href)="([^"#]+\.(?:js|css)(?:\?[^"]*)?)"')


@dataclass
class Timings:
    page: float = 0.0
    assets: float = 0.0
    widgets: float = 0.0
    actions: list[float] = field(default_factory=list)


class SimLearner:
    """One learner on one lesson page."""

    def __init__(self, base: str, *, timeout: float = 120.0) -> None:
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.jar = CookieJar()
        self.http = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.kernel_id: str | None = None
        self.ws: Any = None
        self.session = uuid.uuid4().hex
        self.inbox_comm: str | None = None
        self.state: dict[str, Any] = {}
        self.timings = Timings()
        self.html = ""

    # ------------------------------------------------------------------ HTTP

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def sign_in(self, class_code: str, name: str, learner_code: str = "") -> str:
        """Sign in through the catalogue form; return the page after sign-in."""
        page = self.http.open(f"{self.base}/?lang=vi", timeout=self.timeout).read().decode()
        found = re.search(r'name="_xsrf" value="([^"]+)"', page)
        if found is None:
            raise RuntimeError(f"no sign-in form on {self.base}/ (is it a classroom server?)")
        token = found.group(1)
        data = urllib.parse.urlencode({"_xsrf": token, "class_code": class_code, "name": name,
                                       "learner_code": learner_code, "lang": "vi"}).encode()
        return self.http.open(f"{self.base}/hv/signin", data, timeout=self.timeout).read().decode()

    def open_page(self, path: str, *, assets: bool = False) -> str:
        t0 = time.perf_counter()
        self.html = self.http.open(f"{self.base}{path}", timeout=self.timeout).read().decode()
        self.timings.page = time.perf_counter() - t0
        found = _KERNEL_ID.search(self.html)
        self.kernel_id = found.group(1) if found else None
        if assets:
            for ref in dict.fromkeys(_ASSET.findall(self.html)):
                url = urllib.parse.urljoin(f"{self.base}{path}", ref)
                if url.startswith(self.base):
                    self.http.open(url, timeout=self.timeout).read()
            self.timings.assets = time.perf_counter() - t0
        return self.html

    # ------------------------------------------------------------------ kernel websocket

    def connect(self) -> None:
        import websocket  # noqa: PLC0415 - websocket-client is a [test] extra

        if not self.kernel_id:
            raise RuntimeError("no kernel on the page (not signed in, or the page failed)")
        url = (self.base.replace("http://", "ws://")
               + f"/api/kernels/{self.kernel_id}/channels?session_id={self.session}")
        self.ws = websocket.create_connection(url, timeout=self.timeout, header=[f"Cookie: {self.cookie_header()}"])

    def _send(self, channel: str, msg_type: str, content: dict) -> str:
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": "sim", "session": self.session, "msg_type": msg_type,
                       "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel, "buffers": []}))
        return msg_id

    def _recv(self, deadline: float) -> dict | None:
        import websocket  # noqa: PLC0415 - websocket-client is a [test] extra

        self.ws.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            raw = self.ws.recv()
        except websocket.WebSocketTimeoutException:
            return None
        return json.loads(raw) if isinstance(raw, str) else None

    def load_widgets(self, t0: float | None = None) -> dict[str, Any]:
        """Fetch every widget's state; remember the ScamInbox's. Returns its state."""
        start = time.perf_counter() if t0 is None else t0
        deadline = time.monotonic() + self.timeout
        self._send("shell", "comm_info_request", {"target_name": "jupyter.widget"})
        comms: dict[str, Any] | None = None
        while comms is None and time.monotonic() < deadline:
            msg = self._recv(deadline)
            if msg and msg.get("msg_type") == "comm_info_reply":
                comms = msg["content"].get("comms", {})
        if not comms:
            raise RuntimeError("the kernel has no widgets")
        asked = {}
        for comm_id in comms:
            asked[self._send("shell", "comm_msg", {"comm_id": comm_id, "data": {"method": "request_state"}})] = comm_id
        states: dict[str, dict] = {}
        while len(states) < len(comms) and time.monotonic() < deadline:
            msg = self._recv(deadline)
            if msg and msg.get("msg_type") == "comm_msg" and msg["content"]["data"].get("method") == "update":
                states[msg["content"]["comm_id"]] = msg["content"]["data"].get("state", {})
        for comm_id, state in states.items():
            if "view" in state and "answers" in state:
                self.inbox_comm, self.state = comm_id, state
        self.timings.widgets = time.perf_counter() - start
        if self.inbox_comm is None:
            raise RuntimeError("no ScamInbox among the page's widgets")
        return self.state

    def act(self, content: dict, *, wait_for: str = "status") -> dict:
        """Send one inbox.js action; wait for the widget's reply that updates `wait_for`; time it."""
        t0 = time.perf_counter()
        deadline = time.monotonic() + self.timeout
        self._send("shell", "comm_msg", {"comm_id": self.inbox_comm, "data": {"method": "custom", "content": content}})
        while time.monotonic() < deadline:
            msg = self._recv(deadline)
            if (msg and msg.get("msg_type") == "comm_msg" and msg["content"].get("comm_id") == self.inbox_comm
                    and msg["content"]["data"].get("method") == "update"
                    and wait_for in msg["content"]["data"].get("state", {})):
                self.state.update(msg["content"]["data"]["state"])
                self.timings.actions.append(time.perf_counter() - t0)
                return self.state
        raise TimeoutError(f"no reply to {content!r}")

    def answer(self, message_id: str, verdict: str, flags: list[str] | tuple[str, ...] = ()) -> dict:
        # Wait for `answers` (it changes with every answer); `status` repeats "saved" unchanged from the
        # second answer on, and an unchanged trait is not sent again.
        return self.act({"action": "answer", "message_id": message_id, "verdict": verdict, "flags": list(flags)},
                        wait_for="answers")

    def close(self) -> None:
        if self.ws is not None:
            try:
                self.ws.close()
            except Exception:  # noqa: BLE001 - closing a connection that may already be dead
                pass
            self.ws = None


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(round(q / 100 * len(ordered) + 0.5))))
    return ordered[rank - 1]


__all__ = ["SimLearner", "Timings", "percentile"]
