"""What every hocvuso task widget shares: Python owns the state, the browser only reports actions.

A tampered front end can send a state update for any synced trait (widget messages are allowed even
in Voilà). `PythonOwnedState` drops updates to the traits only Python may write and tells the learner
the action was not understood; the widget's own validators let Python write those traits only
inside `self._writing()`, a re-entrant context.
"""
from __future__ import annotations

import logging
from typing import Any, ClassVar

_log = logging.getLogger(__name__)


class PythonOwnedState:
    """Mixin for an anywidget task widget (put it before `anywidget.AnyWidget` in the bases)."""

    _python_owned: ClassVar[frozenset[str]] = frozenset()
    """Synced traits that only Python writes; a browser update to them is a tampered client."""
    _not_understood: ClassVar[str] = ""
    """msgid of the status shown when the browser sent something that was refused."""
    _python_writing: bool = False

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """Apply a state update from the browser, ignoring traits that only Python may write."""
        tampered = sorted(set(sync_data) & self._python_owned)
        if tampered:
            _log.warning("%s: ignored a front-end update of Python-owned trait(s) %s", type(self).__name__, tampered)
            sync_data = {k: v for k, v in sync_data.items() if k not in self._python_owned}
            self._set_status("error", self._not_understood)
        if sync_data:
            super().set_state(sync_data)  # type: ignore[misc]

    def _writing(self) -> _PythonWrites:
        return _PythonWrites(self)

    def _set_status(self, level: str, msgid: str) -> None:  # pragma: no cover - each widget defines it
        raise NotImplementedError


class _PythonWrites:
    """Context manager: the Python-owned traits may be written while it is open (re-entrant)."""

    def __init__(self, widget: PythonOwnedState) -> None:
        self._widget = widget
        self._before = False

    def __enter__(self) -> None:
        self._before = self._widget._python_writing
        self._widget._python_writing = True

    def __exit__(self, *exc: object) -> None:
        self._widget._python_writing = self._before
