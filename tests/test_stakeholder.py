"""m06's support code: the recomputed diagnostic study, the model-card export, the
plain-language checks, the figures and the explorer."""

import ipywidgets as W
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint  # noqa: E402

from course.communicate import plain_problems, reading_grade, undefined_terms  # noqa: E402
from course.data.diagnostic import OPTIONS, newcombe, run_study, wilson  # noqa: E402
from course.modelcard import SECTIONS, render, to_card  # noqa: E402
from course.plots.stakeholder import icon_array, options_chart  # noqa: E402
from course.widgets import NotBuiltWhileGrading  # noqa: E402
from course.widgets.stakeholder import frequency_explorer  # noqa: E402


@pytest.fixture(scope="module")
def study():
    return run_study(2000, seed=5)


def test_wilson_is_statsmodels_wilson():
    for x, n in [(0, 10), (3, 90), (52, 90), (500, 1000)]:
        assert wilson(x, n) == pytest.approx(proportion_confint(x, n, method="wilson"), abs=1e-12)
        assert all(isinstance(v, float) for v in wilson(x, n))
    with pytest.raises(ValueError):
        wilson(0, 0)


def test_newcombe_calls_statsmodels_the_right_way_and_matches_the_paper():
    d, lo, hi = newcombe(56, 70, 48, 80)
    # Newcombe (Stat. Med. 1998), Table II, example (a): 56/70 - 48/80, method 10 (hybrid
    # score, no continuity correction): 0.0524 to 0.3339. A wrong call would miss it: the
    # groups swapped give -0.3339 to -0.0524, compare="ratio" an interval around 1.33.
    assert d == pytest.approx(0.2)
    assert (lo, hi) == pytest.approx((0.0524, 0.3339), abs=5e-4)
    assert newcombe(48, 80, 56, 70) == pytest.approx((-0.2, -hi, -lo))
    assert (lo, hi) == pytest.approx(confint_proportions_2indep(56, 70, 48, 80, compare="diff",
                                                                method="newcomb"), abs=1e-12)
    with pytest.raises(ValueError):
        newcombe(1, 0, 1, 2)


def test_study_measures_every_option_with_ordered_intervals(study):
    o = study.options
    assert list(o.index) == list(OPTIONS)
    for m, lo, hi in [("accuracy", "accuracy_low", "accuracy_high"), ("gap", "gap_low", "gap_high"),
                      ("miss_b", "miss_b_low", "miss_b_high"), ("fpr_b", "fpr_b_low", "fpr_b_high"),
                      ("latency", "latency_low", "latency_high")]:
        assert (o[lo] <= o[m] + 1e-12).all() and (o[m] <= o[hi] + 1e-12).all(), m
    # group rows agree with the option rows
    g = study.groups
    for name in OPTIONS:
        assert o.loc[name, "gap"] == pytest.approx(g.loc[(name, "A"), "tpr"] - g.loc[(name, "B"), "tpr"])
        assert o.loc[name, "miss_b"] == pytest.approx(1 - g.loc[(name, "B"), "tpr"])
    # only the second reader waits for a person
    assert o.loc["second reader", "latency"] > 1000 > o.loc["baseline", "latency"]


def test_course_holds_no_answer_of_m05():
    # m05's learners write reweighing and equal-opportunity thresholds themselves
    import course.data.diagnostic as diagnostic

    for name in ("_reweigh", "_eo_thresholds", "reweigh", "equal_opportunity"):
        assert not hasattr(diagnostic, name), name


def test_group_thresholds_come_from_threshold_optimizer(study):
    assert set(study.thresholds) == {"A", "B"}
    for t in study.thresholds.values():
        assert t["p0"] + t["p1"] == pytest.approx(1.0)
        assert 0 <= t["p0"] <= 1 and 0 <= t["p1"] <= 1


def test_study_is_seeded_and_group_thresholds_narrow_the_gap():
    a, b = run_study(2000, seed=9), run_study(2000, seed=9)
    assert a.options.equals(b.options)
    big = run_study(seed=20261128)
    assert big.options.loc["group thresholds", "gap"] < big.options.loc["baseline", "gap"]


@pytest.mark.parametrize("kwargs", [{"reader_accuracy": 1.5}, {"band": (0.6, 0.3)},
                                    {"n": 100}])
def test_study_refuses_bad_configuration(kwargs):
    with pytest.raises(ValueError):
        run_study(**{"n": 2000, **kwargs})


def test_card_has_the_nine_sections_in_order():
    sections = {s: f"text of {s}" for s in SECTIONS}
    md = render(sections)
    positions = [md.index(f"# {s}") for s in SECTIONS]
    assert positions == sorted(positions)
    assert to_card(sections) is not None
    with pytest.raises(ValueError):
        render({s: "x" for s in SECTIONS[:-1]})
    with pytest.raises(ValueError):
        render({**sections, "Metrics": "  "})
    with pytest.raises(TypeError):
        render(["Model details"])


def test_undefined_terms_and_readability():
    assert undefined_terms("The TPR (share of sick patients found) rose; TPR fell.") == []
    assert undefined_terms("Group thresholds (one cut-off per group) help.") == []
    assert undefined_terms("The thresholds moved.") == ["threshold"]
    assert undefined_terms("No jargon at all.") == []
    with pytest.raises(TypeError):
        undefined_terms(3)
    easy = "The model misses 1 in 3 sick people. We can fix it. It costs a day."
    hard = ("Notwithstanding considerable heterogeneity, the disaggregated evaluation "
            "demonstrates statistically indistinguishable discrimination characteristics.")
    assert reading_grade(easy) < 6 < 12 < reading_grade(hard)
    assert plain_problems(easy) == []
    assert any("grade" in p for p in plain_problems(hard))


def test_figures_return_their_axes(study):
    ax = icon_array(0.31, 0.22, 0.41)
    assert ax.get_title().startswith("31 in 100")
    ax = options_chart(study.options, chosen="group thresholds", limit=0.2)
    assert len(ax.texts) >= len(OPTIONS)
    plt.close("all")


def test_explorer_builds_for_a_person_and_steps_aside_while_grading(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    seen = []
    box = frequency_explorer(lambda r, lo, hi: seen.append((r, lo, hi)) or "said")
    assert isinstance(box, W.VBox) and seen and seen[0][0] == pytest.approx(28 / 90)
    plt.close("all")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert isinstance(frequency_explorer(), NotBuiltWhileGrading)
