"""One error tree: every exception hocvuso raises on purpose is a HocvusoError, so a caller (the CLI's
one error wrapper, the classroom's handlers) can catch them all and show one clear line."""
from __future__ import annotations

import importlib
import inspect

from hocvuso.core import HocvusoError

from test_imports import MODULES

# A module's private exceptions (a leading underscore) stay inside it. Exceptions that never reach a caller
# of hocvuso either: the grading bridge's own protocol signals (some derive
# from BaseException on purpose, so student code's `except Exception` cannot swallow them) and the
# kernel provisioner's report to jupyter_client, which handles it as any failed kernel start.
INTERNAL = {
    "hocvuso.grader._bridge": {"StudentError", "BridgeError", "BridgeTimeout", "BridgeLimit", "BridgeBroken",
                               "NeedsStudentProcess"},
    "hocvuso.classroom.kernels._provisioner": {"ZygoteError"},
}


def _exception_classes():
    """Every exception class defined in a module of the package (modules found as the import test finds them)."""
    for module_name in sorted(MODULES):
        if module_name.endswith("__main__"):
            continue
        module = importlib.import_module(module_name)
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, BaseException) and obj.__module__ == module_name:
                yield module_name, name, obj


def test_every_exception_of_the_package_is_in_the_tree():
    found = list(_exception_classes())
    assert len(found) > 15  # the walk really saw the package
    outside = sorted(f"{module}.{name}" for module, name, cls in found
                     if not issubclass(cls, HocvusoError) and not name.startswith("_")
                     and name not in INTERNAL.get(module, set()))
    assert not outside, "exceptions outside the HocvusoError tree: " + ", ".join(outside)


def test_the_tree_keeps_the_builtin_bases_callers_relied_on():
    from hocvuso.core import LessonNotFound, SignInRefused

    assert issubclass(SignInRefused, ValueError) and issubclass(LessonNotFound, LookupError)


def test_no_two_exceptions_share_a_name():
    names: dict[str, str] = {}
    clashes = []
    for module, name, _cls in _exception_classes():
        if name in names and names[name] != module:
            clashes.append(f"{name}: {names[name]} and {module}")
        names.setdefault(name, module)
    assert not clashes, clashes
