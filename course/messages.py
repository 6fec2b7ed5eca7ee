"""How check messages show values: short, plain, and where two values first differ.

:func:`show` writes a value for a message (plain Python numbers, never
``np.float64(0.3)``; long containers cut); :func:`difference` says where a result and
the expected value first differ, with a window around that place and, for long values, a
one-line summary. :mod:`course.check` builds its messages from these.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Number

import numpy as np

_ITEMS = 8     # items of a container that show() lists
_WIDTH = 80    # characters of one value in a message
_LONG = 8      # a sequence longer than this gets a one-line summary of its differences
_AROUND = 2    # items shown on each side of the first difference


def _type_name(t) -> str:
    """``int``, ``numpy.int64``, ``numpy.bool_``, ``pandas.DataFrame``."""
    __tracebackhide__ = True
    if t is type(None):
        return "None"
    if t is np.bool_:
        return "numpy.bool_"
    module = getattr(t, "__module__", "") or ""
    name = getattr(t, "__name__", str(t))
    if module == "builtins":
        return name
    if module.split(".")[0] in ("numpy", "pandas"):
        return f"{module.split('.')[0]}.{name}"
    return getattr(t, "__qualname__", name)


def _a(name: str) -> str:
    """``name`` with its article: "an int", "a numpy.int64", "None"."""
    __tracebackhide__ = True
    if name == "None":
        return name
    return ("an " if name[:1].lower() in "aeio" else "a ") + name


def _cut(text: str, width: int = _WIDTH) -> str:
    __tracebackhide__ = True
    text = " ".join(str(text).split()) if "\n" in str(text) else str(text)
    return text if len(text) <= width else text[:max(width - 3, 1)] + "..."


def _num(x: float, digits: int = 6) -> str:
    """A float as a learner writes it: 0.3, 2082.0, 1e-08, nan."""
    __tracebackhide__ = True
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x.is_integer() and abs(x) < 1e15:
        return f"{int(x)}.0"
    text = f"{x:.{digits}g}"
    return text if any(c in text for c in ".en") else text + ".0"


def _plain(value):
    """A numpy scalar as the Python value it holds; anything else unchanged."""
    __tracebackhide__ = True
    if isinstance(value, np.generic):
        try:
            return value.item()
        except Exception:
            return value
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return _plain(value[()])
    return value


def _fmt(value, items: int, width: int, depth: int, digits: int = 6) -> str:
    __tracebackhide__ = True
    value = _plain(value)
    if value is None or isinstance(value, (bool, int)):
        return str(value)
    if isinstance(value, float):
        return _num(value, digits)
    if isinstance(value, complex):
        return str(value)
    if isinstance(value, (str, bytes)):
        text = repr(value)
        if len(text) > width:
            quote = text[-1]
            text = text[:max(width - 4, 2)] + "..." + quote
        return text
    inner = dict(items=max(2, items // 2), width=max(12, width // 2), depth=depth + 1)
    kind = type(value)
    module = (getattr(kind, "__module__", "") or "").split(".")[0]
    if module == "pandas":
        name = kind.__name__
        if hasattr(value, "columns"):
            cols = ", ".join(_fmt(c, 0, 20, depth + 1) for c in list(value.columns)[:items])
            more = ", ..." if len(value.columns) > items else ""
            return f"{name}(shape={value.shape}, columns=[{cols}{more}])"
        if hasattr(value, "dtype") and hasattr(value, "__len__"):
            head = ", ".join(_fmt(v, **inner) for v in list(value[:items]))
            more = ", ..." if len(value) > items else ""
            label = f", name={_fmt(value.name, 0, 20, depth + 1)}" \
                if getattr(value, "name", None) is not None else ""
            return f"{name}(length={len(value)}, dtype={value.dtype}{label}, [{head}{more}])"
    if isinstance(value, np.ndarray):
        flat = value.ravel()
        head = ", ".join(_fmt(v, **inner) for v in flat[:items])
        more = ", ..." if flat.size > items else ""
        return f"array(shape={value.shape}, dtype={value.dtype}, [{head}{more}])"
    if depth >= 3 and isinstance(value, (Mapping, list, tuple, set, frozenset)):
        return "{...}" if isinstance(value, Mapping) else "[...]"
    if isinstance(value, Mapping):
        shown = list(value.items())[:min(items, 6)]
        body = ", ".join(f"{_fmt(k, **inner)}: {_fmt(v, **inner)}" for k, v in shown)
        if len(value) > len(shown):
            return f"{{{body}, ...}} ({len(value):,} keys)"
        return f"{{{body}}}"
    if isinstance(value, (list, tuple, set, frozenset)):
        seq = list(value)
        if isinstance(value, (set, frozenset)):
            try:
                seq = sorted(seq)
            except TypeError:
                pass
        open_, close_ = ("(", ")") if isinstance(value, tuple) else \
            ("{", "}") if isinstance(value, (set, frozenset)) else ("[", "]")
        if not seq:
            return "set()" if isinstance(value, (set, frozenset)) else open_ + close_
        body = ", ".join(_fmt(v, **inner) for v in seq[:items])
        if isinstance(value, tuple) and len(seq) == 1:
            body += ","
        if len(seq) > items:
            return f"{open_}{body}, ...{close_} ({len(seq):,} items)"
        return f"{open_}{body}{close_}"
    try:
        text = repr(value)
    except Exception:
        text = object.__repr__(value)
    return _cut(text, width)


def show(value, *, items: int = _ITEMS, width: int = _WIDTH) -> str:
    """A short, one-line, readable repr for messages.

    Numpy scalars show as the plain values they hold (``0.3``, ``2082``, ``True``);
    containers list their first ``items`` entries and say how many there are; arrays and
    pandas objects give their shape and dtype; long strings are cut.
    """
    __tracebackhide__ = True
    try:
        return _fmt(value, items, width, 0)
    except Exception:  # an answer whose repr or len raises must not break the message
        return _cut(object.__repr__(value), width)


def _pair(expected, got, **kw) -> tuple[str, str]:
    """``show`` of two values, with enough digits that different floats look different."""
    __tracebackhide__ = True
    e, g = show(expected, **kw), show(got, **kw)
    pe, pg = _plain(expected), _plain(got)
    if e == g and isinstance(pe, float) and isinstance(pg, float) and pe != pg:
        e, g = repr(pe), repr(pg)  # the shortest text that reads back as each float
    return e, g


def _kind(value) -> str:
    __tracebackhide__ = True
    if value is None:
        return "none"
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (Number, np.number)):
        return "number"
    if isinstance(value, np.ndarray):
        return "number" if value.ndim == 0 else "sequence"
    if isinstance(value, str):
        return "str"
    if isinstance(value, Mapping):
        return "mapping"
    if isinstance(value, (list, tuple)):
        return "sequence"
    if isinstance(value, (set, frozenset)):
        return "set"
    return "other"


def _type_note(got, expected) -> str:
    """" (a str, not an int)" when the two values are of different kinds."""
    __tracebackhide__ = True
    if _kind(got) == _kind(expected) and _kind(got) != "other":
        return ""
    if _kind(got) == _kind(expected) and type(got) is type(expected):
        return ""
    return f" ({_a(_type_name(type(got)))}, not {_a(_type_name(type(expected)))})"


def _sentence(text: str) -> str:
    """``text`` ending with exactly one full stop (or its own ! or ?)."""
    __tracebackhide__ = True
    text = str(text).strip().rstrip(",;:").rstrip()
    if not text:
        return text
    if text[-1] in ".!?" or (text[-1] in "\"')`" and text[-2:-1] in tuple(".!?")):
        return text
    return text + "."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------------------------------
# Where two values differ

def _where(path) -> str:
    """``index 412``, ``key 'tpr'``, ``index (3, 4)`` or ``[2]['severity']``."""
    __tracebackhide__ = True
    if len(path) == 1:
        kind, at = path[0]
        return f"index {at}" if kind == "index" else f"key {show(at, width=40)}"
    return "".join(f"[{at}]" if kind == "index" else f"[{show(at, width=40)}]"
                   for kind, at in path)


def _windows(got, expected, i) -> tuple[str, str]:
    """The items around position ``i`` of both sequences: ``[..., 0.31, 0.33, 0.35, ...]``."""
    __tracebackhide__ = True
    small = dict(items=3, width=30)
    centre_e, centre_g = _pair(expected[i], got[i], **small)

    def window(seq, centre):
        lo, hi = max(0, i - _AROUND), min(len(seq), i + _AROUND + 1)
        body = [centre if j == i else show(seq[j], **small) for j in range(lo, hi)]
        text = ", ".join(body)
        if lo > 0:
            text = "..., " + text
        if hi < len(seq):
            text += ", ..."
        return f"({text})" if isinstance(seq, tuple) else f"[{text}]"

    return window(expected, centre_e), window(got, centre_g)


def _is_scalar(value) -> bool:
    return _kind(value) in ("none", "bool", "number", "other") or (
        isinstance(value, str) and len(value) <= 30)


def _largest(got, expected, positions) -> str:
    """", the largest by 0.04 (at index 900)" over numeric positions, else ""."""
    __tracebackhide__ = True
    best, where = -1.0, None
    for j in positions:
        a, e = _plain(got[j]), _plain(expected[j])
        if _kind(a) == _kind(e) == "number" and not isinstance(a, complex) \
                and not isinstance(e, complex):
            both_int = isinstance(a, int) and isinstance(e, int)
            d = abs(a - e) if both_int else abs(float(a) - float(e))
            if math.isfinite(d) and d > best:
                best, where = d, j
    if where is None:
        return ""
    largest = best if isinstance(best, int) else _num(best, 3)
    return f", the largest by {largest} (at index {where})"


def _differ(count: int) -> str:
    return "differs" if count == 1 else "differ"


def _numeric_array(value) -> bool:
    return isinstance(value, np.ndarray) and value.dtype.kind in "iuf"


def _seq_diff(got, expected, eq, path) -> str:
    __tracebackhide__ = True
    if (_numeric_array(got) and _numeric_array(expected) and got.ndim > 1
            and got.shape == expected.shape):
        with np.errstate(all="ignore"):
            bad = got != expected
        return _array_diff(got.astype(float), expected.astype(float), bad, path)
    n, m = len(expected), len(got)
    k = min(n, m)
    if _numeric_array(got) and _numeric_array(expected) and got.ndim == expected.ndim == 1:
        with np.errstate(all="ignore"):
            bad = np.flatnonzero(got[:k] != expected[:k]).tolist()
    else:
        bad = [j for j in range(k) if not eq(got[j], expected[j])]
    parts = []
    if n != m:
        parts.append((f"at {_where(path)}: " if path else "")
                     + f"expected {n:,} items, got {m:,}")
    if bad:
        i = bad[0]
        inner = None
        if _kind(got[i]) == _kind(expected[i]) and not _is_scalar(expected[i]):
            inner = _find(got[i], expected[i], eq, path + [("index", i)])
        if inner:
            parts.append(inner)
        elif (not path and n == m <= _LONG and all(map(_is_scalar, expected))
              and show(expected[i]) != show(got[i])
              and len(show(expected)) <= 60 and len(show(got)) <= 60):
            parts.append(f"expected {show(expected)}, got {show(got)}; "
                         f"first difference at index {i}")
        else:
            win_e, win_g = _windows(got, expected, i)
            parts.append(f"first difference at {_where(path + [('index', i)])}: "
                         f"expected {win_e}, got {win_g}")
        if max(n, m) > _LONG:
            parts.append(f"{len(bad):,} of {k:,} positions {_differ(len(bad))}"
                         + _largest(got, expected, bad))
    elif n > m:
        parts.append(f"the first {m:,} agree, then {n - m:,} are missing: "
                     f"{show(list(expected[m:m + 3]), items=3, width=60)}")
    elif m > n:
        parts.append(f"the first {n:,} agree, then come {m - n:,} extra: "
                     f"{show(list(got[n:n + 3]), items=3, width=60)}")
    return "; ".join(parts)


def _array_diff(got, expected, bad, path=(), bound=None) -> str:
    """Where two float arrays of one shape differ (``bad`` marks the positions)."""
    __tracebackhide__ = True
    first = tuple(int(x) for x in np.argwhere(bad)[0])
    count = int(np.count_nonzero(bad))
    at = ("index", first[0] if got.ndim == 1 else first)
    row, i = first[:-1], first[-1]
    e_row, g_row = expected[row].tolist(), got[row].tolist()
    if got.ndim == 1 and got.size <= _LONG and show(e_row[i]) != show(g_row[i]) and not path:
        text = (f"expected {show(e_row)}, got {show(g_row)}; first difference at index {i}")
    else:
        win_e, win_g = _windows(g_row, e_row, i)
        text = (f"first difference at {_where(list(path) + [at])}: expected {win_e}, "
                f"got {win_g}")
    with np.errstate(all="ignore"):
        gap = np.abs(got - expected)
    gap = np.where(bad & np.isfinite(gap), gap, -1.0)
    if got.size > _LONG:
        text += f"; {count:,} of {got.size:,} values {_differ(count)}"
        if gap.max() >= 0:
            j = tuple(int(x) for x in np.unravel_index(int(np.argmax(gap)), gap.shape))
            text += f", the largest by {_num(gap.max(), 3)} (at index " \
                    f"{j[0] if got.ndim == 1 else j})"
    elif bound is not None and gap[first] >= 0:
        text += f" (off by {_num(gap[first], 3)})"
    return text


def _map_diff(got, expected, eq, path) -> str:
    __tracebackhide__ = True
    missing = [k for k in expected if k not in got]
    extra = [k for k in got if k not in expected]
    differ = [k for k in expected if k in got and not eq(got[k], expected[k])]
    if not missing and not extra and len(differ) == 1:
        k = differ[0]
        inner = _find(got[k], expected[k], eq, path + [("key", k)])
        if inner:
            return inner
    names = lambda ks: ", ".join(show(k, width=40) for k in ks[:6]) + (  # noqa: E731
        f" and {len(ks) - 6} more" if len(ks) > 6 else "")
    parts = []
    if missing:
        parts.append(f"missing key{'s' if len(missing) > 1 else ''} {names(missing)}")
    if extra:
        parts.append(f"unexpected key{'s' if len(extra) > 1 else ''} {names(extra)}")
    if differ:
        small = dict(items=3, width=30)
        shown = []
        for k in differ[:4]:
            e, g = _pair(expected[k], got[k], **small)
            shown.append(f"{show(k, width=40)} (expected {e}, got {g})")
        more = f", and {len(differ) - 4} more" if len(differ) > 4 else ""
        verb = "keys differ" if len(differ) > 1 else "key differs"
        parts.append(f"{len(differ)} {verb}: {', '.join(shown)}{more}")
    return (f"at {_where(path)}: " if path else "") + "; ".join(parts)


def _set_diff(got, expected, path) -> str:
    __tracebackhide__ = True
    missing, extra = list(expected - got), list(got - expected)
    parts = []
    if missing:
        parts.append(f"missing {show(set(missing), items=5, width=60)}")
    if extra:
        parts.append(f"unexpected {show(set(extra), items=5, width=60)}")
    return (f"at {_where(path)}: " if path else "") + "; ".join(parts)


def _str_diff(got: str, expected: str, path) -> str:
    __tracebackhide__ = True
    loc = f"at {_where(path)}: " if path else ""
    k = min(len(got), len(expected))
    j = next((c for c in range(k) if got[c] != expected[c]), None)
    if j is None:
        return (f"{loc}expected {len(expected):,} characters, got {len(got):,}; the first "
                f"{k:,} agree")

    def snip(s):
        lo, hi = max(0, j - 20), min(len(s), j + 20)
        return ("..." if lo else "") + repr(s[lo:hi]) + ("..." if hi < len(s) else "")

    return f"{loc}first difference at character {j}: expected {snip(expected)}, got {snip(got)}"


def _find(got, expected, eq, path):
    """A description of the first difference inside two containers, or None."""
    __tracebackhide__ = True
    kg, ke = _kind(got), _kind(expected)
    if kg == ke == "mapping":
        return _map_diff(got, expected, eq, path)
    if kg == ke == "sequence":
        return _seq_diff(got, expected, eq, path)
    if kg == ke == "set":
        return _set_diff(got, expected, path)
    if kg == ke == "str" and max(len(got), len(expected)) > 40:
        return _str_diff(got, expected, path)
    if path:
        e, g = _pair(expected, got, items=4, width=40)
        return f"at {_where(path)}: expected {e}, got {g}{_type_note(got, expected)}"
    return None


def difference(got, expected, eq) -> str:
    """The sentence that says how ``got`` differs from ``expected``; ``eq(a, b)`` says
    whether two items are the same (the check's own equality)."""
    __tracebackhide__ = True
    try:
        found = _find(got, expected, eq, [])
    except Exception:  # an answer whose len or indexing raises: show the values instead
        found = None
    if found:
        return _sentence(_capital(found))
    e, g = _pair(expected, got)
    return f"Expected {e}, got {g}{_type_note(got, expected)}."
