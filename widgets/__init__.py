"""The simulations learners use: phone mock-ups and forms, as Jupyter widgets.

Notebooks import only the names below.
"""
from ._inbox import ScamInbox

__all__ = ["ScamInbox"]
from ._dossier import DossierPortal  # noqa: E402  (issue #3)
__all__ += ["DossierPortal"]
from ._phone import PhoneSimulator  # noqa: E402  (issue #6: phone scenarios)
__all__ += ["PhoneSimulator"]
from ._feed import NewsFeed  # noqa: E402  (news-feed lesson)
__all__ += ["NewsFeed"]
