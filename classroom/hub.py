"""`python -m hocvuso.classroom.hub SITE`: the classroom as a JupyterHub single-user server (see `_hub`).

`--build-site DIR` writes the lesson site (deploy/Dockerfile runs it at image build time, as jovyan).
"""
from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlparse

from hocvuso.core.config import Settings

from ._hub import enrol, hub_user


def listen_where(environ=None) -> tuple[str, int, str]:
    """Where the hub expects this server: (address, port) from JUPYTERHUB_SERVICE_URL and the base URL every
    route and link lives under, JUPYTERHUB_SERVICE_PREFIX."""
    env = os.environ if environ is None else environ
    url = urlparse(env["JUPYTERHUB_SERVICE_URL"])
    return url.hostname or "0.0.0.0", url.port or 8888, env["JUPYTERHUB_SERVICE_PREFIX"]


def main(argv: list[str] | None = None) -> int:
    """`python -m hocvuso.classroom.hub SITE` (serve) or `--build-site DIR` (the image's build step)."""
    from ._serve import ServeConfig, build_site, voila_command  # noqa: PLC0415 - kernels import this module too

    args = sys.argv[1:] if argv is None else argv
    if len(args) == 2 and args[0] == "--build-site":
        build_site(ServeConfig(), Path(args[1]))
        return 0
    user = hub_user()
    if user is None or len(args) != 1:
        print("usage: python -m hocvuso.classroom.hub SITE   (as a JupyterHub single-user server: "
              "JUPYTERHUB_USER, JUPYTERHUB_SERVICE_PREFIX and JUPYTERHUB_API_TOKEN set by the hub)\n"
              "       python -m hocvuso.classroom.hub --build-site DIR", file=sys.stderr)
        return 2
    settings = Settings.from_env()
    if not settings.db:
        print("HOCVUSO_DB is not set: the hub's classes need a shared store (deploy/README.md)", file=sys.stderr)
        return 2
    if not user.class_code:
        groups = ", ".join(settings.hub_groups)
        print(f"the hub user {user.name!r} is in no class group (their groups: {groups!r}): add them to their "
              "class's hub group (deploy/README.md)", file=sys.stderr)
        return 2
    site = Path(args[0])
    if not (site / "giao-vien").is_dir():
        site, _names = build_site(ServeConfig())
    enrol(user, settings.db)
    # One learner per server: no preheated pool, and no kernel zygote (its preloaded process is shared by
    # the many kernels of a laptop's class; for one kernel it is 30 MB more, measured in tests/test_hub.py).
    os.environ.update(replace(settings, class_code=user.class_code, pools={}, zygote=False).to_env())
    host, port, base_url = listen_where()
    command = voila_command(ServeConfig(preheat=False, host=host, port=port, base_url=base_url), site)
    from ._app import main as serve  # noqa: PLC0415 - Voilà and the server load only once we serve

    serve(command[command.index(str(site)):])
    return 0


if __name__ == "__main__":
    sys.exit(main())
