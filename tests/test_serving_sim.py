"""The m04 serving simulator: seeded, its mechanisms as documented, clear errors."""

import numpy as np
import pandas as pd
import pytest

from course.sim.serving import (CHECKS, Check, Workload, at_peak, drive_breaker, simulate,
                                verdict_stream)

SMALL = Workload(rate_per_s=20, duration_s=20, replicas=22, incident_at_s=10.0)


def stream_guard(requests):
    return pd.DataFrame({"added_ms": requests["stream_ms"], "flagged": requests["stream_flag"]})


def slow_guard(requests):
    return pd.DataFrame({"added_ms": requests["judge_ms"] * 3, "flagged": requests["judge_flag"]})


class OpenAt:
    """A breaker that opens at a fixed time and never comes back."""

    def __init__(self, t):
        self.t, self.state = t, "closed"

    def allow(self, t):
        if t >= self.t:
            self.state = "open"
        return self.state == "closed"

    def record(self, t, flagged):
        pass


def test_same_seed_same_trace():
    a, b = simulate(SMALL, guard=stream_guard, seed=3), simulate(SMALL, guard=stream_guard, seed=3)
    pd.testing.assert_frame_equal(a.requests, b.requests)
    pd.testing.assert_frame_equal(a.decisions, b.decisions)
    c = simulate(SMALL, guard=stream_guard, seed=4)
    assert not a.requests["arrival_s"].equals(c.requests["arrival_s"])


def test_runs_share_requests_so_overheads_pair():
    base = simulate(SMALL, seed=5).requests
    guarded = simulate(SMALL, guard=stream_guard, seed=5).requests
    assert np.array_equal(base.arrival_s, guarded.arrival_s)
    assert np.array_equal(base.tokens, guarded.tokens)
    # with a light load the overhead of a request is about its check's latency
    over = (guarded.latency_ms - base.latency_ms).to_numpy()
    assert np.median(over) == pytest.approx(CHECKS["stream"].median_ms, rel=0.25)


def test_adding_a_check_changes_no_other_draw():
    from course.sim.serving import _draw
    one = _draw(SMALL, (CHECKS["stream"],), 9)["new"]
    two = _draw(SMALL, (CHECKS["input"], CHECKS["stream"]), 9)["new"]
    assert np.array_equal(one["stream_ms"], two["stream_ms"])
    assert np.array_equal(one["stream_flag"], two["stream_flag"])


def test_poisson_arrivals_and_documented_rates():
    w = Workload(rate_per_s=30, duration_s=200, replicas=40, incident_at_s=100.0,
                 incident_unsafe=0.1, base_unsafe=0.01)
    r = simulate(w, seed=11).requests
    assert len(r) == pytest.approx(6000, rel=0.05)
    gaps = np.diff(r.arrival_s.to_numpy())
    assert np.std(gaps) / np.mean(gaps) == pytest.approx(1.0, abs=0.05)   # exponential
    before, after = r[r.arrival_s < 100], r[r.arrival_s >= 100]
    assert before.unsafe.mean() == pytest.approx(0.01, abs=0.006)
    assert after.unsafe.mean() == pytest.approx(0.1, abs=0.02)
    assert r.tokens.mean() == pytest.approx(w.tokens_mean, rel=0.05)


def test_detection_rates_match_the_checks():
    w = Workload(rate_per_s=40, duration_s=150, replicas=50, base_unsafe=0.2, incident_at_s=None)
    r = simulate(w, guard=stream_guard, seed=12).requests
    assert r[r.unsafe].flagged.mean() == pytest.approx(CHECKS["stream"].tpr, abs=0.04)
    assert r[~r.unsafe].flagged.mean() == pytest.approx(CHECKS["stream"].fpr, abs=0.005)
    assert not r[r.flagged].unsafe_delivered.any()   # blocked whole: nothing shown


def test_checks_cost_throughput_only_at_the_peak():
    normal = simulate(SMALL, seed=6).throughput, simulate(SMALL, guard=stream_guard, seed=6).throughput
    assert normal[1] == pytest.approx(normal[0])
    peak = at_peak(SMALL, load=1.05)
    b, g = simulate(peak, seed=6), simulate(peak, guard=slow_guard, seed=6)
    assert g.throughput < 0.9 * b.throughput
    assert (g.requests.status == "dropped").sum() > (b.requests.status == "dropped").sum()


def test_breaker_routes_to_fallback_and_is_logged():
    w = Workload(rate_per_s=20, duration_s=30, replicas=22, incident_at_s=10.0,
                 incident_unsafe=0.5)
    tr = simulate(w, guard=stream_guard, breaker=OpenAt(15.0), seed=7)
    r = tr.requests
    assert (r[r.arrival_s >= 15].route == "fallback").all()
    assert (r[r.arrival_s < 15].route == "new").all()
    assert r[r.route == "fallback"].unsafe.mean() < 0.05
    moves = tr.decisions[tr.decisions.kind == "breaker"]
    assert list(moves.detail) == ["closed->open"] and (moves.request_id == -1).all()
    kinds = tr.decisions[tr.decisions.request_id == 3].kind.tolist()
    assert kinds == ["route", "verdict", "release"] or kinds == ["route", "verdict", "block"]
    assert tr.decisions.seq.tolist() == list(range(len(tr.decisions)))


def test_budget_fails_closed():
    tr = simulate(SMALL, guard=slow_guard, budget_ms=50.0, seed=8).requests
    assert tr.timeout.any()
    assert tr[tr.timeout].flagged.all() and (tr[tr.timeout].status == "blocked").all()


def test_streaming_guard_columns_are_used():
    def exposes_two(requests):
        return pd.DataFrame({"added_ms": np.zeros(len(requests)),
                             "flagged": np.zeros(len(requests), dtype=bool),
                             "ttft_ms": np.full(len(requests), 1.0),
                             "unsafe_tokens": np.where(requests.unsafe, 2, 0)})
    r = simulate(SMALL, ["stream"], guard=exposes_two, seed=9).requests
    assert (r[r.unsafe].unsafe_tokens == 2).all()
    assert r.ttft_ms.min() >= 1.0


def test_verdict_stream_and_driver():
    s = verdict_stream(50, 100, 0.02, seed=1, incident_at=50, incident_flag_rate=0.3)
    assert s.t_s.is_monotonic_increasing
    assert s[s.t_s < 50].flagged.mean() == pytest.approx(0.02, abs=0.01)
    assert s[s.t_s >= 50].flagged.mean() == pytest.approx(0.3, abs=0.03)
    tr = drive_breaker(OpenAt(60.0), s)
    assert list(tr.to_state) == ["open"] and tr.t_s.iloc[0] >= 60


@pytest.mark.parametrize("kwargs", [dict(rate_per_s=-1), dict(duration_s=0), dict(replicas=0),
                                    dict(base_unsafe=1.5), dict(incident_unsafe=-0.1),
                                    dict(fixed_at_s=5.0, incident_at_s=None),
                                    dict(incident_at_s=20.0, fixed_at_s=10.0),
                                    dict(tokens_mean=5)])
def test_bad_workloads_are_refused(kwargs):
    with pytest.raises(ValueError):
        Workload(**kwargs)


def test_bad_runs_are_refused():
    with pytest.raises(ValueError, match="at least one check"):
        simulate(SMALL, [], guard=stream_guard)
    with pytest.raises(ValueError, match="budget_ms"):
        simulate(SMALL, guard=stream_guard, budget_ms=-1.0)
    with pytest.raises(ValueError, match="unknown check"):
        simulate(SMALL, ["nope"], guard=stream_guard)
    with pytest.raises(ValueError, match="needs a guard"):
        simulate(SMALL, breaker=OpenAt(1.0))
    with pytest.raises(ValueError, match=">= 0"):
        simulate(SMALL, guard=lambda r: pd.DataFrame({"added_ms": -np.ones(len(r)),
                                                      "flagged": np.zeros(len(r), bool)}))
    with pytest.raises(ValueError):
        Check("x", median_ms=-1, sigma=0.1, tpr=0.5, fpr=0.1)
    with pytest.raises(ValueError):
        Check("y", median_ms=1, sigma=0.1, tpr=1.5, fpr=0.1)
    with pytest.raises(ValueError):
        verdict_stream(-1, 10, 0.1)
