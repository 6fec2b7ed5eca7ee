"""Checks for visible and hidden tests.

Every helper is silent when the check passes and raises :class:`CheckFailed` (an
``AssertionError``) with one readable message when it does not: what was checked, what
was expected, what came back, an optional hint, and, where the wrong answer repeats one
of the course's interview patterns, which one.

    >>> from course import check
    >>> check.close(0.25, 1 / 4, what="the rate")
    >>> check.equal([1, 2], [1, 2], what="the order")

Nothing here writes to stderr: nbgrader scores a test cell zero if it does.
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Callable, Iterable, Mapping
from numbers import Number

import numpy as np

from .patterns import PATTERNS, describe

__all__ = ["CheckFailed", "fail", "that", "equal", "close", "is_instance", "raises", "keys",
           "finite", "done", "show", "is_number", "decision", "traced"]

_repr = reprlib.Repr()
_repr.maxstring = 80
_repr.maxother = 80
_repr.maxlist = 8
_repr.maxtuple = 8
_repr.maxdict = 6


class CheckFailed(AssertionError):
    """A test found a wrong answer. The message is meant for the learner."""


def show(value) -> str:
    """A short, readable repr for messages (long values are cut)."""
    if isinstance(value, np.ndarray):
        return f"array(shape={value.shape}, dtype={value.dtype}, {_repr.repr(value.tolist())})"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    return _repr.repr(value)


def fail(what: str, *, expected=None, got=None, hint: str | None = None,
         pattern: str | None = None, _has_values: bool = True) -> None:
    """Raise :class:`CheckFailed` with the course's message format."""
    parts = [f"Check failed: {what}."]
    if _has_values:
        parts.append(f"Expected {show(expected)}, got {show(got)}.")
    if hint:
        parts.append(f"Hint: {hint}")
    if pattern:
        if pattern not in PATTERNS:
            raise ValueError(f"unknown pattern {pattern!r}")
        parts.append(f"This repeats interview pattern {describe(pattern)}: "
                     f"\"{PATTERNS[pattern].weak}\".")
    raise CheckFailed(" ".join(parts))


def that(condition, what: str, *, hint: str | None = None, pattern: str | None = None) -> None:
    """Fail unless ``condition`` is true. ``what`` states the property that should hold."""
    if not bool(condition):
        fail(what, hint=hint, pattern=pattern, _has_values=False)


def _same(actual, expected) -> bool:
    """Structural equality that trusts only the expected side's type.

    An answer whose ``__eq__`` always returns True must not pass, so the actual value has
    to be of a matching kind before ``==`` is asked at all.
    """
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


def equal(actual, expected, what: str, *, hint: str | None = None,
          pattern: str | None = None) -> None:
    """Fail unless ``actual`` equals ``expected`` (containers compared element by element)."""
    if not _same(actual, expected):
        fail(what, expected=expected, got=actual, hint=hint, pattern=pattern)


def _as_floats(value) -> np.ndarray:
    if isinstance(value, (bool, np.bool_, str)):
        raise TypeError
    return np.asarray(value, dtype=float)


def close(actual, expected, what: str, *, tol: float = 1e-8, rel: float = 0.0,
          hint: str | None = None, pattern: str | None = None) -> None:
    """Fail unless ``actual`` is within ``tol + rel * |expected|`` of ``expected``.

    Works for a number or for sequences of numbers of the same shape.
    """
    try:
        a, e = _as_floats(actual), _as_floats(expected)
    except (TypeError, ValueError):
        fail(what, expected=expected, got=actual,
             hint=hint or "expected a number (or numbers), not this type", pattern=pattern)
    if a.shape != e.shape:
        fail(f"{what} has the wrong shape", expected=e.shape, got=a.shape, hint=hint,
             pattern=pattern)
    if not np.all(np.isfinite(a) == np.isfinite(e)) or not np.all(
        np.abs(a[np.isfinite(a)] - e[np.isfinite(e)]) <= tol + rel * np.abs(e[np.isfinite(e)])
    ):
        fail(what, expected=expected, got=actual, hint=hint, pattern=pattern)


def is_instance(value, types, what: str, *, length: int | None = None,
                hint: str | None = None) -> None:
    """Fail unless ``value`` is an instance of ``types`` (and has ``length`` items)."""
    if not isinstance(value, types):
        names = (" or ".join(t.__name__ for t in types) if isinstance(types, tuple)
                 else types.__name__)
        fail(f"{what} should be a {names}, not a {type(value).__name__}", hint=hint,
             _has_values=False)
    if length is not None and len(value) != length:
        fail(f"{what} should have {length} items, not {len(value)}", hint=hint,
             _has_values=False)


def raises(exception, fn: Callable, *args, what: str, hint: str | None = None,
           **kwargs) -> None:
    """Fail unless ``fn(*args, **kwargs)`` raises ``exception`` (a type or a tuple of types).

    Returns None, so a test cell ending in this call shows no value (nbgrader would try to
    read a shown value as a partial score). A ``NotImplementedError`` passes through
    untouched, so an unanswered exercise says so instead of failing this check.
    """
    names = (" or ".join(e.__name__ for e in exception) if isinstance(exception, tuple)
             else exception.__name__)
    try:
        fn(*args, **kwargs)
    except NotImplementedError:
        raise
    except exception:
        return None
    except Exception as exc:  # the wrong kind of error
        fail(f"{what} should raise {names}, but it raised {type(exc).__name__}: "
             f"{show(str(exc))[1:-1]}", hint=hint, _has_values=False)
    fail(f"{what} should raise {names}, but it raised nothing", hint=hint, _has_values=False)


def keys(mapping, required: Iterable[str], what: str, *, hint: str | None = None) -> None:
    """Fail unless ``mapping`` is a dict-like object holding every key in ``required``."""
    if not isinstance(mapping, Mapping):
        fail(f"{what} should be a dict, not a {type(mapping).__name__}", hint=hint,
             _has_values=False)
    missing = [k for k in required if k not in mapping]
    if missing:
        fail(f"{what} is missing keys {', '.join(map(repr, missing))}", hint=hint,
             _has_values=False)


def finite(value, what: str) -> None:
    """Fail if ``value`` (a number or numbers) holds NaN or infinity."""
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)):
        fail(f"{what} should be finite", expected="finite numbers", got=value,
             hint="a NaN usually means a division by zero on an empty group")


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
    from .trace import untraced

    if not isinstance(text, str):
        fail(f"{what} should be a str, not a {type(text).__name__}", hint=hint,
             _has_values=False)
    found = untraced(text, measured, namespace, given, min_numbers)
    if found:
        fail(f"every number in {what} should trace to a value your notebook computed, "
             f"with its interval where it has one; {'; '.join(found)}",
             hint=hint or "run `course.trace.explain(ANSWER, measured, globals())` to see "
                          "what each number traces to.", _has_values=False)
