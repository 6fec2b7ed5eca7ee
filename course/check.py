"""Checks for visible and hidden tests.

Every helper is silent when the check passes and raises :class:`CheckFailed` (an
``AssertionError``) with one readable message when it does not: what was checked, what
was expected, what came back (for long values: where they first differ, a window around
that position, and how many positions differ), an optional hint, and, where the wrong
answer repeats one of the course's interview patterns, which one.

    >>> from course import check
    >>> check.close(0.25, 1 / 4, what="the rate")
    >>> check.equal([1, 2], [1, 2], what="the order")
    >>> check.call(sorted, [3, 1, 2], what="sorted(...)")
    [1, 2, 3]

Messages show plain Python values (``0.3``, never ``np.float64(0.3)``). In a notebook the
learner sees the message under their own line: every function here sets
``__tracebackhide__``, and :class:`CheckFailed` drops this module's frames from the
traceback IPython shows.

Nothing here writes to stderr: nbgrader scores a test cell zero if it does.
"""

from __future__ import annotations

import inspect
import math
import os
import sys
import sysconfig
import traceback
import types
from collections.abc import Callable, Iterable, Mapping
from numbers import Number

import numpy as np

from .messages import (  # noqa: F401  (show is part of check's API)
    _AROUND,
    _a,
    _array_diff,
    _capital,
    _cut,
    _num,
    _pair,
    _plain,
    _sentence,
    _type_name,
    show,
)
from .messages import difference
from .patterns import PATTERNS, describe

__all__ = ["CheckFailed", "fail", "that", "equal", "close", "is_instance", "raises", "keys",
           "finite", "done", "show", "is_number", "call", "decision", "traced"]



class CheckFailed(AssertionError):
    """A test found a wrong answer. The message is meant for the learner."""

    def _render_traceback_(self):
        # IPython asks an exception for its own traceback lines when it has this method.
        # IPython always shows the innermost frame, even one marked __tracebackhide__, so
        # without this the learner would read course/check.py's ``raise`` above the message.
        return _traceback_lines(self)


def _traceback_lines(exc) -> list[str]:
    """IPython's usual traceback for ``exc``, without this module's frames."""
    __tracebackhide__ = True
    try:
        ip = sys.modules["IPython"].get_ipython() if "IPython" in sys.modules else None
        if ip is None:
            raise LookupError("no IPython shell")
        kept = []
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_globals.get("__name__") != __name__:
                kept.append(tb)
            tb = tb.tb_next
        trimmed = None
        for t in reversed(kept):
            trimmed = types.TracebackType(trimmed, t.tb_frame, t.tb_lasti, t.tb_lineno)
        return ip.InteractiveTB.structured_traceback(type(exc), exc, trimmed)
    except Exception:  # never fail while showing a failure
        return traceback.format_exception_only(type(exc), exc)


# ---------------------------------------------------------------------------------------
# The checks

def _message(what: str, detail: str | None = None, hint: str | None = None,
             pattern: str | None = None) -> str:
    __tracebackhide__ = True
    parts = [f"Check failed: {_sentence(what)}"]
    if detail:
        parts.append(_sentence(detail))
    if hint:
        parts.append(f"Hint: {_sentence(hint)}")
    if pattern:
        if pattern not in PATTERNS:
            raise ValueError(f"unknown pattern {pattern!r}")
        parts.append(f"This repeats interview pattern {describe(pattern)}: "
                     f"\"{PATTERNS[pattern].weak}\".")
    return " ".join(parts)


def fail(what: str, *, expected=None, got=None, hint: str | None = None,
         pattern: str | None = None, _has_values: bool = True,
         _detail: str | None = None) -> None:
    """Raise :class:`CheckFailed` with the course's message format.

    With ``expected`` and ``got``, the message says where they differ. A ``hint`` ends
    with a full stop (one is added if it has none).
    """
    __tracebackhide__ = True
    if _detail is None and _has_values:
        _detail = _difference(got, expected)
    raise CheckFailed(_message(what, _detail, hint, pattern))


def that(condition, what: str, *, hint: str | None = None, pattern: str | None = None) -> None:
    """Fail unless ``condition`` is true. ``what`` states the property that should hold."""
    __tracebackhide__ = True
    if not bool(condition):
        fail(what, hint=hint, pattern=pattern, _has_values=False)


def _same(actual, expected) -> bool:
    """Structural equality that trusts only the expected side's type.

    An answer whose ``__eq__`` always returns True must not pass, so the actual value has
    to be of a matching kind before ``==`` is asked at all.
    """
    __tracebackhide__ = True
    if isinstance(expected, Mapping):
        return (isinstance(actual, Mapping) and set(actual.keys()) == set(expected.keys())
                and all(_same(actual[k], expected[k]) for k in expected))
    if isinstance(expected, (list, tuple, np.ndarray)):
        if not isinstance(actual, (list, tuple, np.ndarray)) or len(actual) != len(expected):
            return False
        return all(_same(a, e) for a, e in zip(actual, expected))
    if isinstance(expected, (bool, np.bool_)):
        return isinstance(actual, (bool, np.bool_)) and bool(actual) == bool(expected)
    if isinstance(expected, (Number, np.number)):
        return (isinstance(actual, (Number, np.number)) and not isinstance(actual, (bool, np.bool_))
                and bool(actual == expected))
    if isinstance(expected, str):
        return isinstance(actual, str) and actual == expected
    if expected is None:
        return actual is None
    return type(actual) is type(expected) and (actual == expected) is True


def _difference(got, expected, eq=None) -> str:
    __tracebackhide__ = True
    return difference(got, expected, eq or _same)


def equal(actual, expected, what: str, *, hint: str | None = None,
          pattern: str | None = None) -> None:
    """Fail unless ``actual`` equals ``expected`` (containers compared element by element).

    The message names the first differing position with the items around it (and, for
    long values, how many positions differ), or the keys of a dict that differ.
    """
    __tracebackhide__ = True
    if not _same(actual, expected):
        fail(what, expected=expected, got=actual, hint=hint, pattern=pattern)


def _as_floats(value) -> np.ndarray:
    __tracebackhide__ = True
    if isinstance(value, (bool, np.bool_, str)):
        raise TypeError
    return np.asarray(value, dtype=float)


def close(actual, expected, what: str, *, tol: float = 1e-8, rel: float = 0.0,
          hint: str | None = None, pattern: str | None = None) -> None:
    """Fail unless ``actual`` is within ``tol + rel * |expected|`` of ``expected``.

    Works for a number or for sequences of numbers of the same shape. NaN matches only
    NaN, and an infinity only the same infinity.
    """
    __tracebackhide__ = True
    try:
        with np.errstate(all="ignore"):
            a, e = _as_floats(actual), _as_floats(expected)
    except (TypeError, ValueError):
        fail(what, expected=expected, got=actual, pattern=pattern,
             hint=hint or f"expected a number (or numbers), not "
                          f"{_a(_type_name(type(actual)))}")
    if a.shape != e.shape:
        fail(f"{what} has the wrong shape", hint=hint, pattern=pattern,
             _detail=f"Expected shape {e.shape}, got shape {a.shape}.")
    with np.errstate(all="ignore"):
        finite = np.isfinite(a) & np.isfinite(e)
        bound = tol + rel * np.abs(e)
        ok = np.where(finite, np.abs(a - e) <= bound,
                      (a == e) | (np.isnan(a) & np.isnan(e)))
    if np.all(ok):
        return
    if a.ndim == 0:
        e_s, a_s = _pair(float(e), float(a))
        detail = f"Expected {e_s}, got {a_s}"
        gap = abs(float(a) - float(e))
        if math.isfinite(gap) and gap <= 100 * float(bound):
            detail += f" (off by {_num(gap, 3)}; the tolerance is {_num(float(bound), 3)})"
    else:
        detail = _capital(_array_diff(a, e, ~ok, bound=bound))
    fail(what, hint=hint, pattern=pattern, _detail=_sentence(detail))


def _conversion(value, types_) -> str:
    """How to turn ``value`` into one of ``types_``, when there is an obvious way."""
    __tracebackhide__ = True
    numpy_own = "numpy's own type, which "
    if isinstance(value, (np.timedelta64, np.datetime64)):
        return ""
    if bool in types_ and isinstance(value, np.bool_):
        return numpy_own + "`bool(x)` converts to a plain bool"
    if int in types_ and isinstance(value, np.integer):
        return numpy_own + "`int(x)` converts to a plain int"
    if float in types_ and isinstance(value, (np.floating, np.integer)):
        return numpy_own + "`float(x)` converts to a plain float"
    if complex in types_ and isinstance(value, np.number):
        return numpy_own + "`complex(x)` converts to a plain complex"
    if str in types_ and isinstance(value, bytes):
        return "`x.decode()` converts it"
    if isinstance(value, np.generic) and type(_plain(value)) in types_:
        return numpy_own + f"`{type(_plain(value)).__name__}(x)` converts"
    if float in types_ and (isinstance(value, int) and not isinstance(value, bool)
                            or isinstance(value, np.ndarray) and value.ndim == 0):
        return "`float(x)` converts it"
    if int in types_ and isinstance(value, float) and value.is_integer():
        return "`int(x)` converts it"
    if list in types_ and isinstance(value, np.ndarray):
        return "`x.tolist()` converts it to a list of plain values"
    module = (getattr(type(value), "__module__", "") or "").split(".")[0]
    if list in types_ and module == "pandas" and hasattr(value, "tolist"):
        return "`x.tolist()` converts it to a list of plain values"
    if list in types_ and isinstance(value, (tuple, set, frozenset)):
        return "`list(x)` converts it"
    if tuple in types_ and isinstance(value, list):
        return "`tuple(x)` converts it"
    if np.ndarray in types_ and (isinstance(value, (list, tuple)) or module == "pandas"):
        return "`np.asarray(x)` converts it"
    if dict in types_ and module == "pandas" and hasattr(value, "to_dict"):
        return "`x.to_dict()` converts it"
    return ""


def is_instance(value, types, what: str, *, length: int | None = None,
                hint: str | None = None) -> None:
    """Fail unless ``value`` is an instance of ``types`` (and has ``length`` items)."""
    __tracebackhide__ = True
    if not isinstance(value, types):
        wanted = types if isinstance(types, tuple) else (types,)
        names = " or ".join(_type_name(t) for t in wanted)
        message = f"{what} should be {_a(names)}, not {_a(_type_name(type(value)))}"
        conversion = _conversion(value, wanted)
        if conversion:
            message += f" ({conversion})"
        fail(message, hint=hint, _has_values=False)
    if length is not None:
        try:
            n = len(value)
        except TypeError:
            n = None
        if n != length:
            fail(f"{what} should have {length} items, not {'no length' if n is None else n}",
                 hint=hint, _has_values=False)


def _library(filename: str) -> bool:
    """True for a file of Python, an installed package or this course package."""
    __tracebackhide__ = True
    if not filename or filename.startswith("<frozen"):
        return True
    path = os.path.abspath(filename)
    return any(path.startswith(root + os.sep) for root in _LIBRARY_ROOTS)


_LIBRARY_ROOTS = tuple(sorted({os.path.abspath(p) for p in (
    *(sysconfig.get_paths().get(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")),
    os.path.dirname(os.path.abspath(__file__)),
) if p}))


def _location(tb) -> str:
    """Where in the learner's code an exception was raised: ``in f, at `x = y[0]```."""
    __tracebackhide__ = True
    try:
        frames = [f for f in traceback.extract_tb(tb) if not _library(f.filename)]
    except Exception:
        return ""
    if not frames:
        return ""
    frame = frames[-1]
    line = _cut((frame.line or "").strip(), 60)
    if not line:
        return ""
    return f"at `{line}`" if frame.name == "<module>" else f"in {frame.name}, at `{line}`"


def _exception(exc: BaseException) -> str:
    """``IndexError: list index out of range`` on one line."""
    __tracebackhide__ = True
    try:
        text = str(exc)
    except Exception:
        text = ""
    text = text.strip().splitlines()[0] if text.strip() else ""
    name = type(exc).__name__
    return f"{name}: {_cut(text, 150)}" if text else name


def raises(exception, fn: Callable, *args, what: str, hint: str | None = None,
           **kwargs) -> None:
    """Fail unless ``fn(*args, **kwargs)`` raises ``exception`` (a type or a tuple of types).

    Returns None, so a test cell ending in this call shows no value (nbgrader would try to
    read a shown value as a partial score). A ``NotImplementedError`` passes through
    untouched, so an unanswered exercise says so instead of failing this check.
    """
    __tracebackhide__ = True
    names = (" or ".join(e.__name__ for e in exception) if isinstance(exception, tuple)
             else exception.__name__)
    try:
        fn(*args, **kwargs)
    except NotImplementedError:
        raise
    except exception:
        return None
    except Exception as exc:  # the wrong kind of error
        where = _location(exc.__traceback__)
        message = _message(f"{what} should raise {names}, but it raised {_exception(exc)}"
                           + (f" ({where})" if where else ""), hint=hint)
    else:
        message = _message(f"{what} should raise {names}, but it raised nothing", hint=hint)
    raise CheckFailed(message) from None


def _inputs(fn, args, kwargs) -> str:
    """The arguments of a call, each named and shown briefly (type, shape, first values)."""
    __tracebackhide__ = True
    small = dict(items=3, width=48)
    try:
        bound = inspect.signature(fn).bind(*args, **kwargs)
        parts = []
        for name, value in bound.arguments.items():
            param = bound.signature.parameters[name]
            if param.kind is param.VAR_POSITIONAL:
                parts += [show(v, **small) for v in value]
            elif param.kind is param.VAR_KEYWORD:
                parts += [f"{k}={show(v, **small)}" for k, v in value.items()]
            else:
                parts.append(f"{name}={show(value, **small)}")
    except (TypeError, ValueError):
        parts = [show(v, **small) for v in args] + [f"{k}={show(v, **small)}"
                                                    for k, v in kwargs.items()]
    return _cut(", ".join(parts), 400) if parts else "no arguments"


def call(fn: Callable, *args, what: str | None = None, **kwargs):
    """Call the learner's ``fn(*args, **kwargs)`` in a hidden test; return its result.

        led = check.call(build_ledger, fresh, what="build_ledger on fresh records")

    If the function raises, the test fails with one line that names the exception and
    the input that triggered it (``<what> raised KeyError: 'label' on frame=DataFrame(
    shape=(40, 3), ...)``), instead of a traceback through the test's own code. A
    ``NotImplementedError`` (an unanswered exercise) and a :class:`CheckFailed` pass
    through untouched.
    """
    __tracebackhide__ = True
    try:
        return fn(*args, **kwargs)
    except (NotImplementedError, CheckFailed):
        raise
    except Exception as exc:
        name = what or f"{getattr(fn, '__name__', 'the function')}(...)"
        where = _location(exc.__traceback__)
        message = _message(
            f"{name} raised {_exception(exc)} on {_inputs(fn, args, kwargs)}"
            + (f" ({where})" if where else ""),
            hint="the exercise statement says what inputs to expect; call your function "
                 "on this input to see the error")
    raise CheckFailed(message) from None


def keys(mapping, required: Iterable[str], what: str, *, hint: str | None = None) -> None:
    """Fail unless ``mapping`` is a dict-like object holding every key in ``required``."""
    __tracebackhide__ = True
    if not isinstance(mapping, Mapping):
        fail(f"{what} should be a dict, not {_a(_type_name(type(mapping)))}", hint=hint,
             _has_values=False)
    missing = [k for k in required if k not in mapping]
    if missing:
        names = ", ".join(show(k, width=40) for k in missing)
        has = ", ".join(show(k, width=40) for k in list(mapping)[:8]) or "none"
        fail(f"{what} is missing key{'s' if len(missing) > 1 else ''} {names} "
             f"(its keys: {has}{', ...' if len(mapping) > 8 else ''})", hint=hint,
             _has_values=False)


def finite(value, what: str) -> None:
    """Fail if ``value`` (a number or numbers) holds NaN or infinity."""
    __tracebackhide__ = True
    hint = "a NaN usually means a division by zero on an empty group"
    try:
        with np.errstate(all="ignore"):
            arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        fail(f"{what} should be finite numbers", _detail=f"Got {show(value)}.", hint=hint)
    bad = ~np.isfinite(arr)
    if np.any(bad):
        if arr.ndim == 0:
            detail = f"Got {show(value)}."
        else:
            first = tuple(int(x) for x in np.argwhere(bad)[0])
            at = first[0] if arr.ndim == 1 else first
            row, i = first[:-1], first[-1]
            values = arr[row].tolist()
            window = ", ".join(show(values[j]) for j in range(max(0, i - _AROUND),
                                                              min(len(values), i + _AROUND + 1)))
            count = int(bad.sum())
            detail = (f"{count:,} of {arr.size:,} values {'is' if count == 1 else 'are'} "
                      f"NaN or infinite, the "
                      f"first at index {at}: [{'..., ' if i > _AROUND else ''}{window}"
                      f"{', ...' if i + _AROUND + 1 < len(values) else ''}].")
        fail(f"{what} should be finite", _detail=detail, hint=hint)


def done(message: str = "Visible checks passed.") -> None:
    """Print the closing line of a visible test cell (to stdout)."""
    print(f"\N{CHECK MARK} {message}")


def is_number(value) -> bool:
    return isinstance(value, (Number, np.number)) and not isinstance(value, (bool, np.bool_)) \
        and math.isfinite(float(value))


def decision(answer, options, constraints, objective, what: str, *,
             hint: str | None = None, pattern: str | None = None) -> None:
    """Fail unless ``answer`` is a defensible :class:`course.judgment.Decision` here.

    ``options`` maps each option to its measured metrics (a dict of dicts or a DataFrame
    indexed by option); ``constraints`` are :class:`course.judgment.Constraint`s;
    ``objective`` a :class:`course.judgment.Objective`. Every defensible decision passes,
    not one reference answer: see :func:`course.judgment.problems`.
    """
    __tracebackhide__ = True
    from .judgment import problems

    found = problems(answer, options, constraints, objective)
    if found:
        fail(f"{what}: {'; '.join(found)}", hint=hint, pattern=pattern, _has_values=False)


def traced(text, what: str = "the written answer", *, measured=None, namespace=None,
           given=(), min_numbers: int = 2, hint: str | None = None) -> None:
    """Fail unless every number in ``text`` traces to a value the notebook computed.

    See :func:`course.trace.untraced` for the rules; ``namespace`` is usually
    ``globals()`` and ``measured`` the notebook's :class:`course.trace.Measured` record.
    """
    __tracebackhide__ = True
    from .trace import untraced

    if not isinstance(text, str):
        fail(f"{what} should be a str, not {_a(_type_name(type(text)))}", hint=hint,
             _has_values=False)
    found = untraced(text, measured, namespace, given, min_numbers)
    if found:
        fail(f"every number in {what} should trace to a value your notebook computed, "
             f"with its interval where it has one; {'; '.join(found)}",
             hint=hint or "run `course.trace.explain(ANSWER, measured, globals())` to see "
                          "what each number traces to.", _has_values=False)
