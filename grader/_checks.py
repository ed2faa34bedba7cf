"""`check_function`: the test cell of a coding task, readable by a student and parseable by a judge.

In a test cell of an assignment (nbgrader source form) an author writes::

    check_function("chuan_hoa_so_dien_thoai", [
        (("0912 345 678",), "+84912345678"),
    ### BEGIN HIDDEN TESTS
        (("+84 91 234 5678",), "+84912345678"),
    ### END HIDDEN TESTS
    ], out_of=2)

Live (a student's self-check, or stock `nbgrader autograde`) it calls the student's function on each
case, prints a line per case and returns the partial credit. `hocvuso grade` never runs this cell in
the student's process: it reads the cases from the judge's *source* notebook as literals, sends only
the inputs into the sandbox and compares the returned values on the trusted side, so the expected
outputs of hidden cases never meet student code. That is why cases must be plain literals.
"""
from __future__ import annotations

import inspect
import math
from typing import Any, Sequence

from hocvuso.contest import VALIDATION_SEED, make_dataset
from hocvuso.core import gettext


def same_value(got: Any, expected: Any, *, tolerance: float = 1e-9) -> bool:
    """Strict equality of plain values: types must match (True is not 1), floats within `tolerance`.

    Never calls a user-defined __eq__: values are compared by type and content only.
    """
    if isinstance(expected, bool) or isinstance(got, bool):
        return type(got) is bool and type(expected) is bool and got is expected
    if isinstance(expected, float) or isinstance(got, float):
        if type(got) not in (int, float) or type(expected) not in (int, float):
            return False
        return math.isclose(float(got), float(expected), rel_tol=tolerance, abs_tol=tolerance)
    if type(expected) in (list, tuple):
        return (type(got) in (list, tuple) and len(got) == len(expected)
                and all(same_value(g, e, tolerance=tolerance) for g, e in zip(got, expected, strict=True)))
    if type(expected) is dict:
        return (type(got) is dict and set(got) == set(expected)
                and all(same_value(got[k], expected[k], tolerance=tolerance) for k in expected))
    if expected is None:
        return got is None
    return type(got) is type(expected) and got == expected


def check_function(name: str, cases: Sequence[tuple[tuple, Any]], *, out_of: float, tolerance: float = 1e-9) -> float:
    """Run the student's function `name` on each (args, expected) case; print a report; return partial credit."""
    function = _callers_function(name)
    if not callable(function):
        message = gettext("Function {name} is not defined yet: run the cell where you wrote it.").format(name=name)
        raise NameError(message)
    passed = 0
    for args, expected in cases:
        try:
            got = function(*args)
            ok = same_value(got, expected, tolerance=tolerance)
            shown = repr(got)
        except Exception as exc:  # noqa: BLE001 - the student's code may raise anything: a failed case
            ok, shown = False, f"{type(exc).__name__}: {exc}"
        passed += ok
        mark = "✓" if ok else "✗"
        call = f"{name}({', '.join(repr(a) for a in args)})"
        line = gettext("{mark} {call} gave {got}, expected {expected}").format(
            mark=mark, call=call, got=shown, expected=repr(expected))
        print(line)
    return round(out_of * passed / len(cases), 2) if cases else 0.0


def _callers_function(name: str) -> Any:
    """What `name` is in the notebook that called a test cell's helper (the caller's caller's globals)."""
    frame = inspect.currentframe()
    caller = frame.f_back.f_back if frame is not None and frame.f_back is not None else None
    return (caller.f_globals if caller is not None else {}).get(name)


def f1_score(truth: Sequence[str], predicted: Sequence[Any], positive: str) -> float:
    """F1 of the `positive` class; pure Python, so the judge's side needs no scikit-learn."""
    tp = sum(1 for t, p in zip(truth, predicted, strict=False) if t == positive and p == positive)
    fp = sum(1 for t, p in zip(truth, predicted, strict=False) if t != positive and p == positive)
    fn = sum(1 for t, p in zip(truth, predicted, strict=False) if t == positive and p != positive)
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def scale_between(value: float, baseline: float, target: float, out_of: float) -> float:
    """Points for `value`: 0 at or below `baseline`, `out_of` at or above `target`, linear between."""
    if target <= baseline:
        raise ValueError("target must be above baseline")
    share = min(1.0, max(0.0, (value - baseline) / (target - baseline)))
    return round(out_of * share, 2)


def check_model(name: str, *, data: dict, positive: str, baseline: float, target: float, out_of: float) -> float:
    """The test cell of a model task: F1 of the student's `name(texts) -> labels`, scaled to points.

    Live (a student's self-check) it scores the *public validation split* and prints the F1 and the
    points it would give. `hocvuso grade` never runs this cell: the judge regenerates the hidden set
    named by `data` (its seed is only in the judge's source notebook), sends only the texts into the
    sandbox, and computes the F1 outside it.
    """

    function = _callers_function(name)
    if not callable(function):
        message = gettext("Function {name} is not defined yet: run the cell where you wrote it.").format(name=name)
        raise NameError(message)
    public = make_dataset(generator=data.get("generator", "sms"), split="validation", seed=VALIDATION_SEED, n=400)
    texts, truth = [s.text for s in public], [s.label for s in public]
    predicted = function(list(texts))
    predicted = predicted.tolist() if hasattr(predicted, "tolist") else list(predicted)
    if len(predicted) != len(texts):
        raise ValueError(f"{name} returned {len(predicted)} labels for {len(texts)} messages: "
                         "return one label per message")
    value = f1_score(truth, [str(p) for p in predicted], positive)
    points = scale_between(value, baseline, target, out_of)
    print(gettext("F1 on the public validation set ({n} messages): {f1:.3f} → {points:g}/{out_of:g} points "
                  "(0 at {baseline:g}, full at {target:g}). The judge uses a hidden set with new wordings.").format(
        n=len(texts), f1=value, points=points, out_of=out_of, baseline=baseline, target=target))
    return points
