"""The defaults and bounds of a run of a student's code, written once.

`hocvuso grade` and `hocvuso check` show them in their options, the library functions take them as
their defaults, and the sandbox's `Limits` starts from them. Kept in a module of its own so the
command line reads them without importing the judge's pipeline.
"""
from __future__ import annotations

DEFAULT_TIMEOUT = 60.0
"""Wall-clock seconds one notebook's code may run (a submission in `hocvuso grade`, `hocvuso check`)."""
MIN_TIMEOUT = 1.0
"""The shortest timeout accepted: below a second no notebook even starts."""
DEFAULT_MEMORY_MB = 1024
"""Memory of one submission, all its processes together (MB)."""
MIN_MEMORY_MB = 64
"""The least memory accepted: the runner and Python need about that much before any student code."""
