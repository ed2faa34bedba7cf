"""The kernel of a classroom lesson: ipykernel without its debugger.

`hocvuso serve` starts lesson kernels with `python -m hocvuso._kernel -f CONNECTION_FILE` instead of
`python -m ipykernel_launcher ...` (see `ClassroomKernelSpecManager`). The only difference:
debugpy is not loaded. ipykernel imports it in every kernel (~6.5 MB each, 40 kernels for a class),
and no learner can use it: Voilà lets only widget messages through, never `debug_request`.

Kept out of `hocvuso.classroom` so that starting a kernel imports nothing of the server.
"""
from __future__ import annotations

import sys
from pathlib import Path


def main() -> None:
    # As ipykernel_launcher: the cwd is not on sys.path while ipykernel loads (the shell adds it back).
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    sys.modules["debugpy"] = None  # type: ignore[assignment]  # import fails: ipykernel runs without a debugger
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
