"""Record which script files the classroom's pages load, for the one-file front-end bundle.

    python scripts/record_frontend_assets.py          # rewrites classroom/frontend-assets.json

Starts `hocvuso serve` with Voilà's own front end (HOCVUSO_FRONTEND=stock; the bundle is its fallback
path, the lean front end has no chunks) and the bundle off (HOCVUSO_FRONTEND_BUNDLE=0), opens every bundled
lesson and the teacher dashboard (unlocked) in Debian's Chromium at 360×740, waits until the
widgets are on screen and the network is idle, and writes the Voilà script paths requested, in
the order first requested, with the versions of the pinned front-end packages. Run it after
changing the versions of voila, ipywidgets, jupyterlab_widgets or anywidget in pyproject.toml;
tests/test_frontend_bundle.py and tests/test_browser_frontend.py fail while the recording is out of date.

Needs the test extra (Playwright) and /usr/bin/chromium — a developer tool, not for teachers.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from playwright.sync_api import sync_playwright  # noqa: E402

from hocvuso.classroom._frontend import MANIFEST, installed_versions  # noqa: E402
from hocvuso.core.config import Settings  # noqa: E402
from hocvuso.notebooks import lesson_notebooks  # noqa: E402

from kit import CHROMIUM, CHROMIUM_ARGS, start_classroom  # noqa: E402

PIN = "135790"
WIDGETS = ".hv-inbox, .hv-dossier, .hv-phone, .hv-pin-input"  # a hocvuso widget (or the dashboard's PIN box) drew


def record(base: str, token: str, pages: list[str]) -> list[str]:
    seen: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for path in pages:
            ctx = browser.new_context(viewport={"width": 360, "height": 740})
            ctx.add_cookies([{"name": "hv_token", "value": token, "url": base}])
            ctx.on("request", lambda r: seen.append(r.url))
            page = ctx.new_page()
            page.goto(base + path)
            page.wait_for_selector(WIDGETS, state="visible", timeout=90_000)
            if "giao-vien" in path:  # unlock: the dashboard's tables and charts are widgets too
                page.locator(".hv-pin-input input").fill(PIN)
                page.locator(".hv-pin-open").click()
                page.wait_for_selector(".hv-dash-csv", state="visible", timeout=60_000)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(1000)
            ctx.close()
        browser.close()
    out: list[str] = []
    for url in seen:
        path = url.split("?", 1)[0][len(base) + 1:]
        if path.startswith(("voila/static/", "voila/labextensions/")) and path.endswith(".js") and path not in out:
            out.append(path)
    return out


def main() -> None:
    os.environ.update(Settings(frontend_bundle=False, frontend="stock").to_env())
    names = [p.parent.name for p in lesson_notebooks()]
    server = start_classroom(Path(tempfile.mkdtemp(prefix="hv-record-")), class_size=1, pin=PIN, lessons=tuple(names))
    try:
        server.wait_pool()
        token = server.token("Ghi lại")
        pages = [f"/voila/render/{n}/{n}.ipynb?lang=vi" for n in names]
        pages.append("/voila/render/giao-vien/bang-dieu-khien.ipynb")
        scripts = record(server.base, token, pages)
    finally:
        server.stop()
    MANIFEST.write_text(json.dumps({"versions": installed_versions(), "pages": pages, "scripts": scripts},
                                   indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{MANIFEST}: {len(scripts)} scripts from {len(pages)} pages, versions {installed_versions()}")


if __name__ == "__main__":
    main()
