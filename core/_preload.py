"""Filling the per-process caches a lesson kernel reads, ahead of time (the classroom's kernel zygote).

Compiled translations and the content catalogues are cached per process; filled once in the zygote,
one copy is shared by every kernel forked from it.
"""
from __future__ import annotations

from ._common import load_competences, load_fraud_forms
from ._i18n import LOCALES, translations
from .contentcheck import load_rules
from .inbox import load_flags, registrable_domain
from .phone import load_common_passwords
from .validators import preload


def warm_caches() -> None:
    """Load the translations and the catalogues every bundled lesson reads into this process's caches."""
    for locale in LOCALES:
        translations(locale)
    load_flags()
    load_fraud_forms()
    load_competences()
    load_common_passwords()
    preload()
    # What an inbox's first answer needs for its feedback ("show me" reads the content check's rules, and
    # a link's registrable domain needs tldextract's suffix list): ~180 ms a kernel when left cold, which
    # 40 learners answering at once pay together (bench/classroom.py, round trip p95).
    load_rules()
    registrable_domain("dichvucong.gov.vn")
