"""How a preheated lesson kernel learns who its visitor is: it asks the server, showing its own secret.

Voilà's own channel (`voila.utils.wait_for_request()` on `/voila/query/ID`, a websocket anyone could
open with a made-up id) is not used: the server does not serve it (see `hocvuso.classroom._guard`).
Instead the kernel asks `GET hv/visitor/KERNEL_ID` with the secret the server gave this kernel alone
when it started (`Settings.kernel_key`, from `_provisioner.kernel_key`), and the server answers when
a visitor is given this kernel, or after a while with nothing (then it asks again). A visitor's
request reaches exactly the kernel it was given to, and the server forgets it once delivered.

`install()` makes this the wait of `hocvuso.core.identity.current_learner`; the kernel launcher
calls it before any lesson runs (`_kernel.prepare_interpreter`, shared by forked kernels).

Plain `urllib` rather than `voila.utils`: importing that pulls in the Jupyter server, nbconvert
and jsonschema, about 40 MB in each of the class's kernels.
"""
from __future__ import annotations

import json
import os
import time
import urllib.request

from hocvuso.core.config import Settings, env_name
from hocvuso.core.identity import set_visitor_wait

VISITOR_PATH = "hv/visitor/"
"""Where a preheated kernel asks the server for its visitor (`hocvuso.classroom._app.VisitorHandler`)."""
KEY_HEADER = "X-Hocvuso-Kernel-Key"
"""The header that carries the kernel's secret."""


def wait_for_visitor() -> None:
    """Block until the server hands this preheated kernel to a visitor and passes the request on.

    The request has arrived once SCRIPT_NAME is in the environment. A dropped connection (a busy
    laptop filling a class's pool) is asked again; the secret leaves the environment after delivery.
    """
    while "SCRIPT_NAME" not in os.environ:
        try:
            request_info()
        except Exception:  # noqa: BLE001 - a dropped connection or a server restarting: ask again
            time.sleep(0.5)
    os.environ.pop(env_name("kernel_key"), None)


def request_info(timeout: float = 40.0) -> None:
    """One long poll for the visitor's request info; sets it in os.environ when it came."""
    env = os.environ
    url = (f"http://{env.get('VOILA_APP_IP', '127.0.0.1')}:{env.get('VOILA_APP_PORT', '8866')}"
           f"{env.get('VOILA_SERVER_URL', '/')}{VISITOR_PATH}{env.get('VOILA_KERNEL_ID', '')}")
    request = urllib.request.Request(url, headers={KEY_HEADER: Settings.from_env().kernel_key})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy
    with opener.open(request, timeout=timeout) as resp:
        if resp.status != 200:
            return
        for key, value in json.loads(resp.read()).items():
            if isinstance(key, str) and isinstance(value, str):
                os.environ[key] = value


def install() -> None:
    """Make `wait_for_visitor` the wait of `current_learner` in this process."""
    set_visitor_wait(wait_for_visitor)


__all__ = ["KEY_HEADER", "VISITOR_PATH", "install", "request_info", "wait_for_visitor"]
