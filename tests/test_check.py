"""The check helpers: silent on success, one readable sentence on failure."""

import numpy as np
import pytest

from course import check, messages
from course.check import CheckFailed


def test_close_passes_and_fails_with_values_in_the_message(capsys):
    check.close(0.1 + 0.2, 0.3, what="a sum")
    check.close([1.0, 2.0], np.array([1.0, 2.0]), what="a pair")
    with pytest.raises(CheckFailed, match=r"the rate\. Expected 0\.5, got 0\.25"):
        check.close(0.25, 0.5, what="the rate")
    with pytest.raises(CheckFailed, match="wrong shape"):
        check.close([1.0], [1.0, 2.0], what="the interval")
    with pytest.raises(CheckFailed, match="expected a number"):
        check.close("0.5", 0.5, what="the rate")
    with pytest.raises(CheckFailed):
        check.close(True, 1.0, what="a boolean is not a rate")
    assert capsys.readouterr() == ("", "")


def test_close_relative_tolerance():
    check.close(101.0, 100.0, what="x", rel=0.02)
    with pytest.raises(CheckFailed):
        check.close(103.0, 100.0, what="x", rel=0.02)


def test_equal_rejects_an_object_that_equals_everything():
    class AlwaysEqual:
        def __eq__(self, other):
            return True

    for expected in (3, "B", [1, 2], {"a": 1}, True, None, (1, 2)):
        with pytest.raises(CheckFailed):
            check.equal(AlwaysEqual(), expected, what="the answer")
    with pytest.raises(CheckFailed):
        check.equal([AlwaysEqual(), AlwaysEqual()], [1, 2], what="the list")


def test_equal_compares_structures():
    check.equal({"A": "x", "B": None}, {"B": None, "A": "x"}, what="a dict")
    check.equal((1, 2), [1, 2], what="a tuple against a list")
    check.equal(np.int64(3), 3, what="a numpy integer")
    with pytest.raises(CheckFailed):
        check.equal(1, True, what="an int is not a bool")
    with pytest.raises(CheckFailed):
        check.equal({"A": 1}, {"A": 1, "B": 2}, what="a dict missing a key")


def test_pattern_is_named_in_the_message():
    with pytest.raises(CheckFailed, match=r"P1 \(safety as an afterthought\)"):
        check.that(False, "controls sit before the output", pattern="P1")
    with pytest.raises(ValueError):
        check.that(False, "x", pattern="P9")


def test_raises():
    check.raises(ValueError, int, "x", what="int('x')")
    check.raises((TypeError, ValueError), int, None, what="int(None)")
    with pytest.raises(CheckFailed, match="should raise ValueError, but it raised nothing"):
        check.raises(ValueError, int, "3", what="int('3')")
    with pytest.raises(CheckFailed, match="but it raised TypeError"):
        check.raises(ValueError, int, None, what="int(None)")
    # an unanswered exercise says so rather than failing the check
    def stub():
        raise NotImplementedError("not yet")
    with pytest.raises(NotImplementedError):
        check.raises(ValueError, stub, what="the stub")
    assert check.raises(ValueError, int, "x", what="x") is None


def test_is_instance_keys_finite():
    check.is_instance((1, 2), tuple, length=2, what="the interval")
    with pytest.raises(CheckFailed, match="should be a tuple, not a list"):
        check.is_instance([1, 2], tuple, what="the interval")
    with pytest.raises(CheckFailed, match="2 items"):
        check.is_instance((1,), tuple, length=2, what="the interval")
    check.keys({"a": 1, "b": 2}, ["a"], what="the record")
    with pytest.raises(CheckFailed, match=r"missing key 'b' \(its keys: 'a'\)"):
        check.keys({"a": 1}, ["a", "b"], what="the record")
    with pytest.raises(CheckFailed, match="missing keys 'b', 'c'"):
        check.keys({"a": 1}, ["a", "b", "c"], what="the record")
    with pytest.raises(CheckFailed, match="finite"):
        check.finite([1.0, np.nan], what="the rates")


def test_done_prints_to_stdout_only(capsys):
    check.done("ok")
    out, err = capsys.readouterr()
    assert "ok" in out and err == ""


def test_show_cuts_long_values():
    assert len(check.show(list(range(1000)))) < 100
    assert "shape=(3,)" in check.show(np.zeros(3))


# --- messages a learner can act on (issue 14, section 3) ----------------------------------

import inspect  # noqa: E402
import re  # noqa: E402
import warnings  # noqa: E402


def _message(fn, *args, **kwargs) -> str:
    with pytest.raises(CheckFailed) as info:
        fn(*args, **kwargs)
    return str(info.value)


def test_long_lists_show_the_first_difference_with_a_window_and_a_summary():
    expected = [round(0.01 * i, 2) for i in range(1593)]
    got = list(expected)
    got[412] = 4.13       # expected 4.12
    got[900] = 9.04       # expected 9.0
    for a, e in ((got, expected), (tuple(got), tuple(expected)),
                 (np.array(got), np.array(expected))):
        for fn in (check.equal, check.close):
            msg = _message(fn, a, e, what="the scores")
            assert "First difference at index 412: expected " in msg, msg
            assert "4.1, 4.11, 4.12, 4.13, 4.14" in msg, msg      # expected's window
            assert "4.1, 4.11, 4.13, 4.13, 4.14" in msg, msg      # got's window
            assert "..., " in msg and ", ..." in msg
            assert "2 of 1,593" in msg and "the largest by 0.04 (at index 900)" in msg, msg
            assert "0.0, 0.01, 0.02" not in msg          # no identical 8-item prefix
            assert len(msg) < 400


def test_short_and_nested_differences_are_located():
    assert "Expected [1, 2, 3], got [1, 3, 2]; first difference at index 1." in \
        _message(check.equal, [1, 3, 2], [1, 2, 3], what="the order")
    msg = _message(check.equal, [{"hazard": "A", "severity": 2}, {"hazard": "B", "severity": 3}],
                   [{"hazard": "A", "severity": 2}, {"hazard": "B", "severity": 4}],
                   what="the register")
    assert "At [1]['severity']: expected 4, got 3." in msg
    msg = _message(check.equal, list(range(30)), list(range(32)), what="the ids")
    assert "Expected 32 items, got 30; the first 30 agree, then 2 are missing: [30, 31]" in msg
    matrix = np.ones((30, 40))
    wrong = matrix.copy()
    wrong[3, 4], wrong[20, 7] = 2.0, 5.0
    msg = _message(check.close, wrong, matrix, what="the matrix")
    assert "First difference at index (3, 4)" in msg and "2 of 1,200 values differ" in msg
    assert "the largest by 4.0 (at index (20, 7))" in msg
    # floats that print alike are shown with the digits that tell them apart
    msg = _message(check.equal, 0.1 + 0.2, 0.3, what="the sum")
    assert "Expected 0.3, got 0.30000000000000004" in msg


def test_dicts_name_the_keys_that_differ():
    msg = _message(check.equal, {"tpr": 0.75, "fpr": 0.2, "n": 10},
                   {"tpr": 0.8, "fpr": 0.1, "n": 10}, what="the report")
    assert "2 keys differ: 'tpr' (expected 0.8, got 0.75), 'fpr' (expected 0.1, got 0.2)" in msg
    msg = _message(check.equal, {"a": 1, "b": 2}, {"a": 1, "c": 2}, what="the record")
    assert "Missing key 'c'; unexpected key 'b'." in msg
    assert "At key 'tpr': expected 0.8, got 0.75." in _message(
        check.equal, {"tpr": 0.75, "n": 1}, {"tpr": 0.8, "n": 1}, what="the report")


def test_close_says_by_how_much_a_near_miss_misses():
    msg = _message(check.close, 0.50001, 0.5, what="the rate", rel=1e-6)
    assert "Expected 0.5, got 0.50001 (off by 1e-05; the tolerance is 5.1e-07)." in msg
    # NaN matches only NaN, an infinity only the same infinity
    check.close([np.nan, np.inf], [np.nan, np.inf], what="x")
    with pytest.raises(CheckFailed):
        check.close([np.nan], [np.inf], what="x")
    with pytest.raises(CheckFailed):
        check.close([-np.inf], [np.inf], what="x")


NUMPY_REPR = re.compile(r"np\.|numpy\.(float|int|uint|bool|complex|str)\w*\(|float64\(|int64\(")


def test_no_numpy_reprs_in_messages():
    cases = [
        (check.equal, np.float64(0.30), 0.31), (check.equal, np.int64(2082), 2083),
        (check.equal, np.True_, False), (check.equal, [np.float64(0.1), np.int64(2)], [0.2, 2]),
        (check.equal, {"a": np.float64(0.5)}, {"a": 0.25}), (check.close, np.float32(0.3), 0.4),
        (check.equal, np.array([np.int64(1)] * 20), np.arange(20)),
    ]
    for fn, got, expected in cases:
        msg = _message(fn, got, expected, what="the value")
        assert not NUMPY_REPR.search(msg), msg
    assert check.show(np.float64(0.3)) == "0.3"
    assert check.show(np.int64(2082)) == "2082"
    assert check.show(np.True_) == "True"
    assert check.show([np.float64(0.1), np.int64(2), np.bool_(False)]) == "[0.1, 2, False]"


def _numpy_scalars():
    seen = {}
    for t in set(np.sctypeDict.values()):
        for raw in (1, "1", b"1"):
            try:
                value = t(raw)
            except Exception:
                continue
            if isinstance(value, np.generic):  # np.object_(1) is a Python int
                seen[t] = value
                break
    return seen


def test_is_instance_names_every_numpy_scalar_type_and_its_conversion():
    scalars = _numpy_scalars()
    assert len(scalars) > 15
    for t, value in scalars.items():
        for target in (bool, int, float, complex, str, list):
            if isinstance(value, target):
                continue
            msg = _message(check.is_instance, value, target, what="the answer")
            name = target.__name__
            assert re.search(rf"should be an? {name}, not an? numpy\.\w+", msg), msg
            got_name = re.search(r"not an? (numpy\.\w+)", msg).group(1)
            assert got_name != name and got_name != f"numpy.{name}" or t is np.bool_, msg
            assert not NUMPY_REPR.search(msg.replace(got_name, "")), msg
    msg = _message(check.is_instance, np.True_, bool, what="filter_at_the_end(tiny)")
    assert "should be a bool, not a numpy.bool_" in msg and "`bool(x)` converts" in msg
    assert "not a bool" not in msg
    assert "`int(x)` converts" in _message(check.is_instance, np.int64(3), int, what="x")
    assert "should be an int, not a numpy.int64" in _message(check.is_instance, np.int64(3),
                                                             int, what="x")
    assert "`float(x)` converts" in _message(check.is_instance, np.float32(3), float, what="x")
    assert "`x.tolist()`" in _message(check.is_instance, np.arange(3), list, what="x")
    check.is_instance(np.float64(0.5), float, what="a numpy float64 is a float")


def test_hints_end_with_one_full_stop_before_the_pattern():
    for hint in ("clip each value", "clip each value.", "clip each value. ", "see `f(x)`."):
        msg = _message(check.that, False, "the noise scale", hint=hint, pattern="P2")
        assert re.search(r"Hint: [^.]*(\.[^.\s][^.]*)*\. This repeats interview pattern P2", msg), msg
        assert ".." not in msg, msg
    msg = _message(check.equal, 1, 2, what="x", hint="why?")
    assert msg.endswith("Hint: why?")
    assert _message(check.that, False, "the gate is first.") == \
        "Check failed: the gate is first."


CHECKS = [(mod, name) for mod in (check, messages) for name, fn in vars(mod).items()
          if inspect.isfunction(fn) and fn.__module__ == mod.__name__
          and name not in ("done", "is_number", "_numeric_array", "_is_scalar", "_differ",
                           "_capital")]


@pytest.mark.parametrize("mod, name", CHECKS)
def test_every_check_function_hides_its_frame(mod, name):
    assert "__tracebackhide__" in getattr(mod, name).__code__.co_varnames


def test_existing_signatures_are_kept():
    sig = {n: list(inspect.signature(getattr(check, n)).parameters) for n in check.__all__
           if inspect.isfunction(getattr(check, n))}
    assert sig["equal"] == ["actual", "expected", "what", "hint", "pattern"]
    assert sig["close"] == ["actual", "expected", "what", "tol", "rel", "hint", "pattern"]
    assert sig["is_instance"] == ["value", "types", "what", "length", "hint"]
    assert sig["raises"] == ["exception", "fn", "args", "what", "hint", "kwargs"]
    assert sig["fail"][:6] == ["what", "expected", "got", "hint", "pattern", "_has_values"]
    assert sig["call"] == ["fn", "args", "what", "kwargs"]


def test_call_returns_the_result_or_names_the_input_that_broke_it():
    assert check.call(sorted, [3, 1, 2], what="sorted(...)") == [1, 2, 3]
    assert check.call(dict, a=1) == {"a": 1}

    def suspicion_scores(X, labels, n_splits=5):
        return np.array([0.0, 1.0])[labels]

    labels = np.array([1, 2, 1, 2, 2])
    with pytest.raises(CheckFailed) as info:
        check.call(suspicion_scores, np.zeros((5, 3)), labels, what="suspicion_scores(...)")
    msg = str(info.value)
    assert msg.startswith("Check failed: suspicion_scores(...) raised IndexError: index 2 is "
                          "out of bounds")
    assert "on X=array(shape=(5, 3), dtype=float64, [0.0, 0.0, 0.0, ...]), " \
           "labels=array(shape=(5,), dtype=int64, [1, 2, 1, ...])" in msg
    assert "in suspicion_scores, at `return np.array([0.0, 1.0])[labels]`" in msg
    assert "Hint: the exercise statement says what inputs to expect" in msg
    assert "\n" not in msg
    assert info.value.__suppress_context__ and info.value.__cause__ is None
    # the default name, and keyword arguments
    msg = _message(check.call, lambda frame: frame["label"], frame={"text": ["a"]})
    assert "<lambda>(...) raised KeyError: 'label' on frame={'text': ['a']}" in msg

    def stub(x):
        raise NotImplementedError("Replace this line with your answer")

    with pytest.raises(NotImplementedError, match="Replace this line"):
        check.call(stub, 1, what="stub")

    def checks_itself(x):
        check.that(False, "inner check")

    with pytest.raises(CheckFailed, match="inner check"):
        check.call(checks_itself, 1, what="x")


def test_raises_with_the_wrong_exception_says_where():
    def gate(x):
        return [][x]

    msg = _message(check.raises, ValueError, gate, 3, what="gate(3)")
    assert "gate(3) should raise ValueError, but it raised IndexError: list index out of " \
           "range (in gate, at `return [][x]`)." in msg


def test_failures_write_nothing_to_stderr_and_warn_nothing(capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for fn, args in [(check.close, ([np.inf, np.nan, 1.0], [-np.inf, 0.0, 2.0])),
                         (check.close, (np.r_[np.ones(20), np.inf], np.r_[np.ones(20), 2.0])),
                         (check.equal, (np.array([np.nan, 1.0]), np.array([np.nan, 2.0]))),
                         (check.finite, ([np.nan, 1.0],)),
                         (check.call, (lambda x: 1 / 0, 3))]:
            with pytest.raises(CheckFailed):
                fn(*args, what="x")
    assert capsys.readouterr().err == ""


def test_show_survives_a_hostile_value():
    class Hostile:
        def __repr__(self):
            raise RuntimeError("no")

        def __len__(self):
            raise RuntimeError("no")

    assert "Hostile" in check.show(Hostile())
    with pytest.raises(CheckFailed):
        check.equal(Hostile(), [1, 2], what="x")


TRACEBACK_NOTEBOOK = [
    "from course import check\nimport numpy as np",
    "x = [1, 2]\ncheck.equal(x, [1, 3], what='the pair')",
    "def f(labels):\n    return np.array([0.0, 1.0])[labels]\ncheck.call(f, np.array([1, 2]))",
    "check.is_instance(np.True_, bool, what='filter_at_the_end(tiny)')",
    "check.done()",
]


def test_ipython_tracebacks_show_the_learners_line_not_course_check():
    """In a real kernel: the failing line of the cell, then the message; no check.py."""
    import nbformat
    from nbclient import NotebookClient

    from conftest import REPO

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s)
                                         for s in TRACEBACK_NOTEBOOK])
    NotebookClient(nb, timeout=60, allow_errors=True, kernel_name="python3",
                   resources={"metadata": {"path": str(REPO)}}).execute()
    ansi = re.compile(r"\x1b\[[0-9;]*m")
    for cell in nb.cells[1:4]:
        (error,) = [o for o in cell.outputs if o.output_type == "error"]
        text = ansi.sub("", "\n".join(error.traceback))
        assert error.ename == "CheckFailed"
        assert "check.py" not in text and "course/check" not in text, text
        assert "Cell In[" in text and error.evalue in text
        assert not [o for o in cell.outputs if o.get("name") == "stderr"]
    assert "\N{CHECK MARK}" in nb.cells[4].outputs[0].text
