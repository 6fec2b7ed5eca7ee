"""The check helpers: silent on success, one readable sentence on failure."""

import numpy as np
import pytest

from course import check
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
    with pytest.raises(CheckFailed, match="missing keys"):
        check.keys({"a": 1}, ["a", "b"], what="the record")
    with pytest.raises(CheckFailed, match="finite"):
        check.finite([1.0, np.nan], what="the rates")


def test_done_prints_to_stdout_only(capsys):
    check.done("ok")
    out, err = capsys.readouterr()
    assert "ok" in out and err == ""


def test_show_cuts_long_values():
    assert len(check.show(list(range(1000)))) < 100
    assert "shape=(3,)" in check.show(np.zeros(3))
