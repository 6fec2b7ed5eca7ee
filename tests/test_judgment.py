"""Decisions and traced numbers: the two helpers of every module's decision exercise."""

import numpy as np
import pytest

from course import check
from course.check import CheckFailed
from course.judgment import HOLD, Constraint, Decision, Objective, Trigger, problems
from course.trace import Measured, explain, numbers_in, untraced

OPTIONS = {"A": {"asr": 0.08, "frr": 0.019}, "B": {"asr": 0.03, "frr": 0.035},
           "C": {"asr": 0.09, "frr": 0.010}, "D": {"asr": 0.20, "frr": 0.019}}
BUDGET = [Constraint("frr", "<=", 0.02, name="false-refusal budget")]
MIN_ASR = Objective("asr", "min")


def test_every_defensible_decision_passes():
    best = Decision("A", "false-refusal budget", {"asr": 0.08, "frr": 0.019},
                    ("frr", ">", 0.02))
    margin = Decision("C", "frr", {"asr": 0.09, "frr": 0.010}, Trigger("asr", ">", 0.1))
    assert problems(best, OPTIONS, BUDGET, MIN_ASR) == []
    assert problems(margin, OPTIONS, BUDGET, MIN_ASR) == []
    check.decision(best, OPTIONS, BUDGET, MIN_ASR, what="the choice")


@pytest.mark.parametrize("wrong, phrase", [
    (Decision("D", "frr", {"asr": 0.2}, ("asr", ">", 0.3)), "dominated by 'A'"),
    (Decision("B", "none", {"asr": 0.03}, ("asr", ">", 0.1)), "breaks false-refusal budget"),
    (Decision("A", "none", {"asr": 0.08}, ("frr", ">", 0.03)), "binding constraint"),
    (Decision("A", "frr", {"asr": 0.07}, ("frr", ">", 0.03)), "measured 0.08"),
    (Decision("A", "frr", {"asr": 0.08}, ("frr", ">", 0.01)), "already fired"),
    (Decision("A", "frr", {"asr": 0.08}, ("latency", ">", 0.01)), "not a metric here"),
    (Decision(HOLD, "frr", {"asr": 0.08}, ("asr", "<", 0.05)), "holding is not"),
])
def test_indefensible_decisions_are_named(wrong, phrase):
    found = problems(wrong, OPTIONS, BUDGET, MIN_ASR)
    assert any(phrase in p for p in found), found
    with pytest.raises(CheckFailed):
        check.decision(wrong, OPTIONS, BUDGET, MIN_ASR, what="the choice")


def test_no_feasible_option_means_hold():
    limits = BUDGET + [Constraint("asr", "<=", 0.05, name="attack ceiling")]
    least_bad = Decision("A", "attack ceiling", {"asr": 0.08}, ("asr", "<", 0.05))
    assert "hold and escalate" in problems(least_bad, OPTIONS, limits, MIN_ASR)[0]
    hold = Decision("hold", "attack ceiling", {"asr": 0.08}, ("asr", "<", 0.05))
    assert problems(hold, OPTIONS, limits, MIN_ASR) == []


def test_bad_decisions_get_clear_errors():
    with pytest.raises(TypeError, match="trigger"):
        Decision("A", "frr", {}, "when asr rises")
    with pytest.raises(ValueError, match="direction"):
        Trigger("asr", "rises", 0.1)
    with pytest.raises(ValueError, match="finite"):
        Trigger("asr", ">", float("nan"))
    with pytest.raises(TypeError, match="evidence"):
        Decision("A", "frr", [0.1], ("asr", ">", 0.1))
    assert problems("A", OPTIONS, BUDGET, MIN_ASR)[0].startswith("the answer should be")


def test_numbers_are_read_as_written():
    found = numbers_in("At 1,593 records, -0.4 pt, 0.41 vs .37 and 3x, p95 is 95% CI "
                       "(Obermeyer et al. 2019), about 1 in 7, budget 2%", given=[0.02])
    assert [n.text for n in found] == ["1,593", "-0.4 pt", "0.41", ".37", "3x", "1 in 7"]
    assert found[2].step == 0.005 and found[1].percent


def test_untraced_numbers_and_missing_intervals_are_named():
    m = Measured()
    m.add("frr", 0.0192, interval=(0.012, 0.030))
    ns = {"gain": 3.04, "scores": np.linspace(0, 1, 5000), "_hidden": 0.77}
    assert untraced("False refusals are 1.9% (1.2% to 3.0%); 3x better.", m, ns) == []
    found = untraced("False refusals are 1.9%. Scores reach 0.77, 3x better.", m, ns)
    assert any("give the interval" in p for p in found)
    assert any("'0.77'" in p for p in found)  # big arrays and private names do not trace
    assert untraced("No numbers here.", m, ns)[0].startswith("the answer cites 0")
    assert list(explain("1.9% (1.2% to 3.0%)", m)["traces to"])[0] == "frr"
    with pytest.raises(CheckFailed, match="trace"):
        check.traced("0.5 and 0.7", namespace={"a": 0.5})
    with pytest.raises(ValueError):
        m.add("bad", float("nan"))


def test_a_given_constant_hides_only_its_own_number():
    assert [n.text for n in numbers_in("appetite 1%, measured 0.01%", given=[0.01])] == ["0.01%"]
    assert numbers_in("a 50 ms budget, 95% of throughput", given=[50, 0.95]) == []
