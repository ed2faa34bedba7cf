"""Link inspection: where a message's link really goes, its registrable domain picked out for the learner."""
from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit


@lru_cache(maxsize=1)
def _extractor() -> Any:
    """Offline public-suffix lookup (the snapshot bundled with tldextract): a classroom may have no internet.

    Made on first use: tldextract and what it imports cost ~5 MB in every lesson kernel, and only a
    learner who inspects a link needs it.
    """
    import tldextract  # noqa: PLC0415  (~5 MB a lesson kernel only pays when a link is inspected)

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registrable_domain(host: str) -> str:
    """The domain a person or company registers (public-suffix list, offline snapshot): `vn-hoso.top`."""
    found = _extractor()(host.lower())
    return found.top_domain_under_public_suffix or host.lower()


def describe_link(href: str) -> dict[str, Any]:
    """Where a link really goes: the host split so that the real (registrable) domain can be highlighted."""
    parts = urlsplit(href)
    host = (parts.hostname or "").lower()
    domain = registrable_domain(host) if host else host
    cut = host.rfind(domain) if domain else -1
    before = host[:cut] if cut > 0 else ""
    return {
        "url": href,
        "scheme": parts.scheme,
        "host": host,
        "before": before,
        "domain": domain,
        "path": parts.path + (f"?{parts.query}" if parts.query else ""),
        "gov_vn": host == "gov.vn" or host.endswith(".gov.vn"),
        "apk": parts.path.lower().endswith(".apk"),
    }
