"""Filling the per-process caches a lesson kernel reads, ahead of time (the classroom's kernel zygote).

Compiled translations and the content catalogues are cached per process; filled once in the zygote,
one copy is shared by every kernel forked from it.
"""
from __future__ import annotations

from ._common import load_competences, load_fraud_forms
from ._i18n import LOCALES, translations
from .inbox import load_flags
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
