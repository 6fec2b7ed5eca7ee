"""The design format (course.design), the interviewer (course.sim.interviewer) and the
one-page report (course.plots.debrief) of m07-mock-debrief."""

import copy
import dataclasses

import pytest
import yaml

from course.design import (HAZARDS, STAGES, Component, Control, Design, DesignError, Oversight,
                           Rollback, design_from_dict, design_to_dict, describe_metrics,
                           hazards_of, validate)
from course.sim.interviewer import (DesignReview, interview, lint, random_review,
                                    run_scenario)


def _c(name, hazard, stage, metric, threshold, direction, action, where, window=None):
    return Control(name, hazard, stage, metric, threshold, direction, action, "on-call", where,
                   window)


STRONG = [
    _c("label shift", "poisoned_vendor", "data", "label_shift", 0.12, ">", "quarantine", "intake"),
    _c("unseen", "poisoned_vendor", "data", "unseen_token_share", 0.02, ">", "quarantine", "intake"),
    _c("gate", "jailbreak_wave", "input", "input_risk", 0.5, ">", "block", "gateway"),
    _c("band", "jailbreak_wave", "input", "input_risk", 0.15, ">", "review", "gateway"),
    _c("out", "jailbreak_wave", "output", "output_risk", 0.5, ">", "block", "filter"),
    _c("shift", "demographic_drift", "input", "group_input_shift", 4.0, ">", "review", "monitor"),
    _c("in check", "bad_deploy", "input", "input_check_flag", 0.5, ">", "block", "gateway"),
    _c("stream", "bad_deploy", "output", "stream_flag", 0.5, ">", "block", "filter"),
    _c("judge", "bad_deploy", "output", "judge_flag", 0.5, ">", "block", "filter"),
    _c("breaker", "bad_deploy", "deploy", "canary_flag_rate", 0.05, ">", "rollback", "serving", 100),
    _c("shed", "latency_spike", "input", "queue_wait_s", 0.5, ">", "block", "serving"),
    _c("budget", "latency_spike", "output", "check_latency_ms", 500, ">", "block", "filter"),
]


def strong_design():
    comps = [Component(n, k, "p") for n, k in [
        ("intake", "ingestion"), ("gateway", "gateway"), ("model", "model"),
        ("filter", "output_filter"), ("serving", "serving"), ("monitor", "monitor"),
        ("reviewers", "review_queue")]]
    return Design("strong", "triage", comps, copy.deepcopy(STRONG), list(HAZARDS[:5]), list(STAGES),
                  Oversight(150), Rollback("last-good", "release lead"))


def weak_design():
    comps = [Component("model", "model", "answers"), Component("filter", "output_filter", "f"),
             Component("dashboard", "monitor", "m")]
    controls = [
        _c("out", "jailbreak_wave", "output", "output_risk", 0.5, ">", "block", "filter"),
        _c("score", "poisoned_vendor", "output", "output_unsafe_score", 0.5, ">", "block", "filter"),
        _c("judge", "bad_deploy", "output", "judge_flag", 0.5, ">", "block", "filter"),
        _c("complaints", "demographic_drift", "monitoring", "incident_reports", 5, ">=", "page",
           "dashboard"),
        _c("p95", "latency_spike", "monitoring", "p95_latency_ms", 2000, ">", "page", "dashboard")]
    return Design("weak", "triage", comps, controls, list(HAZARDS[:5]), [], Oversight(150), None,
                  rationale="defense in depth, NIST AI RMF, SAIF, robust monitoring")


# ----------------------------------------------------------------------------- the format

def test_valid_design_passes_and_round_trips_through_yaml():
    d = strong_design()
    assert validate(d) is d
    again = design_from_dict(yaml.safe_load(yaml.safe_dump(design_to_dict(d))))
    assert again == d
    assert set(describe_metrics().stage) <= set(STAGES)


@pytest.mark.parametrize("field, change", [
    ("controls[0].threshold", lambda d: setattr(d.controls[0], "threshold", None)),
    ("controls[0].direction", lambda d: setattr(d.controls[0], "direction", "above")),
    ("controls[0].metric", lambda d: setattr(d.controls[0], "metric", "vibes")),
    ("controls[0].stage", lambda d: setattr(d.controls[0], "stage", "output")),
    ("controls[0].action", lambda d: setattr(d.controls[0], "action", "rollback")),
    ("controls[0].where", lambda d: setattr(d.controls[0], "where", "nowhere")),
    ("controls[0].owner", lambda d: setattr(d.controls[0], "owner", "")),
    ("controls[0].hazard", lambda d: setattr(d.controls[0], "hazard", "jailbreak_wave")),
    ("controls[9].action", lambda d: setattr(d, "rollback", None)),
    ("components[0].kind", lambda d: setattr(d.components[0], "kind", "blockchain")),
    ("hazards[0]", lambda d: d.hazards.insert(0, "asteroid")),
    ("audit_points[0]", lambda d: d.audit_points.insert(0, "vibes")),
    ("oversight.reviews_per_day", lambda d: setattr(d.oversight, "reviews_per_day", -1)),
])
def test_invalid_design_names_the_field(field, change):
    d = strong_design()
    change(d)
    with pytest.raises(DesignError) as err:
        validate(d)
    assert str(err.value).startswith(field), str(err.value)


def test_from_dict_names_an_unknown_key():
    spec = design_to_dict(strong_design())
    spec["controls"][1]["treshold"] = 0.1
    with pytest.raises(DesignError, match=r"controls\[1\]\.treshold"):
        design_from_dict(spec)


def test_hazards_of_adds_the_federated_client_only_when_federating():
    d = strong_design()
    assert "malicious_client" not in hazards_of(d)
    d.components.append(Component("fed", "federation", "hospitals"))
    assert "malicious_client" in hazards_of(d)


# ----------------------------------------------------------------------------- the interviewer

def test_weak_design_fails_visibly_and_strong_design_holds():
    weak = interview(weak_design(), seeds=(0,))
    failed = {o.scenario for o in weak.outcomes if not o.contained}
    assert {"poisoned_vendor", "jailbreak_wave", "demographic_drift"} <= failed
    assert set(weak.problems["late_only"]) == set(HAZARDS[:5])
    assert any("sits at the output" in line for line in weak.transcript)
    strong = interview(strong_design(), seeds=(0, 1))
    assert strong.contained, strong.table
    assert not any(strong.problems.values())
    layers = {o.scenario: o.layer for o in strong.outcomes if o.seed == 0}
    assert layers["poisoned_vendor"] == "data" and layers["jailbreak_wave"] == "input"


def test_rationale_is_never_read():
    d = weak_design()
    stuffed = copy.deepcopy(d)
    stuffed.rationale = "quarantine input gate circuit breaker group_input_shift " * 50
    a, b = interview(d, seeds=(0,)), interview(stuffed, seeds=(0,))
    assert a.table.drop(columns="seed").equals(b.table.drop(columns="seed"))


def test_same_seed_same_outcome_and_seeds_differ():
    o1 = run_scenario(STRONG, "bad_deploy", 3)
    o2 = run_scenario(STRONG, "bad_deploy", 3)
    assert o1.row() == o2.row()
    vendors = {run_scenario(STRONG, "poisoned_vendor", s).evidence[0]["target"] for s in range(4)}
    assert len(vendors) > 1


def test_thresholds_are_run_not_matched():
    """The same controls with a threshold no batch reaches stop containing the poison."""
    loose = [dataclasses.replace(c, threshold=0.99) for c in STRONG[:2]]
    assert run_scenario(STRONG[:2], "poisoned_vendor", 1).contained
    assert not run_scenario(loose, "poisoned_vendor", 1).contained


def test_no_incident_counts_false_alarms():
    twitchy = [_c("z", "demographic_drift", "input", "group_input_shift", 0.5, ">", "page", "m")]
    q = run_scenario(twitchy, "demographic_drift", 2, incident=False)
    assert q.harm == 0 and q.false_alarms > 5
    noisy = [_c("l", "poisoned_vendor", "data", "label_shift", 0.01, ">", "quarantine", "i")]
    assert run_scenario(noisy, "poisoned_vendor", 2, incident=False).cost["false_quarantines"] > 0


def test_reviewer_overflow_is_released_unreviewed():
    review_all = [_c("r", "jailbreak_wave", "input", "input_risk", 0.0, ">=", "review", "g")]
    few = run_scenario(review_all, "jailbreak_wave", 0, oversight=Oversight(20))
    many = run_scenario(review_all, "jailbreak_wave", 0, oversight=Oversight(1000))
    assert few.overflow > 0 and few.harm > many.harm == 0
    assert any("reviewers can do" in line for line in
               interview(Design("x", "y", [Component("g", "gateway", ""),
                                           Component("m", "model", "")],
                                review_all, ["jailbreak_wave"], ["input"], Oversight(20)),
                         seeds=(0,)).transcript)


def test_fail_open_budget_leaks_under_the_spike():
    closed = STRONG[6:]
    opened = STRONG[6:11] + [_c("budget", "latency_spike", "output", "check_latency_ms", 150,
                                ">", "release", "filter")]
    harm_open = sum(run_scenario(opened, "latency_spike", s).harm for s in (131, 132))
    harm_closed = sum(run_scenario(closed, "latency_spike", s).harm for s in (131, 132))
    assert harm_open > harm_closed


def test_federated_client_runs_only_when_federating_and_norm_filter_contains_it():
    d = strong_design()
    d.components.append(Component("fed", "federation", "hospitals"))
    d.hazards.append("malicious_client")
    naked = interview(d, seeds=(0,))
    assert "malicious_client" in naked.problems["uncontrolled"]
    assert not next(o for o in naked.outcomes if o.scenario == "malicious_client").contained
    d.controls.append(_c("norm", "malicious_client", "training", "update_norm_ratio", 3.0, ">",
                         "exclude", "fed"))
    o = run_scenario(d, "malicious_client", 0)
    assert o.contained and o.layer == "training"


def test_lint_flags_a_decorative_component():
    d = strong_design()
    d.components.append(Component("ledger", "other", "a blockchain"))
    assert lint(d)["purpose"] == ["ledger"]


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="scenario"):
        run_scenario(STRONG, "asteroid", 0)
    with pytest.raises(TypeError, match="seed"):
        run_scenario(STRONG, "bad_deploy", 1.5)
    with pytest.raises(DesignError, match=r"controls\[0\]"):
        run_scenario(["not a control"], "bad_deploy", 0)


def test_random_review_is_seeded_and_well_formed():
    a, b = random_review(3), random_review(3)
    assert a == b and isinstance(a, DesignReview)
    for r in a.runs.values():
        assert len(r["contained"]) == len(r["load_ratio"]) == len(r["latency_ms"])
        assert all(0 <= x <= 1 for x in r["contained"])


# ----------------------------------------------------------------------------- the report

def test_report_is_one_html_page_with_the_figure(tmp_path):
    from course.plots.debrief import write_report

    path = write_report(interview(weak_design(), seeds=(0,)), tmp_path / "reports")
    text = path.read_text()
    assert path.parent == tmp_path / "reports" and path.suffix == ".html"
    assert "data:image/png;base64," in text and "not contained" in text
    assert "sits at the output" in text


def test_threshold_explorer_builds_and_reruns(monkeypatch):
    import ipywidgets as W

    from course.widgets import NotBuiltWhileGrading
    from course.widgets.debrief import threshold_explorer

    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    box = threshold_explorer(strong_design(), seeds=(0,))
    assert isinstance(box, W.VBox)
    box.children[0].children[1].value = 2.0     # the slider: rerun at twice the threshold
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert isinstance(threshold_explorer(strong_design()), NotBuiltWhileGrading)
