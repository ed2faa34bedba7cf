"""The simulations learners use: phone mock-ups and forms, as Jupyter widgets.

Notebooks import only the names below.
"""
from ._dossier import DossierPortal
from ._feed import NewsFeed
from ._inbox import ScamInbox
from ._phone import PhoneSimulator

__all__ = ["DossierPortal", "NewsFeed", "PhoneSimulator", "ScamInbox"]
