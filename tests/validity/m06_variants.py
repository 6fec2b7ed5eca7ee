"""Student answer variants for m06-stakeholder-tradeoffs, written from the student
notebook's statements: each correct one takes another route (other arithmetic, another
data structure, another wording or tie-break); each buggy one is a mistake engineers
commonly make with these statements. Used as:

    .venv/bin/python /work/shared/tools/validity/run.py . m06-stakeholder-tradeoffs \
        tests/validity/m06_variants.py
"""

M = "m06-"

# ------------------------------------------------------- Exercise 1: natural frequencies

NF_DECIMAL = '''\
import math
from decimal import ROUND_HALF_EVEN, Decimal


def natural_frequency(rate, low, high):
    rate, low, high = float(rate), float(low), float(high)
    if rate <= 0 or rate > 0.5 or low < 0 or high > 1 or not (low <= rate <= high):
        raise ValueError("bad rate or interval")

    def n_of(r):
        n = int(Decimal(1 / r).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
        if n >= 100:
            digits = int(math.floor(math.log10(n))) - 1
            n = int(round(n, -digits))
        return "1 in " + "{:,}".format(n)

    if low == 0:
        return "about %s (at most %s)" % (n_of(rate), n_of(high))
    return "about %s (between %s and %s)" % (n_of(rate), n_of(low), n_of(high))
'''

NF_TRUNCATE = NF_DECIMAL.replace(
    "int(Decimal(1 / r).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))", "int(1 / r)")

NF_NO_INTERVAL = '''\
def natural_frequency(rate, low, high):
    if not 0 < rate <= 0.5 or not 0 <= low <= rate <= high <= 1:
        raise ValueError("bad rate or interval")
    n = round(1 / rate)
    if n >= 100:
        n = int(float(f"{n:.2g}"))
    return f"about 1 in {n:,}"
'''

NF_FALSE_PRECISION = '''\
def natural_frequency(rate, low, high):
    if not 0 < rate <= 0.5 or not 0 <= low <= rate <= high <= 1:
        raise ValueError("bad rate or interval")
    one = lambda r: f"1 in {round(1 / r):,}"
    if low == 0:
        return f"about {one(rate)} (at most {one(high)})"
    return f"about {one(rate)} (between {one(low)} and {one(high)})"
'''

NF_BOUNDS_SWAPPED = '''\
def natural_frequency(rate, low, high):
    if not 0 < rate <= 0.5 or not 0 <= low <= rate <= high <= 1:
        raise ValueError("bad rate or interval")

    def one(r):
        n = round(1 / r)
        return f"1 in {int(float(f'{n:.2g}')) if n >= 100 else n:,}"

    if low == 0:
        return f"about {one(rate)} (at most {one(high)})"
    # the smaller N first, because it is the smaller number
    return f"about {one(rate)} (between {one(high)} and {one(low)})"
'''

NF_NO_ZERO_CASE = '''\
def natural_frequency(rate, low, high):
    if not 0 < rate <= 0.5 or not 0 <= low <= rate <= high <= 1:
        raise ValueError("bad rate or interval")

    def one(r):
        n = round(1 / r)
        return f"1 in {int(float(f'{n:.2g}')) if n >= 100 else n:,}"

    return f"about {one(rate)} (between {one(low)} and {one(high)})"
'''

# --------------------------------------------------------- Exercise 2: absolute risk

RISK_LOOP = '''\
def risk_change(before, after):
    if not (0 < before <= 1 and 0 < after <= 1):
        raise ValueError("rates must be in (0, 1]")
    for k in range(2, 12):
        per = 10 ** k
        a, b = int(round(before * per)), int(round(after * per))
        if min(a, b) >= 1 and (a != b or before == after):
            ratio = after / before
            return "from {:,} in {:,} to {:,} in {:,} ({} times the risk)".format(
                a, per, b, per, format(ratio, ".2g"))
    raise ValueError("rates too small")
'''

RISK_RELATIVE_ONLY = '''\
def risk_change(before, after):
    if not (0 < before <= 1 and 0 < after <= 1):
        raise ValueError("rates must be in (0, 1]")
    return f"{after / before:.2g} times the risk"
'''

RISK_PER_THOUSAND = '''\
def risk_change(before, after):
    if not (0 < before <= 1 and 0 < after <= 1):
        raise ValueError("rates must be in (0, 1]")
    a, b = round(before * 1000), round(after * 1000)
    return f"from {a:,} in 1,000 to {b:,} in 1,000 ({after / before:.2g} times the risk)"
'''

RISK_EQUAL_COUNTS = '''\
def risk_change(before, after):
    if not (0 < before <= 1 and 0 < after <= 1):
        raise ValueError("rates must be in (0, 1]")
    per = 100
    while round(before * per) < 1 or round(after * per) < 1:
        per *= 10
    a, b = round(before * per), round(after * per)
    return f"from {a:,} in {per:,} to {b:,} in {per:,} ({after / before:.2g} times the risk)"
'''

# --------------------------------------------------------- Exercise 3: dominance

DOM_NUMPY = '''\
def dominance(options, senses):
    names = list(options.index)
    P, L, H = [], [], []
    for m, s in senses.items():
        if s not in ("min", "max"):
            raise ValueError(f"bad sense {s}")
        for c in (m, m + "_low", m + "_high"):
            if c not in options.columns:
                raise ValueError(f"missing {c}")
        p, lo, hi = (options[c].to_numpy(float) for c in (m, m + "_low", m + "_high"))
        if np.any(lo > p) or np.any(p > hi):
            raise ValueError(f"{m}: low <= point <= high violated")
        if s == "min":                        # flip to "larger is better"
            p, lo, hi = -p, -hi, -lo
        P.append(p); L.append(lo); H.append(hi)
    P, L, H = np.array(P), np.array(L), np.array(H)   # metrics x options
    out = {}
    for j, y in enumerate(names):
        cover = [i for i in range(len(names)) if i != j and np.all(P[:, i] >= P[:, j])]
        if any(np.any(L[:, i] > H[:, j]) for i in cover):
            out[y] = "dominated"
        elif any(np.any(P[:, i] > P[:, j]) for i in cover):
            out[y] = "inside the noise"
        else:
            out[y] = "front"
    return out
'''

DOM_POINTS = '''\
def dominance(options, senses):
    for m, s in senses.items():
        if s not in ("min", "max"):
            raise ValueError("bad sense")
        for c in (m, m + "_low", m + "_high"):
            if c not in options.columns:
                raise ValueError("missing column")
        if ((options[m + "_low"] > options[m]) | (options[m] > options[m + "_high"])).any():
            raise ValueError("bad interval")
    sign = {m: 1 if s == "max" else -1 for m, s in senses.items()}
    out = {}
    for y in options.index:
        out[y] = "front"
        for x in options.index:
            if x == y:
                continue
            ge = all(sign[m] * options.loc[x, m] >= sign[m] * options.loc[y, m] for m in senses)
            gt = any(sign[m] * options.loc[x, m] > sign[m] * options.loc[y, m] for m in senses)
            if ge and gt:
                out[y] = "dominated"
    return out
'''

DOM_ALL_MIN = DOM_NUMPY.replace('if s == "min":', 'if True:')

DOM_POINT_OUTSIDE = DOM_NUMPY.replace("np.any(L[:, i] > H[:, j])", "np.any(P[:, i] > H[:, j])")

# --------------------------------------------------------- Exercise 4: the model card

CARD_PERCENT = '''\
def model_card(results):
    pc = lambda t: f"{100 * t[0]:.1f}% (from {100 * t[1]:.1f}% to {100 * t[2]:.1f}%)"
    g = results["groups"]
    per_group = [f"* {name}: TPR {pc(r['tpr'])}, FPR {pc(r['fpr'])}, based on {r['n']} "
                 f"patients of whom {r['n_sick']} sick" for name, r in g.items()]
    limits = [f"* {name}: only {r['n_sick']} sick patients, so the TPR may be as low as "
              f"{100 * r['tpr'][1]:.1f}%." for name, r in g.items()]
    lat = results["latency"]
    return {
        "Model details": results["model"] + " (" + results["option"] + ")",
        "Intended use": "Decision support for clinicians; not autonomous diagnosis.",
        "Factors": "Patient group: " + ", ".join(g) + ".",
        "Metrics": "Sensitivity and false alarm rate per group, accuracy, gap between groups.",
        "Evaluation data": f"{results['n_test']} test patients; {results['data']}.",
        "Training data": f"{results['n_train']} training and {results['n_val']} validation "
                         "patients.",
        "Quantitative analyses": "\\n".join(
            [f"Accuracy {pc(results['accuracy'])}; gap {pc(results['gap'])}; p95 latency "
             f"{lat[0]:.4f} s ({lat[1]:.4f} to {lat[2]:.4f})."] + per_group),
        "Ethical considerations": "Under-recorded labels; reviewed charts needed.",
        "Caveats and recommendations": "\\n".join(limits),
    }
'''

CARD_TYPED_NUMBERS = CARD_PERCENT.replace(
    '"Intended use": "Decision support for clinicians; not autonomous diagnosis."',
    '"Intended use": "Decision support for clinicians, reviewed within 48 hours."').replace(
    '"Ethical considerations": "Under-recorded labels; reviewed charts needed."',
    '"Ethical considerations": "About 40% of group B\'s true cases were under-recorded."')

CARD_NO_INTERVALS = CARD_PERCENT.replace(
    '''per_group = [f"* {name}: TPR {pc(r['tpr'])}, FPR {pc(r['fpr'])}''',
    '''per_group = [f"* {name}: TPR {100 * r['tpr'][0]:.1f}%, FPR {100 * r['fpr'][0]:.1f}%''')

CARD_GENERIC_CAVEATS = CARD_PERCENT.replace(
    '''"Caveats and recommendations": "\\n".join(limits),''',
    '''"Caveats and recommendations": "Small groups have wide intervals; monitor after launch.",''')

# --------------------------------------------------------- Exercise 5: ship or hold

DECIDE_PARETO = '''\
def decide(situation):
    opts = situation["options"]
    if len(opts) == 0:
        raise ValueError("no options")
    for c in ("accuracy", "gap_high", "latency"):
        if c not in opts.columns:
            raise ValueError(f"missing {c}")
    lim, bud = situation["gap_limit"], situation["latency_budget"]
    rows = {n: (float(r["accuracy"]), float(r["gap_high"]), float(r["latency"]))
            for n, r in opts.iterrows()}
    ok = {n: v for n, v in rows.items() if v[1] <= lim and v[2] <= bud}
    if not ok:
        gap_fail = [n for n, v in rows.items() if v[1] > lim]
        if gap_fail:
            return Decision(HOLD, "gap_high", {"gap_high": min(rows[n][1] for n in gap_fail)},
                            ("gap_high", "<=", lim))
        return Decision(HOLD, "latency", {"latency": min(v[2] for v in rows.values())},
                        ("latency", "<=", bud))

    def dominated(n):
        a = ok[n]
        return any(b[0] >= a[0] and b[1] <= a[1] and b[2] <= a[2] and b != a
                   for m, b in ok.items() if m != n)

    front = [n for n in ok if not dominated(n)]
    choice = max(front, key=lambda n: ok[n][0])
    acc, gap, lat = ok[choice]
    better = [n for n, v in rows.items() if v[0] > acc]
    if not better:
        binding = "none"
    elif any(rows[n][2] > bud for n in better):
        binding = "latency budget"
    else:
        binding = "gap limit"
    return Decision(choice, binding, {"accuracy": acc, "gap_high": gap, "latency": lat},
                    Trigger("gap_high", ">", lim))
'''

DECIDE_POINT_GAP = DECIDE_PARETO.replace('float(r["gap_high"])', 'float(r["gap"])').replace(
    '"gap_high": gap', '"gap": gap').replace('Trigger("gap_high", ">", lim)',
                                            'Trigger("gap", ">", lim)')

DECIDE_LEAST_BAD = '''\
def decide(situation):
    opts = situation["options"]
    if len(opts) == 0:
        raise ValueError("no options")
    for c in ("accuracy", "gap_high", "latency"):
        if c not in opts.columns:
            raise ValueError(f"missing {c}")
    lim, bud = situation["gap_limit"], situation["latency_budget"]
    t = opts[["accuracy", "gap_high", "latency"]].astype(float)
    ok = t[(t.gap_high <= lim) & (t.latency <= bud)]
    if ok.empty:
        # nothing passes: ship the one closest to the limit and keep watching
        best = (t.gap_high - lim).idxmin()
        r = t.loc[best]
        return Decision(best, "gap limit", {"accuracy": float(r.accuracy),
                                            "gap_high": float(r.gap_high),
                                            "latency": float(r.latency)},
                        Trigger("gap_high", ">", float(r.gap_high) + 0.05))
    best = ok.sort_values(["accuracy", "gap_high"], ascending=[False, True]).index[0]
    r = t.loc[best]
    better = t[t.accuracy > r.accuracy]
    binding = "none" if better.empty else (
        "gap limit" if (better.gap_high > lim).any() else "latency budget")
    return Decision(best, binding, {"accuracy": float(r.accuracy), "gap_high": float(r.gap_high),
                                    "latency": float(r.latency)}, Trigger("gap_high", ">", lim))
'''

DECIDE_FIRST_MAX = '''\
def decide(situation):
    opts = situation["options"]
    if len(opts) == 0:
        raise ValueError("no options")
    for c in ("accuracy", "gap_high", "latency"):
        if c not in opts.columns:
            raise ValueError(f"missing {c}")
    lim, bud = situation["gap_limit"], situation["latency_budget"]
    t = opts[["accuracy", "gap_high", "latency"]].astype(float)
    ok = t[(t.gap_high <= lim) & (t.latency <= bud)]
    if ok.empty:
        return Decision(HOLD, "gap limit", {"gap_high": float(t.gap_high.min())},
                        Trigger("gap_high", "<=", lim))
    best = ok.accuracy.idxmax()
    r = t.loc[best]
    better = t[t.accuracy > r.accuracy]
    binding = "none" if better.empty else (
        "gap limit" if (better.gap_high > lim).any() else "latency budget")
    return Decision(best, binding, {"accuracy": float(r.accuracy), "gap_high": float(r.gap_high),
                                    "latency": float(r.latency)}, Trigger("gap_high", ">", lim))
'''

DECIDE_HOLD_TRIGGER_FIRED = DECIDE_FIRST_MAX.replace(
    'best = ok.accuracy.idxmax()',
    'best = ok.sort_values(["accuracy", "gap_high"], ascending=[False, True]).index[0]').replace(
    'Trigger("gap_high", "<=", lim))\n    best', 'Trigger("gap_high", ">", lim))\n    best')

DECIDE_PROPOSAL_IF_POINT_OK = DECIDE_FIRST_MAX.replace(
    '    ok = t[(t.gap_high <= lim) & (t.latency <= bud)]\n',
    '    ok = t[(t.gap_high <= lim) & (t.latency <= bud)]\n'
    '    p = situation.get("proposal")\n'
    '    if p in t.index and opts.loc[p, "gap"] <= lim and t.loc[p, "latency"] <= bud:\n'
    '        r = t.loc[p]\n'
    '        return Decision(p, "none", {"accuracy": float(r.accuracy), "gap_high": '
    'float(r.gap_high), "latency": float(r.latency)}, Trigger("accuracy", "<", 0.5))\n').replace(
    'best = ok.accuracy.idxmax()',
    'best = ok.sort_values(["accuracy", "gap_high"], ascending=[False, True]).index[0]')

# --------------------------------------------------------- Exercise 6: the concern log

LOG = '''

LOG = [
    {**CONCERNS[0], "action": "ship the first option that meets the rule", "owner": "product lead",
     "metric": "gap_high", "threshold": 0.2},
    {**CONCERNS[1], "action": "counsel review before launch", "owner": "counsel",
     "metric": "gap_high", "threshold": 0.2},
    {**CONCERNS[2], "action": "weekly review of B's flags", "owner": "clinical lead",
     "metric": "fpr_b", "threshold": 0.08},
    {**CONCERNS[3], "action": "monitor pages the model owner", "owner": "model owner",
     "metric": "gap_high", "threshold": 0.2},
    {**CONCERNS[4], "reason": "two hours per uncertain patient is far beyond the budget"},
]
'''

LOG_REGEX = '''\
import numbers


def rejected(log, metrics):
    if not isinstance(log, list):
        raise TypeError("log must be a list")
    text = lambda v: isinstance(v, str) and v.strip() != ""
    bad = []
    for i, entry in enumerate(log):
        if not isinstance(entry, dict) or not text(entry.get("concern")):
            bad.append(i)
        elif text(entry.get("action")):
            t = entry.get("threshold")
            number = isinstance(t, numbers.Real) and not isinstance(t, bool) and t == t
            if not (text(entry.get("owner")) and entry.get("metric") in set(metrics) and number):
                bad.append(i)
        elif len(re.findall(r"\\S+", entry.get("reason") or "")) < 5:
            bad.append(i)
    return bad
''' + LOG

LOG_ANY_REASON = '''\
def rejected(log, metrics):
    if not isinstance(log, list):
        raise TypeError("log must be a list")
    bad = []
    for i, e in enumerate(log):
        if not isinstance(e, dict) or not str(e.get("concern") or "").strip():
            bad.append(i)
            continue
        if e.get("action"):
            t = e.get("threshold")
            if not (e.get("owner") and e.get("metric") in metrics
                    and isinstance(t, (int, float)) and not isinstance(t, bool)):
                bad.append(i)
        elif not e.get("reason"):          # any reason will do
            bad.append(i)
    return bad
''' + LOG

LOG_NO_METRIC_CHECK = LOG_REGEX.replace(' and entry.get("metric") in set(metrics)', '')

LOG_BOOL_THRESHOLD = LOG_REGEX.replace(' and not isinstance(t, bool)', '')

LOG_REASON_EXCUSES_HALF_ACTION = '''\
def rejected(log, metrics):
    if not isinstance(log, list):
        raise TypeError("log must be a list")
    bad = []
    for i, e in enumerate(log):
        if not isinstance(e, dict) or not isinstance(e.get("concern"), str) \\
                or not e["concern"].strip():
            bad.append(i)
            continue
        reason_ok = isinstance(e.get("reason"), str) and len(e["reason"].split()) >= 5
        t = e.get("threshold")
        action_ok = (isinstance(e.get("action"), str) and e["action"].strip()
                     and isinstance(e.get("owner"), str) and e["owner"].strip()
                     and e.get("metric") in metrics and isinstance(t, (int, float))
                     and not isinstance(t, bool))
        if not (action_ok or reason_ok):
            bad.append(i)
    return bad
''' + LOG

# --------------------------------------------------------- Exercise 7: three memos

MEMOS_SHORT = """\
MEMOS = {
    "policy": ("We need your decision by Friday: hold the launch, as our rule says, or change "
               "the rule. Group thresholds (one cut-off score per group) would miss 29% of "
               "group B's sick patients "
               "(21% to 39%). The old model missed 58 in 100 (between 47 and 67). The worst gap "
               "we cannot rule out is 20.4 percentage points, just above our limit."),
    "legal": ("The model would use group membership when it decides, through group thresholds "
              "(one cut-off score per group). The model card documents each group. It finds "
              "71 in 100 of group B's sick patients (between 61 and 79). Constrained training "
              "(training that pushes the model to treat the groups alike) needs no cut-off per "
              "group, but its gap could reach 23.4 percentage points."),
    "product": ("We cannot launch this month. With group thresholds (one cut-off score per "
                "group), about 1 in 3 of group B's sick would be missed (between 1 in 5 and 1 "
                "in 3), down from 58 in 100 (between 47 and 67). About 1 in 16 of B's healthy patients would get a review (between "
                "1 in 27 and 1 in 10). We launch when the worst gap falls to 20 percentage "
                "points."),
}
"""

MEMOS_INTERVAL_DROPPED = MEMOS_SHORT.replace('"(21% to 39%). The old', '". The old')

MEMOS_UNDEFINED_JARGON = MEMOS_SHORT.replace("The old model missed",
                                             "The TPR gap is small. The old model missed")

# each buggy variant must differ from the route it was derived from
for _bug, _base in [(NF_TRUNCATE, NF_DECIMAL), (DOM_ALL_MIN, DOM_NUMPY),
                    (DOM_POINT_OUTSIDE, DOM_NUMPY), (CARD_TYPED_NUMBERS, CARD_PERCENT),
                    (CARD_NO_INTERVALS, CARD_PERCENT), (CARD_GENERIC_CAVEATS, CARD_PERCENT),
                    (DECIDE_POINT_GAP, DECIDE_PARETO), (DECIDE_HOLD_TRIGGER_FIRED, DECIDE_FIRST_MAX),
                    (DECIDE_PROPOSAL_IF_POINT_OK, DECIDE_FIRST_MAX), (LOG_NO_METRIC_CHECK, LOG_REGEX),
                    (LOG_BOOL_THRESHOLD, LOG_REGEX),
                    (MEMOS_INTERVAL_DROPPED, MEMOS_SHORT), (MEMOS_UNDEFINED_JARGON, MEMOS_SHORT)]:
    assert _bug != _base


def correct(name, **answers):
    return {"name": name, "kind": "correct",
            "answers": {M + k.replace("_", "-"): v for k, v in answers.items()}}


def buggy(name, cell, source, *expect_lose):
    return {"name": name, "kind": "buggy", "answers": {M + cell: source},
            "expect_lose": [M + e for e in expect_lose]}


VARIANTS = [
    correct("natural-frequency-decimal-log10", natural_frequency=NF_DECIMAL),
    correct("risk-change-power-loop", risk_change=RISK_LOOP),
    correct("dominance-numpy-flipped-signs", dominance=DOM_NUMPY),
    correct("model-card-percentages", model_card=CARD_PERCENT),
    correct("decide-pareto-front-first", decision=DECIDE_PARETO),
    correct("concern-log-numbers-real", concern_log=LOG_REGEX),
    correct("memos-short-with-percentages", memos=MEMOS_SHORT),
    correct("all-alternative-routes", natural_frequency=NF_DECIMAL, risk_change=RISK_LOOP,
            dominance=DOM_NUMPY, model_card=CARD_PERCENT, decision=DECIDE_PARETO,
            concern_log=LOG_REGEX),

    buggy("nf-truncates", "natural-frequency", NF_TRUNCATE, "natural-frequency-hidden"),
    buggy("nf-interval-dropped", "natural-frequency", NF_NO_INTERVAL, "natural-frequency-hidden"),
    buggy("nf-false-precision", "natural-frequency", NF_FALSE_PRECISION,
          "natural-frequency-hidden"),
    buggy("nf-bounds-swapped", "natural-frequency", NF_BOUNDS_SWAPPED, "natural-frequency-hidden"),
    buggy("nf-zero-lower-bound", "natural-frequency", NF_NO_ZERO_CASE,
          "natural-frequency-edges-hidden"),
    buggy("risk-relative-without-absolute", "risk-change", RISK_RELATIVE_ONLY,
          "risk-change-hidden"),
    buggy("risk-always-per-1000", "risk-change", RISK_PER_THOUSAND, "risk-change-hidden"),
    buggy("risk-equal-counts-for-different-rates", "risk-change", RISK_EQUAL_COUNTS,
          "risk-change-hidden"),
    buggy("dominance-on-point-estimates", "dominance", DOM_POINTS, "dominance-hidden"),
    buggy("dominance-every-metric-min", "dominance", DOM_ALL_MIN, "dominance-hidden"),
    buggy("dominance-point-outside-interval", "dominance", DOM_POINT_OUTSIDE, "dominance-hidden"),
    buggy("card-number-matches-no-computation", "model-card", CARD_TYPED_NUMBERS,
          "model-card-hidden"),
    buggy("card-group-lines-without-intervals", "model-card", CARD_NO_INTERVALS,
          "model-card-hidden"),
    buggy("card-caveats-not-per-group", "model-card", CARD_GENERIC_CAVEATS,
          "model-card-sections-hidden"),
    buggy("ship-rule-on-point-estimate", "decision", DECIDE_POINT_GAP, "decision-hidden",
          "decision-hold-hidden"),
    buggy("ship-least-bad-instead-of-hold", "decision", DECIDE_LEAST_BAD, "decision-hold-hidden"),
    buggy("ship-first-of-tied-rows", "decision", DECIDE_FIRST_MAX, "decision-hidden"),
    buggy("hold-trigger-already-fired", "decision", DECIDE_HOLD_TRIGGER_FIRED,
          "decision-hold-hidden"),
    buggy("ship-the-proposal-on-its-point-gap", "decision", DECIDE_PROPOSAL_IF_POINT_OK,
          "decision-hidden"),
    buggy("concern-dismissed-without-reason", "concern-log", LOG_ANY_REASON, "concern-log-hidden"),
    buggy("concern-action-on-unmeasured-metric", "concern-log", LOG_NO_METRIC_CHECK,
          "concern-log-hidden"),
    buggy("concern-bool-threshold", "concern-log", LOG_BOOL_THRESHOLD, "concern-log-hidden"),
    buggy("concern-reason-excuses-half-action", "concern-log", LOG_REASON_EXCUSES_HALF_ACTION,
          "concern-log-hidden"),
    buggy("memo-interval-dropped", "memos", MEMOS_INTERVAL_DROPPED, "memos-traced"),
    buggy("memo-undefined-jargon", "memos", MEMOS_UNDEFINED_JARGON, "memos-plain"),
]
