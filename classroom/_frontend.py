"""What a lesson page's scripts are: the lean front end (default), or Voilà's own in one bundle.

The lean front end (``HOCVUSO_FRONTEND=lean``, `Settings.frontend`): a classroom page arrives rendered
by the server and needs only the widget manager, the kernel connection and anywidget to come alive,
not JupyterLab's application shell. ``classroom/frontend/`` builds exactly that from pinned npm
packages (``npm ci && node build.mjs``; the output in ``classroom/frontend/served/`` is committed,
because the classroom laptop has no internet). The page then loads one module script (plus a shared
chunk; the dashboard's ipywidgets controls come as a third file only there), and keeps the lab
template's style sheets (index.css, theme-light.css) but not Voilà's 343 KB style script. If the
built files are missing, or ``HOCVUSO_FRONTEND=stock``, pages load Voilà's own front end as below.

Stock Voilà, one script instead of ~80: the JavaScript chunks of a lesson page, bundled once at start-up.

Why: a Voilà page loads its front end as a waterfall. voila.js asks for ~55 webpack chunks, runs
them, then fetches the widget extensions' remoteEntry files, which ask for their own chunks, and
after the kernel connects ~16 more chunks arrive. That is ~90 requests per phone in four waves.
On a 2-core laptop serving 40 phones at once, the server's single thread spends most of its time
answering those requests; on one phone, the waves cost ~0.3 s of round trips.

How: every chunk file only *registers* module factories — it pushes them onto a global array
(``(self.webpackChunkX = self.webpackChunkX || []).push([...])``), and a webpack runtime, when it
starts, takes whatever is already on its array. So the chunks a lesson page needs can be
concatenated into one script that runs before voila.js: nothing executes early, every runtime
finds its chunks already there and asks the network for none of them. Each file keeps its own
function scope (a chunk may start with "use strict"). Entry scripts (voila.js and the
extensions' remoteEntry files) are left alone; the page preloads the remoteEntry files so they
download in parallel with the bundle. A chunk missing from the bundle is still fetched on demand
as before, so an incomplete list costs speed, never correctness.

Which chunks: ``frontend-assets.json``, recorded from real Chromium page loads of every bundled
lesson and the dashboard by ``scripts/record_frontend_assets.py``, for the exact front-end
versions pinned in pyproject.toml. If the installed versions differ or a listed file is missing,
no bundle is made and pages load as in stock Voilà (the log says why once).
``HOCVUSO_FRONTEND_BUNDLE=0`` (`Settings.frontend_bundle`) turns it off (the recorder does, to see every chunk).
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import tornado.web

from hocvuso.core.config import Settings

MANIFEST = Path(__file__).with_name("frontend-assets.json")
PINNED = ("voila", "ipywidgets", "jupyterlab_widgets", "anywidget")
"""Packages whose front-end files the manifest lists (all pinned exactly in pyproject.toml)."""
ROUTE = r"hv/frontend/([0-9a-f]{16})\.js"
LEAN_DIR = Path(__file__).with_name("frontend") / "served"
"""The lean front end as built by classroom/frontend/build.mjs (committed)."""
LEAN_ROUTE = r"hv/lean/([0-9a-f]{16})/([A-Za-z0-9_-]+\.(?:js|css))"
LEAN_ENTRY = "lean.js"
_LEAN_NAME = re.compile(r"[A-Za-z0-9_-]+\.(?:js|css)")
_SOURCE_MAP = re.compile(rb"^//# sourceMappingURL=.*$", re.MULTILINE)
_SCRIPT_ROOTS = ("voila/static/", "voila/labextensions/")


@dataclass(frozen=True)
class FrontendBundle:
    """The bundle as served: its URL (content hash in the name), bytes plain and gzipped."""

    url: str
    digest: str
    body: bytes
    gzipped: bytes
    preload: tuple[str, ...]
    members: int


def installed_versions() -> dict[str, str]:
    out = {}
    for name in PINNED:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def is_entry_script(path: str) -> bool:
    """voila.js and remoteEntry.*.js start webpack runtimes: they must run where the page puts them."""
    name = path.rsplit("/", 1)[-1]
    return name == "voila.js" or name.startswith("remoteEntry.")


def resolve(path: str, static_paths: list[str], labextensions_path: list[str]) -> Path | None:
    """The file Voilà serves for `path` (relative to the server URL, no query), or None.

    Same lookup order as Voilà's handlers: /voila/static/ in `static_paths`, /voila/labextensions/
    in `labextensions_path`; never outside those folders.
    """
    for prefix, roots in (("voila/static/", static_paths), ("voila/labextensions/", labextensions_path)):
        if not path.startswith(prefix):
            continue
        rel = path[len(prefix):]
        for root in roots:
            base = Path(root).resolve()
            candidate = (base / rel).resolve()
            if candidate.is_relative_to(base) and candidate.is_file():
                return candidate
    return None


def build_bundle(server_url: str, static_paths: list[str], labextensions_path: list[str],
                 manifest: Path = MANIFEST) -> tuple[FrontendBundle | None, str]:
    """The bundle for this installation, or (None, why not) — a sentence for the server log."""
    if not Settings.from_env().frontend_bundle:
        return None, "front-end bundle off (HOCVUSO_FRONTEND_BUNDLE=0): pages load their scripts one by one"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        recorded, scripts = dict(data["versions"]), [str(s) for s in data["scripts"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return None, f"front-end bundle off: {manifest.name} is unreadable ({exc})"
    installed = installed_versions()
    if installed != recorded:
        diff = ", ".join(f"{k} {installed.get(k)} (recorded {recorded.get(k)})"
                         for k in sorted(set(installed) | set(recorded))
                         if installed.get(k) != recorded.get(k))
        return None, (f"front-end bundle off: installed versions differ from {manifest.name}: {diff}; pages load "
                      "their scripts one by one (re-record with scripts/record_frontend_assets.py)")
    parts, preload = [], []
    for path in scripts:
        if not path.startswith(_SCRIPT_ROOTS) or not path.endswith(".js"):
            return None, f"front-end bundle off: {manifest.name} lists {path!r}, which is not a Voilà script path"
        if is_entry_script(path):
            if path.rsplit("/", 1)[-1] != "voila.js":
                preload.append(server_url + path)
            continue
        found = resolve(path, static_paths, labextensions_path)
        if found is None:
            return None, f"front-end bundle off: {path} is not installed; pages load their scripts one by one"
        body = _SOURCE_MAP.sub(b"", found.read_bytes())
        parts.append(b"/* " + path.encode() + b" */\n(function () {\n" + body + b"\n}).call(self);\n")
    if not parts:
        return None, f"front-end bundle off: {manifest.name} lists no chunk"
    body = b"".join(parts)
    digest = hashlib.sha256(body).hexdigest()[:16]
    bundle = FrontendBundle(url=f"{server_url}hv/frontend/{digest}.js", digest=digest, body=body,
                            gzipped=gzip.compress(body, compresslevel=6, mtime=0), preload=tuple(preload),
                            members=len(parts))
    return bundle, (f"front-end bundle: {len(parts)} scripts in one ({len(body) // 1024} KB, "
                    f"{len(bundle.gzipped) // 1024} KB gzipped), {len(preload)} preloaded")


@dataclass(frozen=True)
class LeanFrontend:
    """The lean front end as served: its folder URL (content hash in the path) and its files,
    each plain and gzipped."""

    url: str
    digest: str
    files: dict[str, tuple[bytes, bytes]]

    @property
    def entry(self) -> str:
        return self.url + LEAN_ENTRY

    @property
    def preload(self) -> list[str]:
        """The modules the entry imports at once (its shared chunks): fetched while the head is parsed."""
        return [self.url + name for name in sorted(self.files) if name.startswith("chunk-")]


def build_lean(server_url: str, folder: Path = LEAN_DIR) -> tuple[LeanFrontend | None, str]:
    """The lean front end for this installation, or (None, why not) — a sentence for the server log."""
    choice = Settings.from_env().frontend
    if choice == "stock":
        return None, "lean front end off (HOCVUSO_FRONTEND=stock): lesson pages load Voilà's own front end"
    if choice != "lean":
        return None, (f"lean front end off: HOCVUSO_FRONTEND={choice!r} is neither 'lean' nor 'stock'; "
                      "lesson pages load Voilà's own front end")
    if not (folder / LEAN_ENTRY).is_file():
        return None, (f"lean front end off: {folder / LEAN_ENTRY} is missing (build it: cd classroom/frontend && "
                      "npm ci && node build.mjs); lesson pages load Voilà's own front end")
    raw = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if _LEAN_NAME.fullmatch(p.name)}
    whole = b"".join(name.encode() + b"\0" + body for name, body in sorted(raw.items()))
    digest = hashlib.sha256(whole).hexdigest()[:16]
    files = {name: (body, gzip.compress(body, compresslevel=6, mtime=0)) for name, body in raw.items()}
    lean = LeanFrontend(url=f"{server_url}hv/lean/{digest}/", digest=digest, files=files)
    size = sum(len(files[n][1]) for n in files if n.endswith(".js") and not n.startswith("controls"))
    return lean, (f"lean front end: {len(files)} files ({size // 1024} KB of lesson-page script gzipped); "
                  "HOCVUSO_FRONTEND=stock for Voilà's own")


def _send(handler: tornado.web.RequestHandler, body: bytes, gzipped: bytes, content_type: str) -> None:
    """A file whose URL holds its content hash: cached for a year, gzipped when the browser accepts it."""
    handler.set_header("Content-Type", content_type)
    handler.set_header("Cache-Control", "public, max-age=31536000, immutable")
    handler.set_header("X-Content-Type-Options", "nosniff")
    handler.set_header("Vary", "Accept-Encoding")
    if "gzip" in handler.request.headers.get("Accept-Encoding", ""):
        handler.set_header("Content-Encoding", "gzip")
        handler.finish(gzipped)
    else:
        handler.finish(body)


class LeanFrontendHandler(tornado.web.RequestHandler):
    """GET /hv/lean/<hash>/<file>: a file of the lean front end (the hash covers them all)."""

    def initialize(self, lean: LeanFrontend) -> None:
        self.lean = lean

    def compute_etag(self) -> str:
        return f'"{self.lean.digest}"'

    def get(self, digest: str, name: str) -> None:
        if digest != self.lean.digest or name not in self.lean.files:
            raise tornado.web.HTTPError(404)
        kind = "text/css" if name.endswith(".css") else "application/javascript"
        _send(self, *self.lean.files[name], f"{kind}; charset=UTF-8")


class FrontendBundleHandler(tornado.web.RequestHandler):
    """GET /hv/frontend/<hash>.js: the bundle, gzipped when accepted; cached for a year (the name changes
    with the content)."""

    def initialize(self, bundle: FrontendBundle) -> None:
        self.bundle = bundle

    def compute_etag(self) -> str:
        # tornado's default hashes the whole body on every request (1.3 MB, 40 phones at once); the
        # content hash is in the URL already.
        return f'"{self.bundle.digest}"'

    def get(self, digest: str) -> None:
        if digest != self.bundle.digest:
            raise tornado.web.HTTPError(404)
        _send(self, self.bundle.body, self.bundle.gzipped, "application/javascript; charset=UTF-8")


def template_resources(bundle: FrontendBundle | None, lean: LeanFrontend | None = None) -> dict:
    """What the page template reads (`resources.hocvuso`): the lean front end's entry, modules to preload
    and style sheet, or the stock bundle's URL and the scripts to preload."""
    if lean is not None:
        return {"lean": lean.entry, "lean_preload": lean.preload, "frontend_bundle": "", "preload": []}
    if bundle is None:
        return {"lean": "", "frontend_bundle": "", "preload": []}
    return {"lean": "", "frontend_bundle": bundle.url, "preload": list(bundle.preload)}
