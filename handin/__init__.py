"""Hand-in web app: students upload their contest notebooks and get a receipt.

Mounted by the classroom server (`hocvuso serve`, when HOCVUSO_COURSE names the judge's course) at
`/hv/nop-bai`, or run alone: `python -m hocvuso.handin --course DIR`. The rules (validation, versions,
receipts, deadlines) live in `hocvuso.grader.judge` (`hand_in`); this package is only the web pages.
"""
from ._web import HandinSite, make_app, routes, routes_from_env

__all__ = ["HandinSite", "make_app", "routes", "routes_from_env"]
