"""Numbers that trace: every number in a written answer is one the notebook computed.

The debrief of every module ends with a short written answer, "the strong interview
answer, from your own numbers". It is graded by hand against a rubric, and checked here
automatically: each number in the text must equal, to the rounding it is written with, a
value the notebook computed, and a value measured with an interval must be given with it.

Where the values come from:

- a :class:`Measured` record the notebook fills as it goes (``measured.add("asr_unseen",
  rate, interval=(low, high))``): these carry names and intervals;
- the notebook's namespace (``globals()``): plain numbers, and small containers of numbers
  (lists, tuples, dicts, dataclasses, arrays and tables of at most :data:`SMALL` values).
  Large arrays are data, not results: a number that is merely somewhere in 4,000 scores
  does not count as traced.

How a number is read: ``0.41`` (two decimals, so anything that rounds to it: 0.405 to
0.415), ``12.3%`` or ``12.3 percentage points`` (0.123, or 12.3 itself), ``1,593``,
``-0.4``, ``3x``, and natural frequencies ``1 in 7`` (any rate that rounds to 1/7).
Not numbers: parts of names (``p95``, ``m01``, ``F1``), the level of an interval (``95%
CI``), citation years (``Obermeyer et al. 2019``), and anything passed as ``given`` (the
statement's own constants, such as a 2% budget).

    >>> from course.trace import Measured, untraced
    >>> m = Measured()
    >>> _ = m.add("frr", 0.0192, interval=(0.012, 0.030))
    >>> untraced("False refusals are 1.9% (1.2% to 3.0%).", m)
    []
    >>> untraced("False refusals are 1.9%.", m)[0][:40]
    '1.9% is frr, measured with an interval ('
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Real

import numpy as np

__all__ = ["Measured", "Number", "numbers_in", "untraced", "explain", "SMALL"]

SMALL = 200
"""The most values a container may hold and still count as results (not data)."""

_SKIP_NAMES = {"In", "Out", "exit", "quit", "get_ipython"}

# a number not glued to a letter before it (p95, m01) or after it (2nd), with its unit
_NUMBER = re.compile(
    r"(?<![\w.])(?P<sign>[-\u2212])?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?P<unit>\s?%|\s?percent(?:age points?)?\b|\s?pp\b|\s?pts?\b|\s?percentage points?\b|x\b)?"
    r"(?![\w])"
)
_ONE_IN = re.compile(r"(?<![\w.])1\s+in\s+(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?![\w.]\d)")
_LEVEL = re.compile(r"^\s*(?:CI|confidence|credible|interval|prediction interval|"
                    r"Wilson|bootstrap|level)", re.I)
_YEAR = re.compile(r"(?:et al\.?,?|\(|,)\s*$")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+(?=[A-Z(\"'*-])|\n\s*\n|\n\s*[-*]\s")


@dataclass(frozen=True)
class Number:
    """One number as written: its text, value, rounding step and where it stands."""

    text: str
    value: float        # as written: 12.3 for "12.3%"
    step: float         # half of the last written digit's unit: 0.005 for "0.41"
    percent: bool       # written as a percentage (or percentage points)
    start: int
    end: int
    one_in: bool = False  # "1 in N": value is N


def _decimals(num: str) -> int:
    return len(num.split(".")[1]) if "." in num else 0


def numbers_in(text: str, given=()) -> list[Number]:
    """The numbers written in ``text`` (see the module docstring for what counts)."""
    if not isinstance(text, str):
        raise TypeError(f"the answer should be a str, not {type(text).__name__}")
    out, taken = [], []
    for m in _ONE_IN.finditer(text):
        n = float(m.group("n").replace(",", ""))
        out.append(Number(m.group(0), n, 0.5, False, m.start(), m.end(), one_in=True))
        taken.append((m.start(), m.end()))
    given_values = [float(g) for g in given]
    for m in _NUMBER.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        num, unit = m.group("num"), (m.group("unit") or "").strip().lower()
        value = float(num.replace(",", ""))
        if m.group("sign"):
            value = -value
        after = text[m.end():m.end() + 30]
        if unit == "%" and _LEVEL.match(after):
            continue  # "95% CI": the level of an interval, not a result
        if not unit and "." not in num and 1900 <= value <= 2100 and \
                _YEAR.search(text[max(0, m.start() - 12):m.start()]):
            continue  # a citation year
        percent = unit.startswith(("%", "percent", "pp", "pt"))
        # a percentage is given as a fraction (2% as 0.02), or as itself when it is >= 1
        if any((math.isclose(value / 100, g) or (abs(g) >= 1 and math.isclose(value, g)))
               if percent else math.isclose(value, g) for g in given_values):
            continue
        step = 0.5 * 10.0 ** -_decimals(num)
        out.append(Number(m.group(0).strip(), value, step, percent, m.start(), m.end()))
    return sorted(out, key=lambda n: n.start)


class Measured:
    """What the notebook measured, by name, each value with its interval if it has one.

    ``add`` returns the value, so a line can record and use it at once::

        rate = measured.add("asr_unseen", rate, interval=(low, high))
    """

    def __init__(self):
        self._values: dict[str, tuple[float, tuple[float, float] | None]] = {}

    def add(self, name: str, value, interval=None):
        if not isinstance(name, str) or not name:
            raise TypeError(f"a measured value needs a name (a str), not {name!r}")
        v = _finite(value)
        if v is None:
            raise ValueError(f"{name}: a measured value should be a finite number, "
                             f"not {value!r}")
        if interval is not None:
            lo, hi = (_finite(x) for x in interval)
            if lo is None or hi is None or not lo <= hi:
                raise ValueError(f"{name}: the interval should be two finite numbers, "
                                 f"low then high, not {interval!r}")
            interval = (lo, hi)
        self._values[name] = (v, interval)
        return value

    def __getitem__(self, name: str) -> float:
        return self._values[name][0]

    def __contains__(self, name) -> bool:
        return name in self._values

    def __len__(self) -> int:
        return len(self._values)

    def items(self):
        return self._values.items()

    def table(self):
        """The record as a DataFrame: name, value, low, high."""
        import pandas as pd

        return pd.DataFrame([(k, v, *(iv or (np.nan, np.nan))) for k, (v, iv) in self.items()],
                            columns=["name", "value", "low", "high"]).set_index("name")

    def __repr__(self) -> str:
        return f"Measured({len(self)} values: {', '.join(list(self._values)[:6])}...)"


def _finite(x) -> float | None:
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (Real, np.number)):
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _harvest(value, name: str, out: list, depth: int = 0) -> None:
    """Append (name, number) for every number in a small result; skip large data."""
    x = _finite(value)
    if x is not None:
        out.append((name, x))
        return
    if depth > 3 or value is None or isinstance(value, (str, bytes, type)) or callable(value):
        return
    if isinstance(value, np.ndarray):
        if value.size <= SMALL and value.dtype.kind in "iuf":
            out += [(name, float(v)) for v in value.ravel() if math.isfinite(v)]
        return
    if hasattr(value, "select_dtypes") and hasattr(value, "to_numpy"):  # a DataFrame
        num = value.select_dtypes("number")
        if num.size <= SMALL:
            for col in num.columns:
                for idx, v in num[col].items():
                    _harvest(v, f"{name}[{idx!r}, {col!r}]", out, depth + 1)
        return
    if hasattr(value, "to_numpy") and hasattr(value, "items"):  # a Series
        if len(value) <= SMALL:
            for idx, v in value.items():
                _harvest(v, f"{name}[{idx!r}]", out, depth + 1)
        return
    if isinstance(value, Measured):
        for k, (v, iv) in value.items():
            out.append((k, v))
        return
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _harvest(getattr(value, f.name), f"{name}.{f.name}", out, depth + 1)
        return
    if isinstance(value, Mapping):
        if len(value) <= SMALL:
            for k, v in value.items():
                _harvest(v, f"{name}[{k!r}]", out, depth + 1)
        return
    if isinstance(value, (list, tuple)) and len(value) <= SMALL:
        for i, v in enumerate(value):
            _harvest(v, f"{name}[{i}]", out, depth + 1)


def _sources(measured, namespace) -> tuple[list, dict]:
    values, intervals = [], {}
    if measured is not None:
        if not isinstance(measured, Measured):
            raise TypeError(f"measured should be a Measured record, not "
                            f"{type(measured).__name__}")
        for k, (v, iv) in measured.items():
            values.append((k, v))
            if iv is not None:
                intervals[k] = iv
                values += [(f"{k} (low)", iv[0]), (f"{k} (high)", iv[1])]
    for k, v in (namespace or {}).items():
        if k.startswith("_") or k in _SKIP_NAMES or isinstance(v, Measured):
            continue
        _harvest(v, k, values)
    return values, intervals


def _matches(n: Number, x: float) -> bool:
    tol = n.step * (1 + 1e-9) + 1e-12
    if n.one_in:
        return 0 < x <= 1 and round(1 / x) == n.value
    if abs(x - n.value) <= tol:
        return True
    return n.percent and abs(100 * x - n.value) <= tol


def _sentence_of(text: str, pos: int) -> tuple[int, int]:
    start, end = 0, len(text)
    for m in _SENTENCE.finditer(text):
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start()
            break
    return start, end


def explain(text: str, measured: Measured | None = None, namespace=None, given=()):
    """Each number in ``text`` with what it traces to, as a DataFrame (for the learner)."""
    import pandas as pd

    values, intervals = _sources(measured, namespace)
    rows = []
    for n in numbers_in(text, given):
        names = [k for k, x in values if _matches(n, x)]
        rows.append((n.text, ", ".join(dict.fromkeys(names[:3])) or "(nothing: untraced)"))
    return pd.DataFrame(rows, columns=["number", "traces to"])


def untraced(text: str, measured: Measured | None = None, namespace=None, given=(),
             min_numbers: int = 2) -> list[str]:
    """Why the numbers of ``text`` do not all trace; an empty list when they do.

    text:        the written answer (a str).
    measured:    a :class:`Measured` record (names and intervals), or None.
    namespace:   a mapping of names to values, usually the notebook's ``globals()``.
    given:       numbers the statement itself gives (budgets, limits), which need no trace.
    min_numbers: an answer "from your own numbers" cites at least this many.
    """
    found = numbers_in(text, given)
    values, intervals = _sources(measured, namespace)
    problems = []
    if len(found) < min_numbers:
        problems.append(f"the answer cites {len(found)} measured number"
                        f"{'' if len(found) == 1 else 's'}; a strong answer gives at least "
                        f"{min_numbers} of your own")
    for n in found:
        names = [k for k, x in values if _matches(n, x)]
        if not names:
            problems.append(f"{n.text!r} matches no value your notebook computed (to the "
                            "rounding it is written with)")
            continue
        # a value measured with an interval must be given with it, in the same sentence
        with_iv = [k for k in names if k in intervals]
        if with_iv and not any(k.endswith((" (low)", " (high)")) for k in names):
            a, b = _sentence_of(text, n.start)
            around = [m for m in found if a <= m.start < b and m is not n]
            ok = any(all(any(_matches(m, bound) for m in around) for bound in intervals[k])
                     for k in with_iv)
            if not ok:
                k = with_iv[0]
                lo, hi = intervals[k]
                problems.append(f"{n.text} is {k}, measured with an interval ({lo:.3g} to "
                                f"{hi:.3g}): give the interval in the same sentence")
    return problems
