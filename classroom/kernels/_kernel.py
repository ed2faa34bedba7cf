"""The kernel of a classroom lesson: ipykernel without its debugger.

`hocvuso serve` starts lesson kernels with `python -m hocvuso.classroom.kernels._kernel -f CONNECTION_FILE` instead of
`python -m ipykernel_launcher ...` (see `ClassroomKernelSpecManager`). The only difference:
debugpy is not loaded. ipykernel imports it in every kernel (~6.5 MB each, 40 kernels for a class),
and no learner can use it: Voilà lets only widget messages through, never `debug_request`.

Kept apart from the server (`hocvuso.classroom._app`): starting a kernel imports nothing of it. The
classroom server usually forks these kernels from a preloaded process instead (`_zygote`);
this module is what runs when it cannot, and what the forked kernels must behave like.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ._visitor import install


def prepare_interpreter() -> None:
    """Make this interpreter a lesson kernel's, before ipykernel is imported: no debugger, and
    `current_learner()` waits for the visitor through the server's visitor channel (`_visitor`).

    Shared with `_zygote`, whose forked kernels must start from the same state.
    """
    # As ipykernel_launcher: the cwd is not on sys.path while ipykernel loads (the shell adds it back).
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    sys.modules["debugpy"] = None  # type: ignore[assignment]  # import fails: ipykernel runs without a debugger
    install()  # a preheated kernel waits for its visitor through the server's visitor channel


def main() -> None:
    prepare_interpreter()
    from ipykernel import kernelapp  # noqa: PLC0415 - after prepare_interpreter: no debugpy, no cwd on sys.path

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
