"""The bridge: a judge-side test cell reaches the student's objects through a pipe, and gets back only data.

Two ends of one wire protocol:

* `serve_namespace` runs in the student's process (inside the sandbox, after the student's cells ran). It
  answers requests — read a name, read an attribute, call, index, iterate, len, bool, repr — by running the
  student's code, and replies with *plain values* only: None, bool, int, float, complex, str, bytes, list,
  tuple, dict, set, frozenset, dates/times/durations, Decimal, Fraction, numpy arrays and scalars, pandas
  Series/DataFrames/Index/Timestamp; an instance of a subclass of int/float/complex/str/bytes travels as
  its genuine base value. Anything else stays in the student's process, named by an opaque handle number.
* `StudentChannel` / `StudentObject` run in the judge's process, which never executed student code. A
  handle becomes a `StudentObject` proxy whose attributes, calls and items are again remote.

What must never happen, and why it cannot:

* **No student object reaches the judge.** The wire is JSON with tagged values, never pickle. The judge
  rebuilds every value from the tags into genuine builtin / numpy / pandas objects (`decode`), so a
  subclass of int with a lying `__eq__`, a "DataFrame" subclass, or an object claiming to be a list
  arrives as the real thing or as an opaque proxy. The student's end is untrusted: whatever bytes it
  writes are only ever *data* to the judge, bounded in size, depth and time.
* **No student method decides a comparison.** A proxy compares equal only to itself (same handle), has
  no ordering, no arithmetic and no `__contains__` (``x in proxy`` iterates it and compares judge-side).
  A method that receives the judge's expected value (``__eq__``, ``__lt__``, ``__contains__``, ``__sub__``)
  would let an always-equal object pass a hidden test without knowing its answer. `len`, `bool`,
  calls and attribute reads stay remote: what they return the student could have returned honestly.
* **No raw memory.** Proxies refuse attribute names starting with ``_`` (except a few descriptive dunders),
  so numpy's ``__array_interface__`` or pandas' ``_typ`` probes can never be answered by student code.
* **Exceptions arrive as data.** A student exception comes back as the builtin exception class it derives
  from (only classes in `_EXCEPTIONS`; others become `StudentError`) with a truncated message, so
  ``pytest.raises(ValueError)`` and ``except ValueError`` work. Bridge failures (time limit, size limit, a
  broken pipe) are `BridgeError`, a `BaseException`: ``except Exception`` in a test cannot swallow a
  student's infinite loop, and the channel remembers every limit hit so the cell earns 0 regardless.

* **Bounded.** Each request has `DEFAULT_CALL_TIMEOUT`, all the requests of one test cell together
  `DEFAULT_CELL_TIMEOUT` (`StudentChannel.cell`), each reply `max_bytes`, nesting `MAX_DEPTH`, iteration
  `MAX_ITEMS`. Over time, the judge calls `interrupt` (SIGINT to the student's process, which the student's
  end takes only while a request runs student code) and waits `grace` seconds for the answer; no answer
  breaks the channel, and every later request fails at once with the first reason.

Modules and library callables (``np``, ``from math import sqrt``) come back by name and are imported
judge-side when their top-level package is in `JUDGE_MODULES`: a test that uses the student's ``np``
gets the judge's numpy, never a monkeypatched one.

Why here and not in `hocvuso.grader.judge`: one end of the bridge (`serve_namespace`) runs in the student's
process, which must start quickly and must not load the judge's pipeline; this module imports nothing of
hocvuso, and its package (`hocvuso.grader`) is the light one.
"""
from __future__ import annotations

import ast
import base64
import builtins
import contextlib
import datetime
import decimal
import fractions
import importlib
import io
import json
import os
import select
import signal
import struct
import sys
import time
import traceback
import types
from collections.abc import Callable, Iterator
from typing import Any

DEFAULT_MAX_BYTES = 16 * 1024 * 1024
"""Largest reply (one framed message) either end accepts; a bigger answer is a size-limit error."""
DEFAULT_CALL_TIMEOUT = 30.0
"""Seconds one remote request may take before the judge gives up on it (and interrupts the student);
nbgrader's own limit per cell is 30 s."""
DEFAULT_CELL_TIMEOUT = 30.0
"""Seconds all the requests of one test cell may take together (nbgrader's per-cell timeout)."""
FRAME_GRACE = 5.0
"""Seconds the rest of a reply may take once its header arrived (a deadline never splits a frame)."""
MAX_DEPTH = 100
"""Deepest nesting of containers carried either way."""
MAX_ITEMS = 100_000
"""Most items the judge pulls from one iteration of a student object."""
ITER_CHUNK = 1000
"""Items fetched per round trip while iterating."""
MESSAGE_CHARS = 1000
"""Longest exception message or repr carried back."""
OUTPUT_CHARS = 100_000
"""Longest printed output (stdout, stderr each) of one request carried back."""
REPR_CHARS = 200

JUDGE_MODULES = frozenset({
    "numpy", "pandas", "math", "cmath", "pytest", "random", "statistics", "re", "json", "collections",
    "itertools", "functools", "operator", "fractions", "decimal", "datetime", "string", "scipy", "sklearn",
    "unittest", "numbers", "typing", "copy", "textwrap", "unicodedata", "hashlib", "time", "os", "sys",
})
"""Packages a module reply may be imported from judge-side (instead of staying a remote handle)."""

_EXCEPTIONS = {cls.__name__: cls for cls in (
    ArithmeticError, AssertionError, AttributeError, BufferError, EOFError, FloatingPointError,
    ImportError, IndexError, KeyError, LookupError, MemoryError, ModuleNotFoundError, NameError,
    NotImplementedError, OSError, FileNotFoundError, FileExistsError, PermissionError, OverflowError,
    RecursionError, ReferenceError, RuntimeError, TypeError, UnboundLocalError, UnicodeError,
    UnicodeDecodeError, UnicodeEncodeError, ValueError, ZeroDivisionError, LookupError, Exception,
)}
"""Builtin exception classes a student's exception may come back as (by name). Never BaseException-only
classes (SystemExit, KeyboardInterrupt, GeneratorExit) nor StopIteration, which would end a judge-side
loop or `map` silently."""

_SAFE_DUNDERS = frozenset({"__name__", "__qualname__", "__doc__", "__module__"})
_ARRAY_KINDS = "biufcmMSU"


def _rebuilt(cls: type[Exception], message: str) -> Exception:
    """A judge-side exception of the student's exception's type, carrying its message (the Unicode errors'
    constructors want the codec's details, which do not cross: they get empty ones)."""
    if issubclass(cls, UnicodeDecodeError):
        return cls("utf-8", b"", 0, 0, message)
    if issubclass(cls, UnicodeEncodeError):
        return cls("utf-8", "", 0, 0, message)
    return cls(message)


class StudentError(Exception):
    """A student's exception whose class is not one of the builtin classes the bridge carries."""


class BridgeError(BaseException):
    """The bridge itself failed (limit, broken pipe). BaseException so `except Exception` cannot hide it."""


class BridgeTimeout(BridgeError):
    """A remote request took longer than its time limit."""


class BridgeLimit(BridgeError):
    """A reply was too large or too deep to carry."""


class BridgeBroken(BridgeError):
    """The student's end stopped answering or sent something that is not the protocol."""


class NeedsStudentProcess(BridgeError):
    """The test hands the student something the bridge cannot carry; it must run beside the student's code."""


# ---------------------------------------------------------------------------------------------- framing

_HEADER = struct.Struct(">I")


def _write_frame(fd: int, payload: bytes, deadline: float | None = None) -> None:
    """Write one frame; on a non-blocking fd (the judge's end) wait for room only until `deadline`."""
    data = memoryview(_HEADER.pack(len(payload)) + payload)
    while data:
        try:
            written = os.write(fd, data)
        except BlockingIOError:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and (left <= 0 or not select.select([], [fd], [], left)[1]):
                raise TimeoutError from None
            continue
        data = data[written:]


def _read_exact(fd: int, size: int, deadline: float | None) -> bytes:
    chunks: list[bytes] = []
    while size:
        if deadline is not None and not select.select([fd], [], [], max(deadline - time.monotonic(), 0))[0]:
            raise TimeoutError  # (what is already in the pipe is still read after the deadline)
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _read_frame(fd: int, max_bytes: int, deadline: float | None) -> bytes:
    (size,) = _HEADER.unpack(_read_exact(fd, _HEADER.size, deadline))
    if size > max_bytes:
        raise BridgeLimit(f"a message of {size} bytes is over the limit of {max_bytes} bytes")
    if deadline is not None:  # a frame begun is a frame owed: a deadline passing between its parts
        deadline = max(deadline, time.monotonic() + FRAME_GRACE)  # must not leave half of it in the pipe
    try:
        return _read_exact(fd, size, deadline)
    except TimeoutError:
        raise BridgeBroken("the student's process stopped in the middle of a reply") from None


def _dumps(message: Any) -> bytes:
    return json.dumps(message, separators=(",", ":")).encode()


# ---------------------------------------------------------------------------------------------- encoding


class _TooLarge(Exception):
    pass


_BASE_VALUE: dict[type, Callable[[Any], Any]] = {
    int: int.__index__, float: float.__float__, complex: complex.__complex__, str: str.__str__,
    bytes: lambda v: bytes.__getitem__(v, slice(None)),
}
"""The genuine builtin value inside an instance of a subclass, never through a method the subclass overrides."""


class Encoder:
    """Turn a value into tagged JSON: plain values by exact type, anything else through `handle`.

    Used by both ends: the student's end hands out handle numbers for its objects; the judge's end
    refers to `StudentObject` proxies and refuses anything else (`NeedsStudentProcess`).
    """

    def __init__(self, handle: Callable[[Any], Any], max_bytes: int) -> None:
        self.handle = handle
        self.budget = max_bytes

    def _spend(self, n: int) -> None:
        self.budget -= n
        if self.budget < 0:
            raise _TooLarge

    def encode(self, v: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise _TooLarge("nested too deeply")
        t = type(v)
        self._spend(8)
        if t is int and not -(1 << 63) <= v < (1 << 63):
            self._spend(v.bit_length() // 4)
            return {"I": format(v, "x")}  # hex: JSON readers refuse decimal ints past 4300 digits
        if v is None or t is bool or t is int or t is float:
            return v
        if t is str:
            self._spend(len(v) * 2)
            return v
        if t is bytes:
            self._spend(len(v) * 2)
            return {"B": base64.b64encode(v).decode()}
        if t is complex:
            return {"C": [v.real, v.imag]}
        if t is list or t is tuple or t is set or t is frozenset:
            tags: dict[type, str] = {list: "L", tuple: "T", set: "S", frozenset: "F"}
            tag = tags[t]
            return {tag: [self.encode(x, depth + 1) for x in v]}
        if t is dict:
            return {"D": [[self.encode(k, depth + 1), self.encode(x, depth + 1)] for k, x in v.items()]}
        encoded = self._encode_data(v, t, depth)
        if encoded is not None:
            return encoded
        for base in (int, float, complex, str, bytes):
            if isinstance(v, base):  # a subclass (IntEnum, a lying int): its value, read by the base class's slot
                return self.encode(_BASE_VALUE[base](v), depth)
        return self.handle(v)

    def _encode_data(self, v: Any, t: type, depth: int) -> Any:
        encoded = _encode_stdlib(v, t)
        if encoded is not None:
            return encoded
        np = sys.modules.get("numpy")
        if np is not None:
            if t is np.ndarray:
                return self._array(v, depth)
            if isinstance(v, np.generic) and t is getattr(np, t.__name__, None) and v.dtype.kind in _ARRAY_KINDS:
                return {"NS": self._array(np.asarray(v), depth)}
        pd = sys.modules.get("pandas")
        if pd is not None:
            if t is pd.DataFrame:
                return {"PD": {"columns": self.encode(v.columns, depth + 1), "index": self.encode(v.index, depth + 1),
                               "data": [self._values(v.iloc[:, i], depth + 1) for i in range(v.shape[1])]}}
            if t is pd.Series:
                return {"PS": {"values": self._values(v, depth + 1), "index": self.encode(v.index, depth + 1),
                               "name": self.encode(v.name, depth + 1)}}
            if t is pd.RangeIndex:
                return {"PR": [v.start, v.stop, v.step, self.encode(v.name, depth + 1)]}
            if t is pd.MultiIndex:
                return {"PM": {"tuples": self.encode(list(v), depth + 1),
                               "names": self.encode(list(v.names), depth + 1)}}
            if isinstance(v, pd.Index) and t.__module__.split(".")[0] == "pandas":
                freq = getattr(v, "freqstr", None) if t is pd.DatetimeIndex else None
                return {"PI": {"values": self._values(v, depth + 1), "name": self.encode(v.name, depth + 1),
                               "freq": freq if type(freq) is str else None}}
            if v is pd.NA:
                return {"NA": 0}
            if v is pd.NaT:
                return {"NaT": 0}
            if t is pd.Timestamp and (v.tz is None or type(v.tz).__module__ in ("datetime", "zoneinfo")):
                return {"PT": [v.isoformat(), None if v.tz is None else str(v.tz)]}
            if t is pd.Timedelta:
                return {"PTD": v.value}
        return None

    def _array(self, a: Any, depth: int) -> Any:
        if a.dtype.kind in _ARRAY_KINDS and a.dtype.fields is None and a.dtype.subdtype is None:
            self._spend(a.nbytes * 4 // 3 + 64)
            import numpy as np  # noqa: PLC0415 - numpy is optional: loaded when such a value crosses
            return {"N": {"dtype": a.dtype.str, "shape": list(a.shape),
                          "data": base64.b64encode(np.ascontiguousarray(a).tobytes()).decode()}}
        if a.dtype.kind == "O":
            return {"NO": {"shape": list(a.shape), "items": [self.encode(x, depth + 1) for x in a.ravel().tolist()]}}
        return None

    def _values(self, values: Any, depth: int) -> Any:
        """The values of a Series/Index column: an exact numpy array, or items plus a pandas dtype name."""
        import numpy as np  # noqa: PLC0415 - numpy is optional: loaded when such a value crosses
        dtype = values.dtype
        if isinstance(dtype, np.dtype):
            encoded = self._array(values.to_numpy(), depth)
            if encoded is not None:
                return encoded
        if str(dtype) == "category":
            return {"CAT": {"categories": self.encode(values.cat.categories if hasattr(values, "cat")
                                                      else values.categories, depth + 1),
                            "codes": self._array(np.asarray(values.cat.codes if hasattr(values, "cat")
                                                            else values.codes), depth),
                            "ordered": bool(dtype.ordered)}}
        items = values.to_numpy(dtype=object, na_value=None).tolist()
        return {"X": {"dtype": str(dtype), "items": [self.encode(x, depth + 1) for x in items]}}


def _encode_stdlib(v: Any, t: type) -> Any:
    """Dates, times, durations, decimals and fractions by exact type (tz-aware only with a fixed offset)."""
    if t in (datetime.date, datetime.datetime, datetime.time):
        if t is not datetime.date and v.tzinfo is not None and type(v.tzinfo) is not datetime.timezone:
            return None
        return {"DT": [t.__name__, v.isoformat()]}
    if t is datetime.timedelta:
        return {"TD": [v.days, v.seconds, v.microseconds]}
    decimal, fractions = sys.modules.get("decimal"), sys.modules.get("fractions")
    if decimal is not None and t is decimal.Decimal:
        return {"DEC": str(v)}
    if fractions is not None and t is fractions.Fraction:
        return {"FR": [format(v.numerator, "x"), format(v.denominator, "x")]}
    return None


class Decoder:
    """Rebuild genuine judge-side values from tagged JSON; anything off-protocol is `BridgeBroken`."""

    def __init__(self, proxy: Callable[[dict], Any]) -> None:
        self.proxy = proxy

    def decode(self, v: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise BridgeLimit("a reply is nested too deeply")
        t = type(v)
        if v is None or t in (bool, int, float, str):
            return v
        if t is not dict or len(v) < 1:
            raise BridgeBroken(f"not a tagged value: {t.__name__}")
        tag, body = next(iter(v.items()))
        d = depth + 1
        try:
            if tag in ("L", "T", "S", "F"):
                items = [self.decode(x, d) for x in self._list(body)]
                return {"L": list, "T": tuple, "S": set, "F": frozenset}[tag](items)
            if tag == "D":
                return {self.decode(k, d): self.decode(x, d) for k, x in (self._pair(p) for p in self._list(body))}
            if tag == "I":
                return int(self._str(body), 16)
            if tag == "B":
                return base64.b64decode(self._str(body), validate=True)
            if tag == "C":
                re_, im = self._list(body)
                return complex(self._float(re_), self._float(im))
            if tag == "H" or tag == "M" or tag == "R":
                return self.proxy(v)
            if tag == "N":
                return self._array(body)
            if tag == "NS":
                return self._array(body["N"])[()]
            if tag == "NO":
                return self._object_array(body, d)
            if tag in ("PD", "PS", "PR", "PM", "PI", "NA", "NaT", "PT", "PTD"):
                return self._pandas(tag, body, d)
            if tag in ("DT", "TD", "DEC", "FR"):
                return self._stdlib(tag, body)
        except BridgeError:
            raise
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, ArithmeticError, MemoryError) as exc:
            raise BridgeBroken(f"a malformed {tag!r} value: {type(exc).__name__}: {exc}"[:MESSAGE_CHARS]) from None
        raise BridgeBroken(f"unknown tag {tag!r}")

    @staticmethod
    def _list(body: Any) -> list:
        if type(body) is not list:
            raise TypeError("expected a list")
        return body

    def _pair(self, p: Any) -> list:
        if type(p) is not list or len(p) != 2:
            raise TypeError("expected a pair")
        return p

    @staticmethod
    def _str(body: Any) -> str:
        if type(body) is not str:
            raise TypeError("expected a string")
        return body

    @staticmethod
    def _float(x: Any) -> float:
        if type(x) not in (int, float):
            raise TypeError("expected a number")
        return float(x)

    def _shape(self, body: dict) -> tuple[int, ...]:
        shape = tuple(self._list(body["shape"]))
        if len(shape) > 32 or any(type(n) is not int or n < 0 for n in shape):
            raise ValueError("bad shape")
        return shape

    def _array(self, body: dict) -> Any:
        import numpy as np  # noqa: PLC0415 - numpy is optional: loaded when such a value crosses
        dtype = np.dtype(self._str(body["dtype"]))
        if dtype.kind not in _ARRAY_KINDS or dtype.fields is not None or dtype.subdtype is not None:
            raise ValueError(f"dtype {dtype} is not carried")
        shape = self._shape(body)
        data = base64.b64decode(self._str(body["data"]), validate=True)
        if len(data) != int(np.prod(shape, dtype=object)) * dtype.itemsize:
            raise ValueError("data does not match shape")
        return np.frombuffer(data, dtype=dtype).reshape(shape).copy()

    def _object_array(self, body: dict, depth: int) -> Any:
        import numpy as np  # noqa: PLC0415 - numpy is optional: loaded when such a value crosses
        shape = self._shape(body)
        items = [self.decode(x, depth) for x in self._list(body["items"])]
        out = np.empty(len(items), dtype=object)
        for i, item in enumerate(items):  # one by one: numpy must not broadcast nested lists
            out[i] = item
        return out.reshape(shape)

    def _values(self, body: Any, depth: int) -> Any:
        import pandas as pd  # noqa: PLC0415 - pandas is optional: loaded when such a value crosses
        tag, inner = next(iter(body.items()))
        if tag == "N":
            return self._array(inner)
        if tag == "NO":
            return self._object_array(inner, depth)
        if tag == "CAT":
            categories = self.decode(inner["categories"], depth)
            codes = self._array(inner["codes"]["N"])
            return pd.Categorical.from_codes(codes, categories=categories, ordered=inner["ordered"] is True)
        if tag == "X":
            items = [self.decode(x, depth) for x in self._list(inner["items"])]
            return pd.array(items, dtype=pd.api.types.pandas_dtype(self._str(inner["dtype"])))
        raise ValueError(f"unknown values tag {tag!r}")

    def _stdlib(self, tag: str, body: Any) -> Any:
        if tag == "DT":
            kind, iso = self._list(body)
            classes: dict[str, Any] = {"date": datetime.date, "datetime": datetime.datetime, "time": datetime.time}
            cls = classes[kind]
            return cls.fromisoformat(self._str(iso))
        if tag == "TD":
            days, seconds, micro = self._list(body)
            if not all(type(n) is int for n in (days, seconds, micro)):
                raise TypeError("a duration that is not ints")
            return datetime.timedelta(days=days, seconds=seconds, microseconds=micro)
        if tag == "DEC":
            return decimal.Decimal(self._str(body))
        numerator, denominator = self._list(body)
        return fractions.Fraction(int(self._str(numerator), 16), int(self._str(denominator), 16))

    def _pandas(self, tag: str, body: Any, depth: int) -> Any:
        import pandas as pd  # noqa: PLC0415 - pandas is optional: loaded when such a value crosses
        if tag == "NA":
            return pd.NA
        if tag == "NaT":
            return pd.NaT
        if tag == "PT":
            iso, tz = self._list(body)
            stamp = pd.Timestamp(self._str(iso))
            return stamp if tz is None else stamp.tz_convert(self._str(tz))
        if tag == "PTD":
            if type(body) is not int:
                raise TypeError("a duration that is not an int")
            return pd.Timedelta(body, unit="ns")
        if tag == "PR":
            start, stop, step, name = self._list(body)
            return pd.RangeIndex(int(start), int(stop), int(step), name=self.decode(name, depth))
        if tag == "PM":
            return pd.MultiIndex.from_tuples(self.decode(body["tuples"], depth),
                                             names=self.decode(body["names"], depth))
        if tag == "PI":
            values = self._values(body["values"], depth)
            name = self.decode(body["name"], depth)
            freq = body.get("freq")
            if type(freq) is str:
                return pd.DatetimeIndex(values, name=name, freq=freq)
            return pd.Index(values, name=name, copy=False)
        index = self.decode(body["index"], depth)
        if not isinstance(index, pd.Index):
            raise TypeError("an index that is not an Index")
        if tag == "PS":
            return pd.Series(self._values(body["values"], depth), index=index, name=self.decode(body["name"], depth))
        columns = self.decode(body["columns"], depth)
        if not isinstance(columns, pd.Index):
            raise TypeError("columns that are not an Index")
        data = [self._values(c, depth) for c in self._list(body["data"])]
        if len(data) != len(columns):
            raise ValueError("columns and data differ in length")
        frame = pd.DataFrame({i: pd.Series(col, index=index, copy=False) for i, col in enumerate(data)}, index=index)
        frame.columns = columns
        return frame


# ---------------------------------------------------------------------------------------------- student's end


class _Capped(io.StringIO):
    """A stdout/stderr stand-in that keeps at most OUTPUT_CHARS characters."""

    def write(self, s: str) -> int:
        room = OUTPUT_CHARS - self.tell()
        if room > 0:
            super().write(str(s)[:room])
        return len(s)


def _exception_reply(exc: BaseException) -> dict:
    """The nearest carried builtin class of `exc` (by MRO), with its message."""
    name = "StudentError"
    for cls in type(exc).__mro__:
        if cls.__module__ == "builtins" and cls.__name__ in _EXCEPTIONS and cls is not Exception:
            name = cls.__name__
            break
    try:
        text = str(exc)
    except BaseException:  # noqa: BLE001 - a student's __str__ may raise anything
        text = "(message unavailable)"
    own = type(exc).__qualname__
    if own != name:
        text = f"{own}: {text}" if text else own
    return {"type": name, "msg": text[:MESSAGE_CHARS]}


def compile_cell(source: str, filename: str = "<test cell>") -> tuple[types.CodeType, types.CodeType | None]:
    """A cell's statements, and its last expression apart (its value is the cell's result, as in IPython)."""
    tree = ast.parse(source, filename)
    last = tree.body[-1] if tree.body else None
    expression = None
    if isinstance(last, ast.Expr):
        tree.body.pop()
        expression = compile(ast.Expression(last.value), filename, "eval")
    return compile(tree, filename, "exec"), expression


def exec_cell(namespace: dict, source: str) -> dict:
    """Run a test cell the old way, in the student's namespace (for cells the bridge cannot carry).

    Returns what nbgrader would judge by: whether it failed, the error text, and the repr of the last
    expression's value (partial credit). The student's process reports this, so a verdict built on it is
    only as trustworthy as stock nbgrader's; the row says so.
    """
    try:
        body, last = compile_cell(source)
        exec(body, namespace)  # noqa: S102 - the judge's test, run in the student's process on request
        value = eval(last, namespace) if last else None
    except BaseException as exc:  # noqa: BLE001 - the cell's failure is the verdict
        return {"failed": True, "error": "".join(traceback.format_exception(exc))[-MESSAGE_CHARS:], "value": None}
    return {"failed": False, "error": "", "value": None if value is None else repr(value)[:MESSAGE_CHARS]}


def ipython_cell_runner(shell: Any) -> Callable[[dict, str], dict]:
    """`exec_cell` through an IPython shell, for cells that need its syntax (magics) or its state."""
    def run(namespace: dict, source: str) -> dict:
        result = shell.run_cell(source, store_history=True)
        error = result.error_before_exec or result.error_in_exec
        value = None if error or result.result is None else repr(result.result)[:MESSAGE_CHARS]
        return {"failed": error is not None,
                "error": f"{type(error).__name__}: {error}"[:MESSAGE_CHARS] if error else "",
                "value": value}
    return run


class _Server:
    def __init__(self, namespace: dict, max_bytes: int, run_cell: Callable[[dict, str], dict]) -> None:
        self.ns = namespace
        self.max_bytes = max_bytes
        self.run_cell = run_cell
        self.busy = False
        """True while a request runs the student's code: the only time the judge's SIGINT interrupts."""
        self.objects: dict[int, Any] = {}
        self.ids: dict[int, int] = {}

    def handle(self, obj: Any) -> dict:
        hid = self.ids.get(id(obj))
        if hid is None or self.objects.get(hid) is not obj:
            hid = len(self.objects) + 1
            self.objects[hid] = obj
            self.ids[id(obj)] = hid
        out: dict[str, Any] = {"H": hid, "k": type(obj).__qualname__[:REPR_CHARS]}
        if type(obj) is types.ModuleType:
            out = {"M": obj.__name__, **out}
        elif type(obj) in (types.FunctionType, types.BuiltinFunctionType, type) or type(obj).__name__ == "ufunc":
            module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
            if type(module) is str and type(qualname) is str and module != "__main__" and "<" not in qualname:
                out = {"R": [module, qualname], **out}
        return out

    def encode(self, value: Any) -> Any:
        return Encoder(self.handle, self.max_bytes).encode(value)

    def decode(self, value: Any) -> Any:
        return Decoder(self._resolve).decode(value)

    def _resolve(self, tagged: dict) -> Any:
        hid = tagged.get("H")
        if hid not in self.objects:
            raise NameError(f"a handle from an earlier request is gone ({hid})")
        return self.objects[hid]

    def obj(self, request: dict) -> Any:
        return self._resolve({"H": request["h"]})

    def run(self, request: dict) -> Any:
        op = request["op"]
        if op == "names":
            return [n for n in request["names"] if type(n) is str and n in self.ns]
        if op == "get":
            name = request["name"]
            if name not in self.ns:
                raise NameError(f"name {name!r} is not defined")
            return self.ns[name]
        if op == "set":
            self.ns[request["name"]] = self.decode(request["value"])
            return None
        if op == "del":
            name = request["name"]
            if name not in self.ns:
                raise NameError(f"name {name!r} is not defined")
            del self.ns[name]
            return None
        if op == "run_cell":
            return self.run_cell(self.ns, request["source"])
        obj = self.obj(request)
        if op == "getattr":
            return getattr(obj, request["name"])
        if op == "setattr":
            setattr(obj, request["name"], self.decode(request["value"]))
            return None
        if op == "call":
            args = self.decode(request["args"])
            kwargs = self.decode(request["kwargs"])
            return obj(*args, **kwargs)
        if op == "getitem":
            return obj[self.decode(request["key"])]
        if op == "setitem":
            obj[self.decode(request["key"])] = self.decode(request["value"])
            return None
        if op == "len":
            return len(obj)
        if op == "bool":
            return bool(obj)
        if op in ("repr", "str"):
            return (repr if op == "repr" else str)(obj)[:MESSAGE_CHARS]
        if op == "iter":
            return iter(obj)
        if op == "next":
            items, done = [], False
            for _ in range(min(int(request["n"]), ITER_CHUNK)):
                try:
                    items.append(next(obj))
                except StopIteration:
                    done = True
                    break
            return {"items": items, "done": done}
        raise ValueError(f"unknown request {op!r}")

    def reply(self, request: dict) -> bytes:
        out, err = _Capped(), _Capped()
        message: dict[str, Any] = {"id": request.get("id")}
        try:
            self.busy = True
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                message["ok"] = self.encode(self.run(request))
            self.busy = False
        except _TooLarge as exc:
            self.busy = False
            message = {"id": request.get("id"), "limit": str(exc) or f"the reply is larger than {self.max_bytes} bytes"}
        except BaseException as exc:  # noqa: BLE001 - the student's code may raise anything, SystemExit included
            self.busy = False
            message = {"id": request.get("id"), "err": _exception_reply(exc)}
        message["out"], message["errout"] = out.getvalue(), err.getvalue()
        payload = _dumps(message)
        if len(payload) > self.max_bytes:
            payload = _dumps({"id": request.get("id"), "limit": f"the reply is larger than {self.max_bytes} bytes"})
        return payload


def serve_namespace(namespace: dict, rfd: int, wfd: int, *, max_bytes: int = DEFAULT_MAX_BYTES,
                    run_cell: Callable[[dict, str], dict] = exec_cell) -> None:
    """Answer the judge's requests about `namespace` until it says "end" (or closes the pipe).

    Runs in the student's process, between the student's cells. Handles live until this call returns: a
    test cell's proxies do not outlive the cell. A KeyboardInterrupt (the judge's way to stop a request
    over its time limit) ends only the request it interrupted. `run_cell` runs a test cell the old way
    when the judge asks for it (`ipython_cell_runner(shell)` where the student's cells ran in IPython).
    """
    server = _Server(namespace, max_bytes, run_cell)

    def on_sigint(signum: int, frame: Any) -> None:
        if server.busy:  # only a request that is running can be interrupted; elsewhere the signal is late
            raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGINT, on_sigint)
    except ValueError:  # not the main thread: Python's own SIGINT handling stays
        previous = None
    try:
        while True:
            try:
                request = json.loads(_read_frame(rfd, max_bytes, None))
            except EOFError:
                return
            if request.get("op") == "end":
                _write_frame(wfd, _dumps({"id": request.get("id"), "ok": None}))
                return
            try:
                payload = server.reply(request)
            except KeyboardInterrupt:
                payload = _dumps({"id": request.get("id"), "err": {"type": "StudentError", "msg": "interrupted"}})
            _write_frame(wfd, payload)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


# ---------------------------------------------------------------------------------------------- judge's end


class StudentChannel:
    """The judge's end of one student's pipe: bounded requests, decoded replies, a record of limits hit.

    `interrupt` (usually ``lambda: os.kill(pid, signal.SIGINT)``) is called when a request runs over its
    time limit; if the student's end then answers within `grace` seconds the channel stays usable,
    otherwise it is broken and every later request fails at once with the first reason.
    """

    def __init__(self, rfd: int, wfd: int, *, call_timeout: float = DEFAULT_CALL_TIMEOUT,
                 max_bytes: int = DEFAULT_MAX_BYTES, interrupt: Callable[[], None] | None = None,
                 grace: float = 2.0, judge_modules: frozenset[str] = JUDGE_MODULES) -> None:
        self.rfd, self.wfd = rfd, wfd
        os.set_blocking(wfd, False)  # a student's end that stops reading cannot stall the judge's writes
        self.call_timeout, self.max_bytes, self.grace = call_timeout, max_bytes, grace
        self.interrupt = interrupt
        self.judge_modules = judge_modules
        self.broken: BridgeError | None = None
        self.limits: list[str] = []
        """Every limit hit since `take_limits` last emptied it (a test may have swallowed the error)."""
        self._next_id = 0
        self.cell_timeout = DEFAULT_CELL_TIMEOUT
        self.cell_deadline: float | None = None
        """While a test cell runs: when its whole time is up (every request after that fails at once)."""

    @contextlib.contextmanager
    def cell(self, timeout: float = DEFAULT_CELL_TIMEOUT) -> Iterator[None]:
        """Bound everything one test cell asks of the student by `timeout` seconds in total, as nbgrader
        bounds a cell: a test that polls a student object forever ends too."""
        self.cell_timeout, self.cell_deadline = timeout, time.monotonic() + timeout
        try:
            yield
        finally:
            self.cell_deadline = None

    def take_limits(self) -> list[str]:
        taken, self.limits = self.limits, []
        return taken

    def _fail(self, exc: BridgeError, *, broken: bool) -> BridgeError:
        self.limits.append(str(exc))
        if broken:
            self.broken = exc
        return exc

    def _await(self, rid: int, deadline: float) -> dict:
        while True:
            reply = json.loads(_read_frame(self.rfd, self.max_bytes, deadline))
            if type(reply) is dict and reply.get("id") == rid:
                return reply

    def request(self, op: str, **fields: Any) -> Any:
        """Send one request; return its decoded value or raise the student's exception / a BridgeError."""
        if self.broken is not None:
            raise type(self.broken)(str(self.broken))
        now = time.monotonic()
        limit = f"a call into the student's code took longer than {self.call_timeout:g} s"
        deadline = now + self.call_timeout
        if self.cell_deadline is not None and self.cell_deadline < deadline:
            limit, deadline = f"the test cell ran longer than {self.cell_timeout:g} s", self.cell_deadline
            if now >= deadline:
                raise self._fail(BridgeTimeout(limit), broken=False)
        self._next_id += 1
        rid = self._next_id
        try:
            _write_frame(self.wfd, _dumps({"id": rid, "op": op, **fields}), deadline)
            reply = self._await(rid, deadline)
        except TimeoutError:
            raise self._timed_out(rid, limit) from None
        except BridgeError as exc:  # an oversized or unfinished frame: the pipe is out of step for good
            raise self._fail(exc, broken=True) from None
        except (EOFError, OSError, ValueError, RecursionError) as exc:
            raise self._fail(BridgeBroken(f"the student's process stopped answering ({type(exc).__name__})"),
                             broken=True) from None
        return self._unpack(reply)

    def _timed_out(self, rid: int, limit: str) -> BridgeError:
        exc = BridgeTimeout(limit)
        if self.interrupt is not None:
            with contextlib.suppress(OSError):
                self.interrupt()
            try:
                self._await(rid, time.monotonic() + self.grace)
                return self._fail(exc, broken=False)
            except (TimeoutError, EOFError, OSError, ValueError, BridgeError):
                pass
        return self._fail(exc, broken=True)

    def _unpack(self, reply: dict) -> Any:
        for key, stream in (("out", sys.stdout), ("errout", sys.stderr)):
            text = reply.get(key)
            if type(text) is str and text:
                stream.write(text[:OUTPUT_CHARS])
        if "limit" in reply:
            raise self._fail(BridgeLimit(str(reply["limit"])[:MESSAGE_CHARS]), broken=False)
        if "err" in reply:
            err = reply["err"] if type(reply["err"]) is dict else {}
            name = err.get("type")
            cls = _EXCEPTIONS.get(name, StudentError) if type(name) is str else StudentError
            raise _rebuilt(cls, str(err.get("msg", ""))[:MESSAGE_CHARS])
        if "ok" not in reply:
            raise self._fail(BridgeBroken("a reply without a value"), broken=True)
        try:
            return self.decode(reply["ok"])
        except BridgeError as exc:
            raise self._fail(exc, broken=False) from None

    def decode(self, value: Any) -> Any:
        return Decoder(self._proxy).decode(value)

    def encode(self, value: Any) -> Any:
        def refuse(v: Any) -> Any:
            if type(v) is StudentObject and object.__getattribute__(v, "_bridge_channel") is self:
                return {"H": object.__getattribute__(v, "_bridge_id")}
            raise NeedsStudentProcess(f"the test hands the student's code a {type(v).__name__}, "
                                      "which the bridge cannot carry")
        try:
            return Encoder(refuse, self.max_bytes).encode(value)
        except _TooLarge:
            raise BridgeLimit("an argument is too large to send") from None

    def _proxy(self, tagged: dict) -> Any:
        hid = tagged.get("H")
        if type(hid) is not int:
            raise BridgeBroken("a handle without a number")
        resolved = self._judge_side(tagged)
        if resolved is not None:
            return resolved
        kind = tagged.get("k")
        return StudentObject(self, hid, kind if type(kind) is str else "object")

    def _judge_side(self, tagged: dict) -> Any:
        """A module or library callable the judge imports itself, or None to keep the remote handle."""
        if "M" in tagged:
            module, qualname = tagged["M"], ""
        elif "R" in tagged and type(tagged["R"]) is list and len(tagged["R"]) == 2:
            module, qualname = tagged["R"]
        else:
            return None
        if type(module) is not str or type(qualname) is not str or module.split(".")[0] not in self.judge_modules:
            return None
        parts = module.split(".") + qualname.split(".") if qualname else module.split(".")
        if any(not part or part.startswith("_") for part in parts):
            return None  # never `pytest.__main__` and the like: importing those runs programs
        if module not in sys.modules and "." in module:
            return None  # only whole packages are imported on a student's word; their submodules must be loaded
        try:
            value: Any = importlib.import_module(module)
            for part in filter(None, qualname.split(".")):
                value = getattr(value, part)
        except (ImportError, AttributeError, ValueError):
            return None
        return value

    def end(self) -> None:
        """Tell the student's end that this test cell is over (its handles are dropped)."""
        if self.broken is None:
            self.request("end")


class StudentObject:
    """A judge-side proxy for one object that stays in the student's process.

    Attribute reads, calls, items, len, bool, iteration and repr are remote and return plain values or
    further proxies. Equality is identity of the remote object; ordering, arithmetic and `in` (other than
    by iterating) are refused, so no student method ever sees — or decides on — the judge's expected value.
    """

    __slots__ = ("_bridge_channel", "_bridge_id", "_bridge_kind")

    def __init__(self, channel: StudentChannel, hid: int, kind: str) -> None:
        object.__setattr__(self, "_bridge_channel", channel)
        object.__setattr__(self, "_bridge_id", hid)
        object.__setattr__(self, "_bridge_kind", kind)

    def _ask(self, op: str, **fields: Any) -> Any:
        return self._bridge_channel.request(op, h=self._bridge_id, **fields)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") and name not in _SAFE_DUNDERS:
            raise AttributeError(f"the test cannot read {name!r} of a student object (kept in the student's process)")
        return self._ask("getattr", name=name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            raise AttributeError(f"the test cannot set {name!r} on a student object")
        self._ask("setattr", name=name, value=self._bridge_channel.encode(value))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        encode = self._bridge_channel.encode
        return self._ask("call", args=encode(list(args)), kwargs=encode(dict(kwargs)))

    def __getitem__(self, key: Any) -> Any:
        return self._ask("getitem", key=self._bridge_channel.encode(key))

    def __setitem__(self, key: Any, value: Any) -> None:
        encode = self._bridge_channel.encode
        self._ask("setitem", key=encode(key), value=encode(value))

    def __len__(self) -> int:
        n = self._ask("len")
        if type(n) is not int:
            raise TypeError("a student object's len() is not an int")
        return n

    def __bool__(self) -> bool:
        b = self._ask("bool")
        if type(b) is not bool:
            raise TypeError("a student object's truth value is not a bool")
        return b

    def __iter__(self) -> Iterator[Any]:
        iterator = self._ask("iter")
        if type(iterator) is not StudentObject:
            yield from iter(iterator)  # the student's __iter__ returned plain data (e.g. a list)
            return
        pulled = 0
        while True:
            chunk = iterator._ask("next", n=ITER_CHUNK)
            if type(chunk) is not dict or type(chunk.get("items")) is not list or type(chunk.get("done")) is not bool:
                raise self._bridge_channel._fail(BridgeBroken("a malformed iteration reply"), broken=True)
            pulled += len(chunk["items"])
            if pulled > MAX_ITEMS:
                raise self._bridge_channel._fail(BridgeLimit(f"iteration yielded more than {MAX_ITEMS} items"),
                                                 broken=False)
            yield from chunk["items"]
            if chunk["done"]:
                return

    def __repr__(self) -> str:
        try:
            text = self._ask("repr")
        except BridgeError:
            raise
        except Exception:  # noqa: BLE001 - a failing student __repr__ still needs a readable message
            text = None
        shown = text[:REPR_CHARS] if type(text) is str else "?"
        return f"<student {self._bridge_kind}: {shown}>"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return (type(other) is StudentObject and other._bridge_channel is self._bridge_channel
                and other._bridge_id == self._bridge_id)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash((id(self._bridge_channel), self._bridge_id))


builtin_names = frozenset(dir(builtins))
"""Names a test cell always resolves to the judge's own builtins, even if the student redefined them."""
