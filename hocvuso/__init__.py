"""hocvuso — digital-literacy lessons, classroom server and contest grader."""
from ._version import __version__

__all__ = ["__version__"]
