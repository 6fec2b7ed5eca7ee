"""Answer variants for m04-safety-over-speed, written from the student statement.

Correct ones take other routes (pandas quantiles and an order-statistic interval, a formula
instead of a loop, a list instead of a deque, another defensible decision); buggy ones are
mistakes engineers really make. Run from the repository root:

    .venv/bin/python /work/shared/tools/validity/run.py . m04-safety-over-speed tests/validity/m04_variants.py
"""

# ------------------------------------------------------------------ exercise 1: overhead

OVERHEAD_PANDAS = '''\
def overhead_report(baseline, guarded, n_boot=1000, seed=0):
    from scipy.stats import binom
    need = {"request_id", "status", "latency_ms"}
    if not need <= set(baseline.columns) or not need <= set(guarded.columns):
        raise ValueError("missing columns")
    b = baseline.loc[baseline.status != "dropped"].set_index("request_id").latency_ms
    g = guarded.loc[guarded.status != "dropped"].set_index("request_id").latency_ms
    if len(b) == 0:
        raise ValueError("baseline served nothing")
    both = b.index.intersection(g.index)
    if len(both) == 0:
        raise ValueError("nothing in common")
    over = (g.loc[both] - b.loc[both]).sort_values()
    n = len(over)
    lo, hi = binom.ppf([0.025, 0.975], n, 0.95).astype(int)
    v = over.to_numpy()
    return {"throughput_kept": len(g) / len(b), "p50_ms": float(over.quantile(0.5)),
            "p95_ms": float(over.quantile(0.95)), "p99_ms": float(over.quantile(0.99)),
            "p95_interval": (float(v[max(lo - 1, 0)]), float(v[min(hi, n - 1)])),
            "n_pairs": n}
'''

OVERHEAD_BOOT_LOOP = '''\
def overhead_report(baseline, guarded, n_boot=1000, seed=0):
    for f in (baseline, guarded):
        for c in ("request_id", "status", "latency_ms"):
            if c not in f.columns:
                raise ValueError(f"missing {c}")
    sb = baseline[baseline["status"] != "dropped"]
    sg = guarded[guarded["status"] != "dropped"]
    if sb.empty:
        raise ValueError("baseline served nothing")
    lat_b = dict(zip(sb.request_id, sb.latency_ms))
    over = [l - lat_b[r] for r, l in zip(sg.request_id, sg.latency_ms) if r in lat_b]
    if not over:
        raise ValueError("no request served in both")
    over = np.array(over)
    rng = np.random.default_rng(seed)
    boots = [np.percentile(rng.choice(over, over.size), 95) for _ in range(n_boot)]
    return {"throughput_kept": len(sg) / len(sb),
            "p50_ms": float(np.median(over)), "p95_ms": float(np.percentile(over, 95)),
            "p99_ms": float(np.percentile(over, 99)),
            "p95_interval": (float(np.percentile(boots, 2.5)), float(np.percentile(boots, 97.5))),
            "n_pairs": int(over.size)}
'''

OVERHEAD_POSITIONAL = OVERHEAD_BOOT_LOOP.replace(
    '''    lat_b = dict(zip(sb.request_id, sb.latency_ms))
    over = [l - lat_b[r] for r, l in zip(sg.request_id, sg.latency_ms) if r in lat_b]''',
    '''    m = min(len(sb), len(sg))
    over = list(sg.latency_ms.to_numpy()[:m] - sb.latency_ms.to_numpy()[:m])''')

OVERHEAD_MEAN_PER_SECOND = '''\
def overhead_report(baseline, guarded, n_boot=1000, seed=0):
    for f in (baseline, guarded):
        for c in ("request_id", "status", "latency_ms"):
            if c not in f.columns:
                raise ValueError(f"missing {c}")
    sb = baseline[baseline["status"] != "dropped"]
    sg = guarded[guarded["status"] != "dropped"]
    if sb.empty:
        raise ValueError("baseline served nothing")
    m = sb.merge(sg, on="request_id", suffixes=("_b", "_g"))
    if m.empty:
        raise ValueError("no request served in both")
    m["over"] = m.latency_ms_g - m.latency_ms_b
    # average per group of 20 requests first, then percentiles of the averages
    means = m.groupby(np.arange(len(m)) // 20)["over"].mean().to_numpy()
    rng = np.random.default_rng(seed)
    boots = [np.percentile(rng.choice(means, means.size), 95) for _ in range(n_boot)]
    return {"throughput_kept": len(sg) / len(sb), "p50_ms": float(np.percentile(means, 50)),
            "p95_ms": float(np.percentile(means, 95)), "p99_ms": float(np.percentile(means, 99)),
            "p95_interval": (float(np.percentile(boots, 2.5)), float(np.percentile(boots, 97.5))),
            "n_pairs": len(m)}
'''

OVERHEAD_COUNTS_DROPPED = OVERHEAD_BOOT_LOOP.replace(
    '"throughput_kept": len(sg) / len(sb),', '"throughput_kept": len(guarded) / len(baseline),')

OVERHEAD_INTERVAL_OF_MEAN = OVERHEAD_BOOT_LOOP.replace(
    "boots = [np.percentile(rng.choice(over, over.size), 95) for _ in range(n_boot)]",
    "boots = [np.percentile(over, 95) + np.mean(rng.choice(over, over.size)) - over.mean() for _ in range(n_boot)]")

# ------------------------------------------------------------------ exercise 2: path cost

PATH_PANDAS = '''\
def path_cost(check_ms, layout, escalated=None):
    if check_ms.shape[1] == 0:
        raise ValueError("no checks")
    if check_ms.isna().any().any() or (check_ms < 0).any().any():
        raise ValueError("bad latency")
    if layout == "inline":
        return check_ms.sum(axis=1).to_numpy(dtype=float)
    if layout == "parallel":
        return check_ms.max(axis=1).to_numpy(dtype=float)
    if layout != "cascade":
        raise ValueError(f"unknown layout {layout}")
    if check_ms.shape[1] != 2 or escalated is None or len(escalated) != len(check_ms):
        raise ValueError("a cascade needs two checks and one escalated flag per request")
    first, second = check_ms.iloc[:, 0].to_numpy(float), check_ms.iloc[:, 1].to_numpy(float)
    return first + second * np.asarray(list(escalated), dtype=float)
'''

PATH_PARALLEL_SUM = PATH_PANDAS.replace("return check_ms.max(axis=1).to_numpy(dtype=float)",
                                        "return check_ms.sum(axis=1).to_numpy(dtype=float)")
PATH_CASCADE_ALL = PATH_PANDAS.replace("return first + second * np.asarray(list(escalated), dtype=float)",
                                       "return first + second")
PATH_CASCADE_ONLY_SLOW = PATH_PANDAS.replace(
    "return first + second * np.asarray(list(escalated), dtype=float)",
    "return np.where(np.asarray(list(escalated), dtype=bool), second, first)")

# ------------------------------------------------------------------ exercise 3: held-back stream

STREAM_FORMULA = '''\
def held_back_stream(token_ms, unsafe_from, flag_from, holdback, check_ms):
    t = np.asarray(token_ms, dtype=float)
    if t.size == 0:
        raise ValueError("empty response")
    if not float(holdback).is_integer() or holdback < 1:
        raise ValueError("holdback must be a whole number >= 1")
    n, L = int(holdback), t.size
    blocks = -(-L // n)
    first_bad = flag_from // n if flag_from >= 0 else None
    released = L if first_bad is None else min(first_bad * n, L)
    last_checked = blocks - 1 if first_bad is None else first_bad
    return {"ttft_ms": float("nan") if first_bad == 0 else float(t[min(n, L) - 1] + check_ms),
            "released": released,
            "exposed": max(0, released - unsafe_from) if unsafe_from >= 0 else 0,
            "stopped": first_bad is not None,
            "done_ms": float(t[min((last_checked + 1) * n, L) - 1] + check_ms)}
'''

STREAM_EXPOSED_RESPONSES = STREAM_FORMULA.replace(
    '"exposed": max(0, released - unsafe_from) if unsafe_from >= 0 else 0,',
    '"exposed": int(unsafe_from >= 0 and released > unsafe_from),')
STREAM_RELEASES_FLAGGED_BLOCK = STREAM_FORMULA.replace(
    "released = L if first_bad is None else min(first_bad * n, L)",
    "released = L if first_bad is None else min((first_bad + 1) * n, L)")
STREAM_TTFT_FIRST_TOKEN = STREAM_FORMULA.replace(
    "float(t[min(n, L) - 1] + check_ms)", "float(t[0] + check_ms)")
STREAM_OFF_BY_ONE = STREAM_FORMULA.replace(
    "first_bad = flag_from // n if flag_from >= 0 else None",
    "first_bad = (flag_from + 1) // n if flag_from >= 0 else None")

# ------------------------------------------------------------------ exercise 4: breaker

BREAKER_LIST = '''\
class CircuitBreaker:
    def __init__(self, window_s=10.0, max_rate=0.05, min_volume=50, cooldown_s=5.0, probes=20):
        if window_s <= 0 or cooldown_s < 0 or not (0 < max_rate <= 1):
            raise ValueError("bad breaker settings")
        if min_volume < 1 or probes < 1 or int(min_volume) != min_volume or int(probes) != probes:
            raise ValueError("min_volume and probes are whole numbers >= 1")
        self.window_s, self.max_rate, self.min_volume = window_s, max_rate, int(min_volume)
        self.cooldown_s, self.probes = cooldown_s, int(probes)
        self.state = "closed"
        self.verdicts = []
        self.start = 0
        self.opened = None
        self.asked = 0
        self.good = 0

    def allow(self, t):
        if self.state == "open":
            if t - self.opened < self.cooldown_s:
                return False
            self.state, self.asked, self.good = "half-open", 0, 0
        if self.state == "half-open":
            self.asked += 1
            return self.asked <= self.probes
        return True

    def record(self, t, flagged):
        if self.state == "closed":
            self.verdicts.append((t, flagged))
            while self.verdicts[self.start][0] <= t - self.window_s:
                self.start += 1
            live = self.verdicts[self.start:]
            if len(live) >= self.min_volume and sum(f for _, f in live) >= self.max_rate * len(live):
                self.state, self.opened, self.verdicts, self.start = "open", t, [], 0
        elif self.state == "half-open":
            if flagged:
                self.state, self.opened = "open", t
            else:
                self.good += 1
                if self.good == self.probes:
                    self.state, self.verdicts, self.start = "closed", [], 0
'''

BREAKER_COUNT = BREAKER_LIST.replace(
    "if len(live) >= self.min_volume and sum(f for _, f in live) >= self.max_rate * len(live):",
    "if sum(f for _, f in live) >= self.max_rate * self.min_volume:")
BREAKER_NO_HALF_OPEN = BREAKER_LIST.replace(
    '''            if t - self.opened < self.cooldown_s:
                return False
            self.state, self.asked, self.good = "half-open", 0, 0''',
    '''            return False''')
BREAKER_NO_WINDOW = BREAKER_LIST.replace(
    '''            while self.verdicts[self.start][0] <= t - self.window_s:
                self.start += 1
''', "")
BREAKER_NO_MIN_VOLUME = BREAKER_LIST.replace(
    "if len(live) >= self.min_volume and sum(", "if sum(")
BREAKER_KEEPS_OLD_WINDOW = BREAKER_LIST.replace(
    '''                    self.state, self.verdicts, self.start = "closed", [], 0''',
    '''                    self.state = "closed"''').replace(
    '''self.state, self.opened, self.verdicts, self.start = "open", t, [], 0''',
    '''self.state, self.opened = "open", t''')

# ------------------------------------------------------------------ exercise 5: audit

AUDIT_DICTS = '''\
GENESIS = "0" * 64


def entry_hash(entry):
    payload = dict(entry)
    payload.pop("hash", None)
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def build_audit(decisions):
    cols = ("t_s", "request_id", "kind", "detail")
    if any(c not in decisions.columns for c in cols) or len(decisions) == 0:
        raise ValueError("need a non-empty table with t_s, request_id, kind, detail")
    out = []
    for i, rec in enumerate(decisions.to_dict(orient="records")):
        e = {"index": i, "t_s": float(rec["t_s"]), "request_id": int(rec["request_id"]),
             "kind": str(rec["kind"]), "detail": str(rec["detail"]),
             "prev_hash": out[-1]["hash"] if out else GENESIS}
        e["hash"] = entry_hash(e)
        out.append(e)
    return out


def verify_audit(log):
    if not log:
        raise ValueError("empty log")
    for i, e in enumerate(log):
        want_prev = log[i - 1]["hash"] if i else GENESIS
        if e["index"] != i or e["hash"] != entry_hash(e) or e["prev_hash"] != want_prev:
            return i
    return None


def explain_request(log, request_id):
    if verify_audit(log) is not None:
        raise ValueError("the trail does not verify")
    mine = [e for e in log if e["request_id"] == request_id and e["kind"] != "breaker"]
    if not mine:
        raise KeyError(request_id)
    before = [e for e in log[:mine[0]["index"]] if e["kind"] == "breaker"]
    state = before[-1]["detail"].split("->")[1] if before else "closed"
    return {"events": [(e["kind"], e["detail"]) for e in mine], "outcome": mine[-1]["kind"],
            "breaker": state}
'''

AUDIT_NOT_CHAINED = AUDIT_DICTS.replace(
    "if e[\"index\"] != i or e[\"hash\"] != entry_hash(e) or e[\"prev_hash\"] != want_prev:",
    "if e[\"hash\"] != entry_hash(e):")
AUDIT_BREAKER_LAST_STATE = AUDIT_DICTS.replace(
    '''    before = [e for e in log[:mine[0]["index"]] if e["kind"] == "breaker"]''',
    '''    before = [e for e in log if e["kind"] == "breaker"]''')
AUDIT_NO_VERIFY_IN_EXPLAIN = AUDIT_DICTS.replace(
    '''    if verify_audit(log) is not None:
        raise ValueError("the trail does not verify")
''', "")

# ------------------------------------------------------------------ exercise 6: decision

DECISION_OTHER = '''\
def pareto_front(options):
    rows = options[["throughput_peak", "p95_ms_high", "unsafe_delivered"]]
    keep = []
    for a, ra in rows.iterrows():
        beaten = False
        for b, rb in rows.iterrows():
            no_worse = (rb.throughput_peak >= ra.throughput_peak and rb.p95_ms_high <= ra.p95_ms_high
                        and rb.unsafe_delivered <= ra.unsafe_delivered)
            better = (rb.throughput_peak > ra.throughput_peak or rb.p95_ms_high < ra.p95_ms_high
                      or rb.unsafe_delivered < ra.unsafe_delivered)
            if no_worse and better:
                beaten = True
                break
        if not beaten:
            keep.append(a)
    return keep


def decide(situation):
    opts = pd.DataFrame(situation["options"]).T
    tfloor, pmax = situation["min_throughput"], situation["max_p95_ms"]
    fails_t = opts.throughput_peak < tfloor
    fails_p = opts.p95_ms_high > pmax
    ok = opts[~fails_t & ~fails_p]
    if ok.empty:
        metric = "p95_ms_high" if fails_p.any() else "throughput_peak"
        return Decision(HOLD, metric, {metric: float(opts[metric].min())},
                        ("unsafe_delivered", "<", float(opts.unsafe_delivered.min())))
    # fewest unsafe; among ties the most throughput at peak
    best = ok.sort_values(["unsafe_delivered", "throughput_peak"], ascending=[True, False]).index[0]
    row = opts.loc[best]
    cheaper = opts[opts.unsafe_delivered < row.unsafe_delivered]
    if cheaper.empty:
        binding = "none"
    elif (cheaper.throughput_peak < tfloor).any():
        binding = "throughput_peak"
    else:
        binding = "p95_ms_high"
    ev = {"unsafe_delivered": float(row.unsafe_delivered)}
    if binding != "none":
        ev[binding] = float(row[binding])
    return Decision(best, binding, ev, ("unsafe_delivered", ">", float(row.unsafe_delivered)))
'''

DECISION_LEAST_BAD = DECISION_OTHER.replace(
    '''    if ok.empty:
        metric''', '''    if ok.empty:
        ok = opts[~fails_p] if (~fails_p).any() else opts
    if False:
        metric''')
DECISION_THROUGHPUT_ONLY = DECISION_OTHER.replace(
    '''best = ok.sort_values(["unsafe_delivered", "throughput_peak"], ascending=[True, False]).index[0]''',
    '''best = opts.throughput_peak.astype(float).idxmax()   # keep the most throughput''')
DECISION_POINT_ESTIMATE = DECISION_OTHER.replace(
    "fails_p = opts.p95_ms_high > pmax", "fails_p = opts.p95_ms > pmax")
DECISION_NORMAL_LOAD = DECISION_OTHER.replace(
    "fails_t = opts.throughput_peak < tfloor", "fails_t = opts.throughput_normal < tfloor")
PARETO_TWO_METRICS = DECISION_OTHER.replace(
    '''            no_worse = (rb.throughput_peak >= ra.throughput_peak and rb.p95_ms_high <= ra.p95_ms_high
                        and rb.unsafe_delivered <= ra.unsafe_delivered)
            better = (rb.throughput_peak > ra.throughput_peak or rb.p95_ms_high < ra.p95_ms_high
                      or rb.unsafe_delivered < ra.unsafe_delivered)''',
    '''            no_worse = rb.p95_ms_high <= ra.p95_ms_high and rb.unsafe_delivered <= ra.unsafe_delivered
            better = rb.p95_ms_high < ra.p95_ms_high or rb.unsafe_delivered < ra.unsafe_delivered''')
PARETO_KEEPS_FEASIBLE = DECISION_OTHER.replace(
    '''def pareto_front(options):
    rows''', '''def pareto_front(options):
    return [n for n, r in options.iterrows() if r.throughput_peak >= 0.95 and r.p95_ms_high <= 50]
    rows''')

VARIANTS = [
    {"name": "overhead with pandas quantiles and an order-statistic interval", "kind": "correct",
     "answers": {"m04-overhead": OVERHEAD_PANDAS}},
    {"name": "overhead with a dict join and a bootstrap loop", "kind": "correct",
     "answers": {"m04-overhead": OVERHEAD_BOOT_LOOP}},
    {"name": "path cost with pandas row operations", "kind": "correct",
     "answers": {"m04-path-cost": PATH_PANDAS}},
    {"name": "held-back stream by formula", "kind": "correct",
     "answers": {"m04-stream": STREAM_FORMULA}},
    {"name": "breaker with a list and a moving start", "kind": "correct",
     "answers": {"m04-breaker": BREAKER_LIST}},
    {"name": "audit trail with records and list filters", "kind": "correct",
     "answers": {"m04-audit": AUDIT_DICTS}},
    {"name": "decision with pandas, another trigger and evidence", "kind": "correct",
     "answers": {"m04-decision": DECISION_OTHER}},

    {"name": "overhead subtracts rows by position", "kind": "buggy",
     "answers": {"m04-overhead": OVERHEAD_POSITIONAL}, "expect_lose": ["m04-overhead-hidden"]},
    {"name": "overhead percentiles of per-group means", "kind": "buggy",
     "answers": {"m04-overhead": OVERHEAD_MEAN_PER_SECOND}, "expect_lose": ["m04-overhead-hidden"]},
    {"name": "throughput kept counts dropped requests", "kind": "buggy",
     "answers": {"m04-overhead": OVERHEAD_COUNTS_DROPPED}, "expect_lose": ["m04-overhead-hidden"]},
    {"name": "p95 interval from the mean's spread", "kind": "buggy",
     "answers": {"m04-overhead": OVERHEAD_INTERVAL_OF_MEAN}, "expect_lose": ["m04-overhead-hidden"]},
    {"name": "parallel checks summed", "kind": "buggy",
     "answers": {"m04-path-cost": PATH_PARALLEL_SUM}, "expect_lose": ["m04-path-cost-hidden"]},
    {"name": "cascade charges the slow check to everyone", "kind": "buggy",
     "answers": {"m04-path-cost": PATH_CASCADE_ALL}, "expect_lose": ["m04-path-cost-hidden"]},
    {"name": "cascade charges escalated requests only the slow check", "kind": "buggy",
     "answers": {"m04-path-cost": PATH_CASCADE_ONLY_SLOW}, "expect_lose": ["m04-path-cost-hidden"]},
    {"name": "exposure counted in responses", "kind": "buggy",
     "answers": {"m04-stream": STREAM_EXPOSED_RESPONSES}, "expect_lose": ["m04-stream-hidden"]},
    {"name": "the flagged block is released", "kind": "buggy",
     "answers": {"m04-stream": STREAM_RELEASES_FLAGGED_BLOCK}, "expect_lose": ["m04-stream-hidden"]},
    {"name": "time to first token ignores the holdback", "kind": "buggy",
     "answers": {"m04-stream": STREAM_TTFT_FIRST_TOKEN}, "expect_lose": ["m04-stream-hidden"]},
    {"name": "block boundary off by one", "kind": "buggy",
     "answers": {"m04-stream": STREAM_OFF_BY_ONE}, "expect_lose": ["m04-stream-hidden"]},
    {"name": "breaker counts flags regardless of volume", "kind": "buggy",
     "answers": {"m04-breaker": BREAKER_COUNT}, "expect_lose": ["m04-breaker-hidden"]},
    {"name": "breaker never half-opens", "kind": "buggy",
     "answers": {"m04-breaker": BREAKER_NO_HALF_OPEN}, "expect_lose": ["m04-breaker-half-open-hidden"]},
    {"name": "breaker rate over everything since the start", "kind": "buggy",
     "answers": {"m04-breaker": BREAKER_NO_WINDOW}, "expect_lose": ["m04-breaker-hidden"]},
    {"name": "breaker trips on a blip (no minimum volume)", "kind": "buggy",
     "answers": {"m04-breaker": BREAKER_NO_MIN_VOLUME}, "expect_lose": ["m04-breaker-hidden"]},
    {"name": "breaker keeps the old window across a trip", "kind": "buggy",
     "answers": {"m04-breaker": BREAKER_KEEPS_OLD_WINDOW}, "expect_lose": ["m04-breaker-half-open-hidden"]},
    {"name": "audit entries hashed but not chained", "kind": "buggy",
     "answers": {"m04-audit": AUDIT_NOT_CHAINED}, "expect_lose": ["m04-audit-hidden"]},
    {"name": "explain reads the breaker's last state, not the state at arrival", "kind": "buggy",
     "answers": {"m04-audit": AUDIT_BREAKER_LAST_STATE}, "expect_lose": ["m04-audit-explain-hidden"]},
    {"name": "explain trusts a trail it has not verified", "kind": "buggy",
     "answers": {"m04-audit": AUDIT_NO_VERIFY_IN_EXPLAIN}, "expect_lose": ["m04-audit-explain-hidden"]},
    {"name": "least-bad configuration instead of hold", "kind": "buggy",
     "answers": {"m04-decision": DECISION_LEAST_BAD}, "expect_lose": ["m04-decision-hold-hidden"]},
    {"name": "operating point chosen on throughput alone", "kind": "buggy",
     "answers": {"m04-decision": DECISION_THROUGHPUT_ONLY}, "expect_lose": ["m04-decision-hidden"]},
    {"name": "latency limit read on the p95 point estimate", "kind": "buggy",
     "answers": {"m04-decision": DECISION_POINT_ESTIMATE}, "expect_lose": ["m04-decision-hidden"]},
    {"name": "throughput read at normal load", "kind": "buggy",
     "answers": {"m04-decision": DECISION_NORMAL_LOAD}, "expect_lose": ["m04-decision-hidden"]},
    {"name": "Pareto front on two of the three quantities", "kind": "buggy",
     "answers": {"m04-decision": PARETO_TWO_METRICS}, "expect_lose": ["m04-pareto-hidden"]},
    {"name": "Pareto front keeps every feasible configuration", "kind": "buggy",
     "answers": {"m04-decision": PARETO_KEEPS_FEASIBLE}, "expect_lose": ["m04-pareto-hidden"]},
]
