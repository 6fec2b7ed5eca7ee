"""A discrete-event model of an LLM serving stack with safety checks (module m04).

Built on SimPy (the standard Python discrete-event library): requests arrive on a simulated
clock, wait for one of a pool of model replicas, are generated and checked, and are then
released, blocked or dropped. Everything random is drawn up front from one seeded
``numpy.random.Generator``, so the same seed gives the same trace, and two runs with the
same seed and workload see the *same* requests (same arrival, length, model times and
check draws): the difference between a guarded and an unguarded run is the guard alone.

Mechanisms and distributions (all documented values are the defaults of :class:`Workload`
and :data:`CHECKS`):

- **Arrivals**: a Poisson process, ``rate_per_s`` requests per second for ``duration_s``
  seconds (exponential gaps).
- **Replicas**: ``replicas`` identical model servers behind one FIFO queue (a SimPy
  ``Resource``). A request that waits longer than ``max_wait_s`` for a replica is dropped
  (load shedding); this is how extra work per request turns into lost throughput once the
  pool runs near capacity. Throughput is requests served (not dropped) per second.
- **Model time** on the replica: time to first token, lognormal with median
  ``ttft_median_ms`` and shape ``ttft_sigma``; then ``tokens`` output tokens (10 + a
  Poisson with mean ``tokens_mean`` - 10), each taking a per-request decode time,
  lognormal with median ``decode_median_ms`` and shape ``decode_sigma``.
- **Safety checks** (:class:`Check`): each has a latency (lognormal, median and shape), a
  detection rate on unsafe outputs (``tpr``) and a false-flag rate on safe ones (``fpr``).
  The guard's checks run on the serving replica (co-located classifiers share its
  accelerator), so their time adds to the replica's busy time: this is what makes a check
  cost throughput through the queue, not only latency. For each check and request the
  simulator draws the latency and a uniform number ``u``; the check flags the output when
  ``u < tpr`` (unsafe output) or ``u < fpr`` (safe output). For streaming checks it also
  draws ``<check>_flag_from``: the first token position at which the check, reading the
  stream, can flag the output (``unsafe_from`` plus a geometric delay with mean
  ``detect_delay_tokens``, capped at the last token; a uniform position for a false flag
  on a safe output; -1 when the check does not flag). Each check draws from its own seeded
  stream, so adding or removing a check changes no other draw.
- **Unsafe outputs**: before ``incident_at_s`` the served model emits an unsafe output
  with probability ``base_unsafe``. At ``incident_at_s`` a **bad deploy** goes live and the
  rate becomes ``incident_unsafe`` until ``fixed_at_s`` (None: never fixed). The
  last known-good version (the *fallback*, where a tripped breaker sends traffic) stays at
  ``base_unsafe``. An unsafe output's unsafe content starts at token ``unsafe_from``
  (uniform over its tokens); safe outputs have ``unsafe_from = -1``.

What the learner plugs in (the package holds no exercise answer):

- ``guard(requests) -> DataFrame``: given one row per request with the model's draws and,
  for each check ``c``, columns ``c_ms`` (latency) and ``c_flag`` (its verdict on this
  output), return per request ``added_ms`` (replica time the checks add) and ``flagged``
  (the combined verdict); optionally ``ttft_ms`` (time from the start of service to the
  first token the user sees) and ``unsafe_tokens`` (unsafe tokens the user sees; for a
  held-back stream that is stopped part-way). Without them a guarded response is released
  whole after its checks (time to first token = the whole response plus the checks) and a
  released unsafe response shows all its unsafe tokens.
- ``breaker``: an object with ``state`` (``"closed"``, ``"open"`` or ``"half-open"``),
  ``allow(t) -> bool`` (may the request arriving at ``t`` seconds go to the new deploy?)
  and ``record(t, flagged)`` (the guard's verdict on a request the new deploy served).
  Requests it does not allow go to the fallback version.

:func:`simulate` returns a :class:`Trace`: ``requests`` (one row per request) and
``decisions`` (one row per decision: route, verdict, release, block, drop, and the
breaker's transitions), both pandas DataFrames, small enough to read.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

__all__ = ["Check", "CHECKS", "Workload", "Trace", "simulate", "verdict_stream",
           "drive_breaker", "check_columns", "at_peak"]


@dataclass(frozen=True)
class Check:
    """A safety check: latency lognormal(median_ms, sigma); flags unsafe outputs with
    probability ``tpr`` and safe ones with probability ``fpr``.

    ``streaming``: the check can read the output as it streams (it then has a
    ``flag_from`` token position); a judge-style check reads whole outputs only.
    """

    name: str
    median_ms: float
    sigma: float
    tpr: float
    fpr: float
    streaming: bool = False

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(f"a check's name should be an identifier, not {self.name!r}")
        if not (self.median_ms > 0 and math.isfinite(self.median_ms)):
            raise ValueError(f"check {self.name}: median_ms should be positive, "
                             f"not {self.median_ms!r}")
        if not 0 <= self.sigma <= 3:
            raise ValueError(f"check {self.name}: sigma should be in [0, 3], not {self.sigma!r}")
        for k in ("tpr", "fpr"):
            v = getattr(self, k)
            if not 0 <= v <= 1:
                raise ValueError(f"check {self.name}: {k} should be a rate in [0, 1], not {v!r}")


CHECKS = {
    # a small classifier on the prompt: fast, but it sees only the input, so it catches
    # few of the unsafe outputs a bad deploy produces from ordinary prompts
    "input": Check("input", median_ms=5.0, sigma=0.25, tpr=0.25, fpr=0.004),
    # a streaming output classifier (in the spirit of Constitutional Classifiers)
    "stream": Check("stream", median_ms=11.0, sigma=0.3, tpr=0.85, fpr=0.008, streaming=True),
    # a slow LLM-as-judge check on the whole output: most accurate, heavy-tailed latency
    "judge": Check("judge", median_ms=60.0, sigma=0.45, tpr=0.97, fpr=0.003),
}
"""The three checks the module uses, by name."""


@dataclass(frozen=True)
class Workload:
    """The traffic, the serving pool and the incident. Times in seconds unless ``_ms``."""

    rate_per_s: float = 42.0
    duration_s: float = 60.0
    replicas: int = 46
    max_wait_s: float = 1.0
    ttft_median_ms: float = 250.0
    ttft_sigma: float = 0.35
    tokens_mean: float = 60.0
    decode_median_ms: float = 10.0
    decode_sigma: float = 0.2
    base_unsafe: float = 0.002
    incident_at_s: float | None = 30.0
    incident_unsafe: float = 0.08
    fixed_at_s: float | None = None
    detect_delay_tokens: float = 4.0

    def __post_init__(self):
        positive = ("rate_per_s", "duration_s", "max_wait_s", "ttft_median_ms",
                    "decode_median_ms", "detect_delay_tokens")
        for k in positive:
            v = getattr(self, k)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                raise ValueError(f"Workload.{k} should be a positive number, not {v!r}")
        if not (isinstance(self.replicas, (int, np.integer)) and self.replicas >= 1):
            raise ValueError(f"Workload.replicas should be a positive int, not {self.replicas!r}")
        if not self.tokens_mean >= 11:
            raise ValueError(f"Workload.tokens_mean should be at least 11, not {self.tokens_mean!r}")
        for k in ("ttft_sigma", "decode_sigma"):
            if not 0 <= getattr(self, k) <= 3:
                raise ValueError(f"Workload.{k} should be in [0, 3], not {getattr(self, k)!r}")
        for k in ("base_unsafe", "incident_unsafe"):
            if not 0 <= getattr(self, k) <= 1:
                raise ValueError(f"Workload.{k} should be a rate in [0, 1], "
                                 f"not {getattr(self, k)!r}")
        for k in ("incident_at_s", "fixed_at_s"):
            v = getattr(self, k)
            if v is not None and not (math.isfinite(v) and v >= 0):
                raise ValueError(f"Workload.{k} should be None or a time >= 0, not {v!r}")
        if self.fixed_at_s is not None and (self.incident_at_s is None
                                            or self.fixed_at_s < self.incident_at_s):
            raise ValueError("Workload.fixed_at_s needs an incident_at_s before it")

    @property
    def utilisation(self) -> float:
        """Offered load of the unguarded model per replica (mean service time x rate)."""
        ttft = self.ttft_median_ms * math.exp(self.ttft_sigma ** 2 / 2)
        decode = self.decode_median_ms * math.exp(self.decode_sigma ** 2 / 2)
        return self.rate_per_s * (ttft + self.tokens_mean * decode) / 1000 / self.replicas


@dataclass
class Trace:
    """One run: ``requests`` (a row per request), ``decisions`` (a row per decision)."""

    requests: pd.DataFrame
    decisions: pd.DataFrame
    workload: Workload
    checks: tuple = ()
    info: dict = field(default_factory=dict)

    @property
    def served(self) -> pd.DataFrame:
        return self.requests[self.requests.status != "dropped"]

    @property
    def throughput(self) -> float:
        """Requests served (released or blocked, not dropped) per second."""
        return len(self.served) / self.workload.duration_s


def check_columns(checks) -> list[str]:
    """The columns a guard receives for ``checks``: ``<name>_ms``, ``<name>_flag``, ..."""
    out = []
    for c in checks:
        out += [f"{c.name}_ms", f"{c.name}_flag"] + ([f"{c.name}_flag_from"]
                                                    if c.streaming else [])
    return out


def _lognormal(rng, median, sigma, n):
    return median * np.exp(sigma * rng.standard_normal(n))


def _draw(workload: Workload, checks, seed):
    """Everything random, drawn up front (the same seed gives the same requests)."""
    rng = np.random.default_rng(seed)
    w = workload
    n_max = int(w.rate_per_s * w.duration_s * 1.5 + 50)
    gaps = rng.exponential(1 / w.rate_per_s, n_max)
    arrival = np.cumsum(gaps)
    arrival = arrival[arrival < w.duration_s]
    n = arrival.size
    tokens = 10 + rng.poisson(w.tokens_mean - 10, n)
    ttft_ms = _lognormal(rng, w.ttft_median_ms, w.ttft_sigma, n)
    decode_ms = _lognormal(rng, w.decode_median_ms, w.decode_sigma, n)
    u_new, u_old = rng.random(n), rng.random(n)
    unsafe_from_u = rng.random(n)
    in_incident = np.zeros(n, dtype=bool)
    if w.incident_at_s is not None:
        end = np.inf if w.fixed_at_s is None else w.fixed_at_s
        in_incident = (arrival >= w.incident_at_s) & (arrival < end)
    p_new = np.where(in_incident, w.incident_unsafe, w.base_unsafe)
    base = pd.DataFrame({
        "request_id": np.arange(n), "arrival_s": arrival, "tokens": tokens,
        "ttft_ms": ttft_ms, "decode_ms": decode_ms,
        "model_ms": ttft_ms + tokens * decode_ms,
    })
    draws = {}
    for c in checks:  # each check has its own stream: adding a check changes no other draw
        crng = np.random.default_rng([seed, zlib.crc32(c.name.encode())])
        draws[c.name] = (_lognormal(crng, c.median_ms, c.sigma, n), crng.random(n),
                         crng.geometric(1 / w.detect_delay_tokens, n), crng.random(n))
    routes = {}
    for route, unsafe in (("new", u_new < p_new), ("fallback", u_old < w.base_unsafe)):
        frame = base.copy()
        frame["unsafe"] = unsafe
        frame["unsafe_from"] = np.where(unsafe, np.floor(unsafe_from_u * tokens), -1).astype(int)
        for c in checks:
            ms, u, delay, pos = draws[c.name]
            flag = u < np.where(unsafe, c.tpr, c.fpr)
            frame[f"{c.name}_ms"] = ms
            frame[f"{c.name}_flag"] = flag
            if c.streaming:
                start = np.where(unsafe, frame["unsafe_from"], np.floor(pos * tokens))
                frame[f"{c.name}_flag_from"] = np.where(
                    flag, np.minimum(start + delay, tokens - 1), -1).astype(int)
        routes[route] = frame
    return routes


def _guard_outputs(guard, frame, budget_ms):
    n = len(frame)
    if guard is None:
        return {"added_ms": np.zeros(n), "flagged": np.zeros(n, dtype=bool),
                "ttft_ms": frame["ttft_ms"].to_numpy(),
                "unsafe_tokens": np.where(frame["unsafe"], frame["tokens"] - frame["unsafe_from"],
                                          0), "timeout": np.zeros(n, dtype=bool)}
    out = guard(frame.copy())
    if isinstance(out, dict):
        out = pd.DataFrame(out)
    if not isinstance(out, pd.DataFrame) or not {"added_ms", "flagged"} <= set(out.columns):
        raise TypeError("a guard should return a DataFrame (or dict) with columns 'added_ms' "
                        "and 'flagged', one row per request")
    if len(out) != n:
        raise ValueError(f"the guard returned {len(out)} rows for {n} requests")
    added = np.asarray(out["added_ms"], dtype=float)
    if np.any(~np.isfinite(added)) or np.any(added < 0):
        raise ValueError("the guard's added_ms should be finite and >= 0")
    flagged = np.asarray(out["flagged"], dtype=bool)
    timeout = np.zeros(n, dtype=bool)
    if budget_ms is not None:
        timeout = added > budget_ms
        added = np.minimum(added, budget_ms)
        flagged = flagged | timeout          # fail closed: an unfinished check blocks
    model_ms = frame["model_ms"].to_numpy()
    ttft = (np.asarray(out["ttft_ms"], dtype=float) if "ttft_ms" in out
            else model_ms + added)
    all_unsafe = np.where(frame["unsafe"], frame["tokens"] - frame["unsafe_from"], 0)
    unsafe_tokens = (np.asarray(out["unsafe_tokens"], dtype=float) if "unsafe_tokens" in out
                     else np.where(flagged, 0, all_unsafe))
    return {"added_ms": added, "flagged": flagged, "ttft_ms": ttft,
            "unsafe_tokens": unsafe_tokens, "timeout": timeout}


def simulate(workload: Workload | None = None, checks=None, *, guard=None, breaker=None,
             budget_ms: float | None = None, seed: int = 0) -> Trace:
    """Run the serving stack once on the simulated clock and return its :class:`Trace`.

    workload: a :class:`Workload` (default: ``Workload()``).
    checks: the :class:`Check` s the guard may use (names or Check objects; default all
        of :data:`CHECKS`). Ignored, and may be None, when ``guard`` is None.
    guard: None for the unguarded baseline, or a function (see the module docstring).
    breaker: None, or an object with ``state``, ``allow(t)`` and ``record(t, flagged)``.
    budget_ms: None, or a latency budget for the guard: a request whose checks would take
        longer is blocked when the budget runs out (fail closed).
    seed: the same seed and workload give the same requests and the same trace.

    ``requests`` columns: request_id, arrival_s, route (new/fallback), status (released,
    blocked, dropped), start_s, done_s, latency_ms (arrival to the whole response),
    ttft_ms (arrival to the first token seen), tokens, unsafe, flagged, timeout,
    unsafe_tokens (unsafe tokens the user saw), unsafe_delivered (the user saw any).
    ``decisions`` columns: seq, t_s, request_id (-1 for the breaker), kind (route,
    verdict, release, block, drop, breaker), detail.
    """
    import simpy

    workload = Workload() if workload is None else workload
    if not isinstance(workload, Workload):
        raise TypeError(f"workload should be a Workload, not {type(workload).__name__}")
    if checks is None:
        checks = tuple(CHECKS.values())
    checks = tuple(CHECKS[c] if isinstance(c, str) and c in CHECKS else c for c in checks)
    for c in checks:
        if not isinstance(c, Check):
            raise ValueError(f"unknown check {c!r}: use a Check or one of {sorted(CHECKS)}")
    if guard is not None and not checks:
        raise ValueError("a guard needs at least one check; for the unguarded baseline "
                         "pass guard=None")
    if guard is not None and not callable(guard):
        raise TypeError("guard should be a function of the requests frame, or None")
    if budget_ms is not None and not (math.isfinite(budget_ms) and budget_ms >= 0):
        raise ValueError(f"budget_ms should be None or a number >= 0, not {budget_ms!r}")
    if breaker is not None:
        for attr in ("allow", "record", "state"):
            if not hasattr(breaker, attr):
                raise TypeError(f"the breaker should have .{attr} (see the module docstring)")
    if breaker is not None and guard is None:
        raise ValueError("a breaker needs a guard: without checks it gets no verdicts")

    routes = _draw(workload, checks if guard is not None else (), seed)
    outs = {r: _guard_outputs(guard, f, budget_ms) for r, f in routes.items()}
    n = len(routes["new"])
    base = routes["new"]
    model_s = base["model_ms"].to_numpy() / 1000
    arrival = base["arrival_s"].to_numpy()

    env = simpy.Environment()
    pool = simpy.Resource(env, capacity=workload.replicas)
    rows = [None] * n
    log = []

    def note(t, rid, kind, detail):
        log.append((len(log), float(t), int(rid), kind, detail))

    def watch(before):
        if breaker.state != before:
            note(env.now, -1, "breaker", f"{before}->{breaker.state}")

    def request(i):
        t0 = env.now
        route = "new"
        if breaker is not None:
            before = breaker.state
            allowed = bool(breaker.allow(t0))
            watch(before)
            route = "new" if allowed else "fallback"
            note(t0, i, "route", f"{route} (breaker {breaker.state})")
        o = outs[route]
        with pool.request() as req:
            got = yield req | env.timeout(workload.max_wait_s)
            if req not in got:
                note(env.now, i, "drop", f"no replica within {workload.max_wait_s:g} s")
                rows[i] = (route, "dropped", np.nan, np.nan)
                return
            start = env.now
            yield env.timeout(model_s[i] + o["added_ms"][i] / 1000)
        done = env.now
        flagged = bool(o["flagged"][i])
        note(done, i, "verdict", ("timeout" if o["timeout"][i] else
                                  "flagged" if flagged else "pass"))
        if breaker is not None and route == "new":
            before = breaker.state
            breaker.record(done, flagged)
            watch(before)
        note(done, i, "block" if flagged else "release", route)
        rows[i] = (route, "blocked" if flagged else "released", start, done)

    def arrivals():
        for i in range(n):
            yield env.timeout(max(0.0, arrival[i] - env.now))
            env.process(request(i))

    env.process(arrivals())
    env.run()

    route, status, start, done = (np.array(x) for x in zip(*rows)) if n else ([],) * 4
    start, done = start.astype(float), done.astype(float)
    is_new = route == "new"
    pick = lambda key: np.where(is_new, outs["new"][key], outs["fallback"][key])  # noqa: E731
    unsafe = np.where(is_new, routes["new"]["unsafe"], routes["fallback"]["unsafe"])
    served = status != "dropped"
    queue_s = start - arrival
    unsafe_tokens = np.where(served, pick("unsafe_tokens"), 0).astype(int)
    if guard is not None:
        ttft = np.where(served, queue_s * 1000 + pick("ttft_ms"), np.nan)
    else:
        ttft = np.where(served, queue_s * 1000 + base["ttft_ms"].to_numpy(), np.nan)
    requests = pd.DataFrame({
        "request_id": base["request_id"].to_numpy(), "arrival_s": arrival, "route": route,
        "status": status, "start_s": start, "done_s": done,
        "latency_ms": (done - arrival) * 1000, "ttft_ms": ttft,
        "tokens": base["tokens"].to_numpy(), "unsafe": unsafe.astype(bool),
        "flagged": np.where(served, pick("flagged"), False).astype(bool),
        "timeout": np.where(served, pick("timeout"), False).astype(bool),
        "unsafe_tokens": unsafe_tokens,
        "unsafe_delivered": served & (unsafe_tokens > 0),
    })
    decisions = pd.DataFrame(log, columns=["seq", "t_s", "request_id", "kind", "detail"])
    decisions = decisions.sort_values(["t_s", "seq"], kind="stable").reset_index(drop=True)
    decisions["seq"] = np.arange(len(decisions))
    return Trace(requests, decisions, workload, checks if guard is not None else (),
                 {"seed": seed, "budget_ms": budget_ms, "utilisation": workload.utilisation})


def verdict_stream(rate_per_s: float, duration_s: float, flag_rate: float, *, seed: int = 0,
                   incident_at: float | None = None, incident_flag_rate: float | None = None,
                   fixed_at: float | None = None) -> pd.DataFrame:
    """A stream of guard verdicts without the queue: for breaker studies over hours.

    Poisson arrivals at ``rate_per_s`` for ``duration_s`` seconds; each request's guard
    flags it with probability ``flag_rate`` (false flags plus the base rate of caught unsafe
    outputs), or ``incident_flag_rate`` between ``incident_at`` and ``fixed_at``. Each row
    also carries ``fallback_flag``: the verdict the last known-good version would get
    (always at ``flag_rate``). Returns a DataFrame with columns t_s, flagged, fallback_flag.
    """
    for name, v in (("rate_per_s", rate_per_s), ("duration_s", duration_s)):
        if not (math.isfinite(v) and v > 0):
            raise ValueError(f"{name} should be a positive number, not {v!r}")
    for name, v in (("flag_rate", flag_rate), ("incident_flag_rate", incident_flag_rate)):
        if v is not None and not 0 <= v <= 1:
            raise ValueError(f"{name} should be a rate in [0, 1], not {v!r}")
    if incident_at is not None and incident_flag_rate is None:
        raise ValueError("incident_at needs incident_flag_rate")
    rng = np.random.default_rng(seed)
    n = rng.poisson(rate_per_s * duration_s)
    t = np.sort(rng.random(n) * duration_s)
    p = np.full(n, flag_rate)
    if incident_at is not None:
        end = np.inf if fixed_at is None else fixed_at
        p[(t >= incident_at) & (t < end)] = incident_flag_rate
    u = rng.random(n)
    return pd.DataFrame({"t_s": t, "flagged": u < p, "fallback_flag": rng.random(n) < flag_rate})


def drive_breaker(breaker, stream: pd.DataFrame) -> pd.DataFrame:
    """Feed a :func:`verdict_stream` to ``breaker``; verdicts come back at once.

    Each request asks ``breaker.allow(t)``; an allowed one is served by the new deploy and
    its verdict (``flagged``) recorded; one not allowed goes to the fallback. Returns the
    transitions: a DataFrame with columns t_s, from_state, to_state.
    """
    out = []
    for t, flagged in zip(stream["t_s"].to_numpy(), stream["flagged"].to_numpy()):
        before = breaker.state
        allowed = breaker.allow(float(t))
        if breaker.state != before:
            out.append((float(t), before, breaker.state))
        if allowed:
            before = breaker.state
            breaker.record(float(t), bool(flagged))
            if breaker.state != before:
                out.append((float(t), before, breaker.state))
    return pd.DataFrame(out, columns=["t_s", "from_state", "to_state"])


def at_peak(workload: Workload, load: float = 1.1, duration_s: float = 20.0) -> Workload:
    """The same stack at a traffic peak: the arrival rate that offers ``load`` times the
    unguarded pool's capacity, no incident. Throughput kept is measured here: below
    capacity every configuration serves everything, so only a peak shows what a check
    costs in capacity."""
    if not load > 0:
        raise ValueError(f"load should be positive, not {load!r}")
    rate = workload.rate_per_s * load / workload.utilisation
    return replace(workload, rate_per_s=rate, duration_s=duration_s, incident_at_s=None,
                   fixed_at_s=None)
