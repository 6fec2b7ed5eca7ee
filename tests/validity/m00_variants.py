"""Answer variants for m00-orientation, written from the student statement.

Correct ones take other routes (another data structure, a stable reverse sort, pandas, a
different defensible decision); buggy ones are mistakes engineers really make. Run from the
repository root:

    .venv/bin/python /work/shared/tools/validity/run.py . m00-orientation tests/validity/m00_variants.py
"""

# ------------------------------------------------------------------ exercise 1: the register

REGISTER_OTHER = '''\
def make_register():
    rows = [
        # hazard, layer, L, S, failure, mitigation, metric, direction, threshold, owner
        ("H1", "input", 4, 4, "injected instructions obeyed", "prompt shield on inputs",
         "red-team injection success rate", ">=", 0.02, "security lead"),
        ("H2", "model", 2, 5, "cross-customer leak", "tool returns only the caller's rows",
         "cross-customer rows seen in audit", ">", 0, "privacy officer"),
        ("H2", "monitoring", 2, 5, "leak reported", "complaint triage", "leak reports a week",
         ">", 0, "privacy officer"),
        ("H3", "data", 3, 4, "bad vendor batch", "audit sample per batch",
         "audit pass rate per batch", "<", 0.95, "data lead"),
        ("H4", "model", 2, 4, "unrequested freeze", "confirmation step",
         "freezes without confirmation", ">", 0, "product owner"),
        ("H5", "evaluation", 4, 3, "Spanish worse", "per-language release gate",
         "Spanish accuracy", "<=", 0.9, "ML lead"),
        ("H6", "evaluation", 2, 5, "bad release", "red-team release gate",
         "unsafe rate on release set", ">", 0.01, "ML lead"),
        ("H6", "serving", 2, 5, "bad release at scale", "canary and kill switch",
         "unsafe rate in canary", ">", 0.005, "SRE on call"),
    ]
    keys = ["hazard", "layer", "likelihood", "severity", "failure_mode", "mitigation",
            "metric", "direction", "threshold", "owner"]
    return [dict(zip(keys, row)) for row in rows]
'''

REGISTER_SERVING_ONLY = REGISTER_OTHER.replace(
    '''        ("H6", "evaluation", 2, 5, "bad release", "red-team release gate",
         "unsafe rate on release set", ">", 0.01, "ML lead"),
''', "")

REGISTER_STRING_THRESHOLD = REGISTER_OTHER.replace('">", 0.01, "ML lead"', '">", "1%", "ML lead"')

REGISTER_NEVER_FIRES = REGISTER_OTHER.replace(
    '"cross-customer rows seen in audit", ">", 0,', '"cross-customer rows seen in audit", "<", 0,')

REGISTER_WORD_DIRECTIONS = REGISTER_OTHER.replace('">", 0.01', '"above", 0.01')

# ------------------------------------------------------------------ exercise 2: prioritise

PRIORITISE_REVERSE = '''\
def prioritise(register):
    if not isinstance(register, list) or not all(isinstance(r, dict) for r in register):
        raise TypeError("register must be a list of dicts")
    for r in register:
        for k in ("likelihood", "severity"):
            v = r.get(k)
            if type(v) is not int or v < 1 or v > 5:
                raise ValueError(f"risk {r.get('hazard')}: {k} = {v!r} is not an int 1-5")
    # sorted is stable with reverse=True too
    return sorted(register, key=lambda r: (r["likelihood"] * r["severity"], r["severity"]),
                  reverse=True)
'''

PRIORITISE_NO_TIEBREAK = PRIORITISE_REVERSE.replace(
    '''key=lambda r: (r["likelihood"] * r["severity"], r["severity"]),''',
    '''key=lambda r: r["likelihood"] * r["severity"],''')

PRIORITISE_IN_PLACE = PRIORITISE_REVERSE.replace(
    '''    return sorted(register, key=lambda r: (r["likelihood"] * r["severity"], r["severity"]),
                  reverse=True)''',
    '''    register.sort(key=lambda r: (r["likelihood"] * r["severity"], r["severity"]),
                  reverse=True)
    return register''')

PRIORITISE_NAMELESS_ERROR = PRIORITISE_REVERSE.replace(
    '''f"risk {r.get('hazard')}: {k} = {v!r} is not an int 1-5"''',
    '''f"{k} must be an int from 1 to 5"''')

# ------------------------------------------------------------------ exercise 3: earliest control

EARLIEST_MIN = '''\
def earliest_control(design):
    if not isinstance(design, Design):
        raise TypeError("expected a Design")
    order = list(design.stages)
    return {h: min((c.stage for c in design.controls if h in c.hazards),
                   key=order.index, default=None)
            for h in design.hazards}
'''

EARLIEST_LIST_ORDER = '''\
def earliest_control(design):
    if not isinstance(design, Design):
        raise TypeError("expected a Design")
    out = {h: None for h in design.hazards}
    for c in design.controls:            # the first control listed wins
        for h in c.hazards:
            if h in out and out[h] is None:
                out[h] = c.stage
    return out
'''

EARLIEST_LAYERS_ORDER = '''\
def earliest_control(design):
    if not isinstance(design, Design):
        raise TypeError("expected a Design")
    rank = {s: (LAYERS.index(s) if s in LAYERS else design.stages.index(s)) for s in design.stages}
    return {h: min((c.stage for c in design.controls if h in c.hazards),
                   key=rank.get, default=None)
            for h in design.hazards}
'''

EARLIEST_FROM_CONTROLS = '''\
def earliest_control(design):
    if not isinstance(design, Design):
        raise TypeError("expected a Design")
    out = {h: None for h in design.hazards}
    for c in sorted(design.controls, key=lambda c: design.stages.index(c.stage)):
        for h in c.hazards:
            if out.get(h) is None:
                out[h] = c.stage      # also adds hazards a control names out of scope
    return out
'''

# ------------------------------------------------------------------ exercise 4: filter at the end

FILTER_LOOP = '''\
def filter_at_the_end(design):
    last = design.stages[-1]
    for stage in earliest_control(design).values():
        if stage is not None and stage != last:
            return False
    return True
'''

FILTER_NUMPY = '''\
def filter_at_the_end(design):
    first = earliest_control(design)
    return np.all([s is None or s == design.stages[-1] for s in first.values()])
'''

FILTER_ANY_CONTROL = '''\
def filter_at_the_end(design):
    return all(c.stage == design.stages[-1] for c in design.controls)
'''

# ------------------------------------------------------------------ exercise 5: the decision

DECIDE_PANDAS = '''\
import pandas as pd


def decide(review):
    rows = []
    for name, d in review.designs.items():
        first = earliest_control(d)
        cutoff = d.stages.index("output")
        late = [h for h in d.hazards if review.severity.get(h, 0) == 5
                and (first[h] is None or d.stages.index(first[h]) >= cutoff)]
        e = review.unsafe[name]
        rows.append({"option": name, "unsafe": e.high, "latency_ms": review.latency_ms[name],
                     "sev5_late": len(late)})
    t = pd.DataFrame(rows).set_index("option")
    checks = {"risk appetite": t.unsafe <= review.risk_appetite,
              "latency budget": t.latency_ms <= review.latency_budget_ms,
              "severity-5 rule": t.sev5_late == 0}
    ok = checks["risk appetite"] & checks["latency budget"] & checks["severity-5 rule"]
    if not ok.any():
        worst = min(checks, key=lambda k: checks[k].sum())
        return Decision(HOLD, worst, evidence=t.iloc[0].to_dict(),
                        trigger=("unsafe", "<=", review.risk_appetite))
    best = t[ok].sort_values(["unsafe", "latency_ms"]).index[0]
    better = t[t.unsafe < t.unsafe[best]]
    binding = "none"
    if len(better):
        top = better.unsafe.idxmin()
        binding = next(k for k, v in checks.items() if not v[top])
    return Decision(best, binding, evidence=t.loc[best].to_dict(),
                    trigger=("latency_ms", ">", review.latency_budget_ms))
'''

# a different defensible choice: the fastest design nothing beats on every metric
DECIDE_FASTEST_UNDOMINATED = '''\
def decide(review):
    table = {}
    for name, d in review.designs.items():
        first = earliest_control(d)
        late = sum(1 for h, s in first.items() if review.severity.get(h) == 5
                   and (s is None or d.stages.index(s) >= d.stages.index("output")))
        table[name] = {"unsafe": review.unsafe[name].high,
                       "latency_ms": review.latency_ms[name], "sev5_late": late}
    def meets(r):
        return (r["unsafe"] <= review.risk_appetite and r["sev5_late"] == 0
                and r["latency_ms"] <= review.latency_budget_ms)
    ok = [n for n, r in table.items() if meets(r)]
    if not ok:
        name = next(iter(table))
        r = table[name]
        failed = ("severity-5 rule" if r["sev5_late"] else "risk appetite"
                  if r["unsafe"] > review.risk_appetite else "latency budget")
        return Decision(HOLD, failed, evidence=r, trigger=("sev5_late", "<", 1))
    def beaten(a):
        return any(all(table[b][m] <= table[a][m] for m in table[a]) and table[b] != table[a]
                   for b in ok if b != a)
    front = [n for n in ok if not beaten(n)]
    choice = min(front, key=lambda n: table[n]["latency_ms"])
    better = [n for n in table if table[n]["unsafe"] < table[choice]["unsafe"]]
    if not better:
        binding = "none"
    elif any(n in ok for n in better):
        binding = "latency budget"    # I give up some risk for latency margin
    else:
        top = min(better, key=lambda n: table[n]["unsafe"])
        r = table[top]
        binding = ("severity-5 rule" if r["sev5_late"] else "risk appetite"
                   if r["unsafe"] > review.risk_appetite else "latency budget")
    return Decision(choice, binding, evidence=table[choice],
                    trigger=("unsafe", ">", review.risk_appetite))
'''

DECIDE_POINT_ESTIMATE = DECIDE_PANDAS.replace('"unsafe": e.high', '"unsafe": e.rate')

DECIDE_LEAST_BAD = DECIDE_PANDAS.replace('''    if not ok.any():
        worst = min(checks, key=lambda k: checks[k].sum())
        return Decision(HOLD, worst, evidence=t.iloc[0].to_dict(),
                        trigger=("unsafe", "<=", review.risk_appetite))
''', '''    if not ok.any():
        ok = checks["severity-5 rule"] | True   # nothing passes: ship the least bad
''')

DECIDE_ANY_LATE_CONTROL = DECIDE_PANDAS.replace(
    '''and (first[h] is None or d.stages.index(first[h]) >= cutoff)]''',
    '''and first[h] is None]''')

DECIDE_SERVING_EARLY = DECIDE_PANDAS.replace(
    '''cutoff = d.stages.index("output")''', '''cutoff = d.stages.index("monitoring")''')

DECIDE_ALL_SEVERITIES = DECIDE_PANDAS.replace(
    '''late = [h for h in d.hazards if review.severity.get(h, 0) == 5
                and (first[h] is None or d.stages.index(first[h]) >= cutoff)]''',
    '''late = [h for h, s in review.severity.items() if s == 5
                and (first.get(h) is None or d.stages.index(first[h]) >= cutoff)]''')

DECIDE_NO_LATENCY = DECIDE_PANDAS.replace(
    '''    ok = checks["risk appetite"] & checks["latency budget"] & checks["severity-5 rule"]''',
    '''    ok = checks["risk appetite"] & checks["severity-5 rule"]''')

DECIDE_MOST_CONTROLS = DECIDE_PANDAS.replace(
    '''    best = t[ok].sort_values(["unsafe", "latency_ms"]).index[0]''',
    '''    best = max(t[ok].index, key=lambda n: len(review.designs[n].controls))''')

DECIDE_BINDING_ALWAYS_LATENCY = DECIDE_PANDAS.replace(
    '''    binding = "none"
    if len(better):
        top = better.unsafe.idxmin()
        binding = next(k for k, v in checks.items() if not v[top])''',
    '''    binding = "latency budget"''')

DECIDE_TRIGGER_FIRED = DECIDE_PANDAS.replace(
    '''trigger=("latency_ms", ">", review.latency_budget_ms))''',
    '''trigger=("unsafe", "<", review.risk_appetite))''')

DECIDE_HOLD_BINDING_NONE = DECIDE_PANDAS.replace(
    '''        return Decision(HOLD, worst, evidence=t.iloc[0].to_dict(),''',
    '''        return Decision(HOLD, "none", evidence=t.iloc[0].to_dict(),''')

R, P, E, F, D = ("m00-risk-register", "m00-prioritise", "m00-earliest-control",
                 "m00-filter-at-the-end", "m00-decision")

VARIANTS = [
    # ---- correct, by other routes
    {"name": "register-other-entries", "kind": "correct", "answers": {R: REGISTER_OTHER}},
    {"name": "prioritise-stable-reverse", "kind": "correct", "answers": {P: PRIORITISE_REVERSE}},
    {"name": "earliest-min-with-default", "kind": "correct", "answers": {E: EARLIEST_MIN}},
    {"name": "filter-plain-loop", "kind": "correct", "answers": {F: FILTER_LOOP}},
    {"name": "decide-pandas", "kind": "correct", "answers": {D: DECIDE_PANDAS}},
    {"name": "decide-fastest-undominated", "kind": "correct",
     "answers": {D: DECIDE_FASTEST_UNDOMINATED}},
    # ---- buggy
    {"name": "register-H6-only-at-serving", "kind": "buggy",
     "answers": {R: REGISTER_SERVING_ONLY}, "expect_lose": ["m00-risk-register-hidden"]},
    {"name": "register-threshold-as-text", "kind": "buggy",
     "answers": {R: REGISTER_STRING_THRESHOLD},
     "expect_lose": ["m00-risk-register-entries-hidden"]},
    {"name": "register-trigger-never-fires", "kind": "buggy",
     "answers": {R: REGISTER_NEVER_FIRES},
     "expect_lose": ["m00-risk-register-direction-hidden"]},
    {"name": "register-direction-in-words", "kind": "buggy",
     "answers": {R: REGISTER_WORD_DIRECTIONS},
     "expect_lose": ["m00-risk-register-direction-hidden"]},
    {"name": "prioritise-no-severity-tiebreak", "kind": "buggy",
     "answers": {P: PRIORITISE_NO_TIEBREAK}, "expect_lose": ["m00-prioritise-hidden"]},
    {"name": "prioritise-sorts-in-place", "kind": "buggy",
     "answers": {P: PRIORITISE_IN_PLACE}, "expect_lose": ["m00-prioritise-hidden"]},
    {"name": "prioritise-error-without-hazard", "kind": "buggy",
     "answers": {P: PRIORITISE_NAMELESS_ERROR}, "expect_lose": ["m00-prioritise-input-hidden"]},
    {"name": "earliest-first-listed", "kind": "buggy",
     "answers": {E: EARLIEST_LIST_ORDER}, "expect_lose": ["m00-earliest-control-hidden"]},
    {"name": "earliest-by-LAYERS", "kind": "buggy",
     "answers": {E: EARLIEST_LAYERS_ORDER}, "expect_lose": ["m00-earliest-control-hidden"]},
    {"name": "earliest-keys-from-controls", "kind": "buggy",
     "answers": {E: EARLIEST_FROM_CONTROLS},
     "expect_lose": ["m00-earliest-control-input-hidden"]},
    {"name": "filter-numpy-bool", "kind": "buggy",
     "answers": {F: FILTER_NUMPY}, "expect_lose": ["m00-filter-at-the-end-type-hidden"]},
    {"name": "filter-any-control-early", "kind": "buggy",
     "answers": {F: FILTER_ANY_CONTROL}, "expect_lose": ["m00-filter-at-the-end-hidden"]},
    {"name": "decide-point-estimate", "kind": "buggy",
     "answers": {D: DECIDE_POINT_ESTIMATE}, "expect_lose": ["m00-decision-hidden"]},
    {"name": "decide-least-bad-instead-of-hold", "kind": "buggy",
     "answers": {D: DECIDE_LEAST_BAD}, "expect_lose": ["m00-decision-hold-hidden"]},
    {"name": "decide-only-uncontrolled-counts", "kind": "buggy",
     "answers": {D: DECIDE_ANY_LATE_CONTROL}, "expect_lose": ["m00-decision-hidden"]},
    {"name": "decide-serving-counts-early", "kind": "buggy",
     "answers": {D: DECIDE_SERVING_EARLY}, "expect_lose": ["m00-decision-hidden"]},
    {"name": "decide-out-of-scope-severities", "kind": "buggy",
     "answers": {D: DECIDE_ALL_SEVERITIES}, "expect_lose": ["m00-decision-hidden"]},
    {"name": "decide-ignores-latency", "kind": "buggy",
     "answers": {D: DECIDE_NO_LATENCY}, "expect_lose": ["m00-decision-hidden"]},
    {"name": "decide-most-controls", "kind": "buggy",
     "answers": {D: DECIDE_MOST_CONTROLS}, "expect_lose": ["m00-decision-hidden"]},
    {"name": "decide-binding-always-latency", "kind": "buggy",
     "answers": {D: DECIDE_BINDING_ALWAYS_LATENCY}, "expect_lose": ["m00-decision-why-hidden"]},
    {"name": "decide-trigger-already-fired", "kind": "buggy",
     "answers": {D: DECIDE_TRIGGER_FIRED}, "expect_lose": ["m00-decision-why-hidden"]},
    {"name": "decide-hold-binding-none", "kind": "buggy",
     "answers": {D: DECIDE_HOLD_BINDING_NONE}, "expect_lose": ["m00-decision-hold-hidden"]},
]
