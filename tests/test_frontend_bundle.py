"""The classroom pages' front ends (hocvuso.classroom._frontend), without a browser: the lean build and
the stock one-file bundle (the fallback, HOCVUSO_FRONTEND=stock)."""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import urllib.error
import urllib.request

import pytest
from voila.paths import collect_static_paths
from voila.utils import get_voila_labextensions_path

from hocvuso.classroom._frontend import (
    LEAN_DIR,
    MANIFEST,
    build_bundle,
    build_lean,
    installed_versions,
    is_entry_script,
    resolve,
)
from hocvuso.classroom._loadtest import SimLearner

STATIC = collect_static_paths(["voila", "nbconvert"], "lab")
LABEXT = get_voila_labextensions_path()


def manifest(tmp_path, **changes):
    data = json.loads(MANIFEST.read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / "frontend-assets.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_the_recorded_manifest_matches_the_pinned_versions_and_builds():
    recorded = json.loads(MANIFEST.read_text(encoding="utf-8"))
    assert recorded["versions"] == installed_versions(), (
        "classroom/frontend-assets.json was recorded for other front-end versions: "
        "run python scripts/record_frontend_assets.py")
    bundle, why = build_bundle("/", STATIC, LABEXT)
    assert bundle is not None, why
    chunks = [s for s in recorded["scripts"] if not is_entry_script(s)]
    assert bundle.members == len(chunks) > 50
    assert bundle.body.count(b"}).call(self);\n") == len(chunks)  # each chunk in its own function scope
    assert gzip.decompress(bundle.gzipped) == bundle.body
    assert not re.search(rb"^//# sourceMappingURL=", bundle.body, re.MULTILINE)  # maps of single files would mislead
    assert bundle.url == f"/hv/frontend/{bundle.digest}.js"
    assert sorted(u.rsplit("/", 1)[-1].split(".")[0] for u in bundle.preload) == ["remoteEntry"] * 3
    assert "/voila/static/voila.js" not in bundle.preload  # the page loads voila.js itself, after the bundle
    assert f"{len(chunks)} scripts in one" in why


def test_other_versions_turn_the_bundle_off_and_say_which(tmp_path):
    versions = {**installed_versions(), "voila": "0.4.0"}
    bundle, why = build_bundle("/", STATIC, LABEXT, manifest(tmp_path, versions=versions))
    assert bundle is None
    assert "voila" in why and "0.4.0" in why and "record_frontend_assets.py" in why


def test_a_missing_chunk_turns_the_bundle_off(tmp_path):
    bundle, why = build_bundle("/", STATIC, LABEXT, manifest(tmp_path, scripts=["voila/static/99999.voila.js"]))
    assert bundle is None and "voila/static/99999.voila.js is not installed" in why


@pytest.mark.parametrize("path", ["voila/static/../../../../etc/passwd.js", "voila/labextensions/../../x.js",
                                  "etc/passwd.js", "voila/static/index.html"])
def test_nothing_outside_voilas_script_folders_gets_in(tmp_path, path):
    assert resolve(path, STATIC, LABEXT) is None or path.endswith(".html")
    bundle, why = build_bundle("/", STATIC, LABEXT, manifest(tmp_path, scripts=[path]))
    assert bundle is None and "bundle off" in why


def test_switched_off_by_the_environment(monkeypatch):
    monkeypatch.setenv("HOCVUSO_FRONTEND_BUNDLE", "0")
    bundle, why = build_bundle("/", STATIC, LABEXT)
    assert bundle is None and "HOCVUSO_FRONTEND_BUNDLE=0" in why


def test_an_unreadable_manifest_turns_it_off(tmp_path):
    bad = tmp_path / "frontend-assets.json"
    bad.write_text("{not json", encoding="utf-8")
    bundle, why = build_bundle("/", STATIC, LABEXT, bad)
    assert bundle is None and "unreadable" in why


def test_the_lean_build_is_committed_and_served_under_its_content_hash():
    lean, why = build_lean("/base/")
    assert lean is not None, why
    assert {"lean.js", "controls.js", "controls-style.css"} <= set(lean.files)
    assert lean.entry == f"/base/hv/lean/{lean.digest}/lean.js"
    assert lean.preload and all(u.startswith(lean.url + "chunk-") for u in lean.preload)
    for body, gzipped in lean.files.values():
        assert gzip.decompress(gzipped) == body
    assert "lean front end: " in why


def test_the_committed_build_was_made_from_the_sources_as_they_are():
    """served/ is committed (the classroom has no internet); a change to the sources or the pinned
    packages without a rebuild would serve stale code."""
    frontend = LEAN_DIR.parent
    recorded = json.loads((LEAN_DIR / "build-inputs.json").read_text(encoding="utf-8"))
    sources = {"package.json", "package-lock.json", "build.mjs",
               *(f"src/{p.name}" for p in (frontend / "src").iterdir())}
    assert set(recorded) == sources
    stale = [name for name in sorted(sources)
             if hashlib.sha256((frontend / name).read_bytes()).hexdigest() != recorded[name]]
    assert stale == [], f"{stale} changed since classroom/frontend/served/ was built: npm ci && node build.mjs"


@pytest.mark.parametrize(("choice", "said"), [("stock", "HOCVUSO_FRONTEND=stock"),
                                              ("fat", "neither 'lean' nor 'stock'")])
def test_the_switch_turns_the_lean_front_end_off(monkeypatch, choice, said):
    monkeypatch.setenv("HOCVUSO_FRONTEND", choice)
    lean, why = build_lean("/")
    assert lean is None and said in why


def test_a_missing_build_falls_back_to_stock_and_says_how_to_build(tmp_path):
    lean, why = build_lean("/", tmp_path)
    assert lean is None and "npm ci && node build.mjs" in why
    assert (LEAN_DIR / "lean.js").is_file()


@pytest.fixture(scope="module")
def lean_classroom(classroom_factory):
    return classroom_factory(class_size=1)


def test_the_server_serves_the_lean_files_and_the_page_loads_them_not_voila(lean_classroom):
    lean, _ = build_lean("/")
    assert lean is not None
    assert "lean front end: " in lean_classroom.log.read_text()
    req = urllib.request.Request(lean_classroom.base + lean.entry, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.headers["Content-Encoding"] == "gzip"
        assert "immutable" in resp.headers["Cache-Control"]
        assert gzip.decompress(resp.read()) == lean.files["lean.js"][0]
    for wrong in ("/hv/lean/0123456789abcdef/lean.js", f"/hv/lean/{lean.digest}/nothing.js"):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(lean_classroom.base + wrong, timeout=30)
        assert err.value.code == 404
    learner = SimLearner(lean_classroom.base, timeout=60)
    learner.sign_in(lean_classroom.class_code, "Gọn")
    page = learner.open_page("/voila/render/lua-dao-tin-nhan/lua-dao-tin-nhan.ipynb?lang=vi")
    assert f'<script type="module" src="{lean.entry}"></script>' in page
    assert "/voila/static/voila.js" not in page and "voila-style.js" not in page
    assert page.index(f'<link rel="modulepreload" href="{lean.entry}">') < page.index("</head>")


@pytest.fixture(scope="module")
def classroom(classroom_factory):
    """A server with Voilà's own front end (the fallback), in its one-file bundle."""
    os.environ["HOCVUSO_FRONTEND"] = "stock"
    try:
        return classroom_factory(class_size=1)
    finally:
        del os.environ["HOCVUSO_FRONTEND"]


def test_the_server_serves_it_gzipped_and_cacheable_and_the_page_uses_it(classroom):
    bundle, _ = build_bundle("/", STATIC, LABEXT)
    assert bundle is not None
    assert f"front-end bundle: {bundle.members} scripts in one" in classroom.log.read_text()
    req = urllib.request.Request(classroom.base + bundle.url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.headers["Content-Encoding"] == "gzip"
        assert "immutable" in resp.headers["Cache-Control"]
        assert resp.headers["ETag"] == f'"{bundle.digest}"'  # not a hash of 1.3 MB per request
        assert gzip.decompress(resp.read()) == bundle.body
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(classroom.base + "/hv/frontend/0123456789abcdef.js", timeout=30)
    assert err.value.code == 404
    learner = SimLearner(classroom.base, timeout=60)
    learner.sign_in(classroom.class_code, "Bundle")
    page = learner.open_page("/voila/render/lua-dao-tin-nhan/lua-dao-tin-nhan.ipynb?lang=vi")
    assert f'<script src="{bundle.url}"></script>' in page
    assert page.index(bundle.url) < page.index("/voila/static/voila.js")
    for url in (bundle.url, "/voila/static/voila.js", *bundle.preload):  # fetched while the head is parsed
        assert page.index(f'<link rel="preload" as="script" href="{url}">') < page.index("</head>")
