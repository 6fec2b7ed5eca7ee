"""Student answer variants for m02-poisoned-pipeline, written from the exercise statements.

Correct variants take other routes (another test, another library, another data
structure); buggy ones are mistakes engineers really make. Run from the repository root:

    .venv/bin/python /work/shared/tools/validity/run.py . m02-poisoned-pipeline \\
        tests/validity/m02_variants.py

Each buggy variant is built from a correct one by a one-line change, so that it differs
from a correct answer only in the mistake it names.
"""

# ---------------------------------------------------------------- Exercise 1: the ledger

LEDGER = '''\
GENESIS = "0" * 64


def content_hash(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_hash(entry):
    payload = json.dumps({k: entry[k] for k in sorted(entry) if k != "entry_hash"},
                         sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def build_ledger(records):
    for col in ("record_id", "vendor", "batch", "text", "label", "transforms"):
        if col not in records.columns:
            raise ValueError(f"missing column {col}")
    if records.empty:
        raise ValueError("empty")
    out = []
    for i, (_, r) in enumerate(records.iterrows()):
        e = dict(index=i, record_id=str(r["record_id"]), source=str(r["vendor"]),
                 batch=int(r["batch"]), label=int(r["label"]),
                 content_hash=content_hash(str(r["text"])),
                 transforms=list(map(str, r["transforms"])),
                 prev_hash=out[-1]["entry_hash"] if out else GENESIS)
        e["entry_hash"] = entry_hash(e)
        out.append(e)
    return out


def verify_ledger(ledger):
    if len(ledger) == 0:
        raise ValueError("empty ledger")
    for i, e in enumerate(ledger):
        expected_prev = GENESIS if i == 0 else ledger[i - 1]["entry_hash"]
        if e["prev_hash"] != expected_prev:
            return i
        if entry_hash(e) != e["entry_hash"]:
            return i
    return None
'''

LEDGER_NO_LINK = LEDGER.replace('''        if e["prev_hash"] != expected_prev:
            return i
''', "")

LEDGER_NO_GENESIS = LEDGER.replace(
    '''        expected_prev = GENESIS if i == 0 else ledger[i - 1]["entry_hash"]
        if e["prev_hash"] != expected_prev:''',
    '''        if i > 0 and e["prev_hash"] != ledger[i - 1]["entry_hash"]:''')

# ------------------------------------------------------------- Exercise 2: the shift test

SHIFT_CHI2 = '''\
def batch_shift_test(frame, reference_labels, alpha=0.05):
    from scipy.stats import chi2_contingency
    from statsmodels.stats.multitest import multipletests

    ref = np.asarray(reference_labels).astype(int)
    if len(frame) == 0 or len(ref) == 0:
        raise ValueError("empty input")
    if not set(np.unique(frame["label"])) <= {0, 1} or not set(np.unique(ref)) <= {0, 1}:
        raise ValueError("labels must be 0 or 1")
    rows = {}
    for key, g in frame.groupby(["vendor", "batch"]):
        k = int(g["label"].sum())
        table = [[k, len(g) - k], [int(ref.sum()), len(ref) - int(ref.sum())]]
        rows[key] = dict(n=len(g), unsafe_rate=k / len(g), p_value=chi2_contingency(table)[1])
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index = pd.MultiIndex.from_tuples(out.index, names=["vendor", "batch"])
    out = out.sort_index()
    out["p_adjusted"] = multipletests(out["p_value"], method="holm")[1]
    out["flagged"] = out["p_adjusted"] <= alpha
    return out
'''

SHIFT_ZTEST = '''\
def batch_shift_test(frame, reference_labels, alpha=0.05):
    from scipy.stats import norm

    ref = np.asarray(reference_labels, dtype=float)
    labels = frame["label"].to_numpy()
    if frame.shape[0] == 0 or ref.size == 0:
        raise ValueError("nothing to test")
    if np.any((labels != 0) & (labels != 1)) or np.any((ref != 0) & (ref != 1)):
        raise ValueError("labels must be 0/1")
    grouped = frame.groupby(["vendor", "batch"])["label"].agg(["size", "sum"]).sort_index()
    n1, x1 = grouped["size"].to_numpy(float), grouped["sum"].to_numpy(float)
    n2, x2 = ref.size, ref.sum()
    pooled = (x1 + x2) / (n1 + n2)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = (x1 / n1 - x2 / n2) / np.where(se > 0, se, np.inf)
    p = 2 * norm.sf(np.abs(z))
    m = p.size
    order = np.argsort(p)
    adj = np.empty(m)
    running = 0.0
    for rank, idx in enumerate(order):
        running = max(running, (m - rank) * p[idx])
        adj[idx] = min(1.0, running)
    return pd.DataFrame({"n": n1.astype(int), "unsafe_rate": x1 / n1, "p_value": p,
                         "p_adjusted": adj, "flagged": adj <= alpha}, index=grouped.index)
'''

SHIFT_FISHER = SHIFT_CHI2.replace(
    "from scipy.stats import chi2_contingency", "from scipy.stats import fisher_exact").replace(
    "p_value=chi2_contingency(table)[1]", "p_value=fisher_exact(table)[1]")

SHIFT_ONE_SIDED = SHIFT_CHI2.replace(
    "from scipy.stats import chi2_contingency", "from scipy.stats import fisher_exact").replace(
    "p_value=chi2_contingency(table)[1]", "p_value=fisher_exact(table, alternative='less')[1]")

SHIFT_NO_RUNNING_MAX = SHIFT_ZTEST.replace(
    "running = max(running, (m - rank) * p[idx])", "running = (m - rank) * p[idx]")

SHIFT_RAW = SHIFT_CHI2.replace('out["flagged"] = out["p_adjusted"] <= alpha',
                               'out["flagged"] = out["p_value"] <= alpha')

SHIFT_BONFERRONI = SHIFT_CHI2.replace('method="holm"', 'method="bonferroni"')

SHIFT_ALPHA_FIXED = SHIFT_CHI2.replace('out["p_adjusted"] <= alpha', 'out["p_adjusted"] <= 0.05')

# ------------------------------------------------------- Exercise 3: suspicion scores

SUSPICION_LOOP = '''\
def suspicion_scores(X, labels, groups, model=None, n_splits=5):
    from sklearn.base import clone
    from sklearn.model_selection import GroupKFold

    labels = np.asarray(labels)
    groups = np.asarray(groups)
    n = labels.shape[0]
    if X.shape[0] != n or groups.shape[0] != n:
        raise ValueError("lengths differ")
    if len(set(groups.tolist())) < n_splits:
        raise ValueError("too few groups")
    base = model if model is not None else LogisticRegression(solver="liblinear")
    p_given = np.zeros(n)
    for train, test in GroupKFold(n_splits=n_splits).split(X, labels, groups):
        m = clone(base).fit(X[train], labels[train])
        proba = m.predict_proba(X[test])
        col = {c: j for j, c in enumerate(m.classes_)}
        p_given[test] = proba[np.arange(len(test)), [col[y] for y in labels[test]]]
    return 1.0 - p_given


def precision_at_k(scores, is_bad, k):
    scores = np.asarray(scores, dtype=float)
    is_bad = np.asarray(is_bad).astype(bool)
    if len(scores) != len(is_bad) or not (1 <= k <= len(scores)):
        raise ValueError("bad k or lengths")
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    return sum(is_bad[i] for i in order[:k]) / k
'''

SUSPICION_CVP = '''\
def suspicion_scores(X, labels, groups, model=None, n_splits=5):
    from sklearn.base import clone
    from sklearn.model_selection import GroupKFold, cross_val_predict

    y = np.asarray(labels)
    g = np.asarray(groups)
    if not (X.shape[0] == len(y) == len(g)):
        raise ValueError("X, labels and groups differ in length")
    if len(np.unique(g)) < n_splits:
        raise ValueError("fewer groups than splits")
    est = clone(model) if model is not None else LogisticRegression(solver="liblinear")
    proba = cross_val_predict(est, X, y, cv=GroupKFold(n_splits), groups=g,
                              method="predict_proba")
    classes = np.unique(y)
    return 1 - proba[np.arange(len(y)), np.searchsorted(classes, y)]


def precision_at_k(scores, is_bad, k):
    s = np.asarray(scores, float)
    b = np.asarray(is_bad, bool)
    if s.shape != b.shape or k < 1 or k > s.size:
        raise ValueError("k must be in 1..n and the lengths equal")
    return float(b[np.argsort(s)[::-1][:k]].mean())
'''

SUSPICION_ROW_FOLDS = SUSPICION_CVP.replace(
    "from sklearn.model_selection import GroupKFold, cross_val_predict",
    "from sklearn.model_selection import KFold, cross_val_predict").replace(
    "cv=GroupKFold(n_splits), groups=g,", "cv=KFold(n_splits),")

SUSPICION_LABEL_AS_COLUMN = SUSPICION_CVP.replace(
    "return 1 - proba[np.arange(len(y)), np.searchsorted(classes, y)]",
    "return 1 - proba[np.arange(len(y)), y]")

SUSPICION_IN_SAMPLE = SUSPICION_CVP.replace(
    '''    proba = cross_val_predict(est, X, y, cv=GroupKFold(n_splits), groups=g,
                              method="predict_proba")''',
    '''    proba = est.fit(X, y).predict_proba(X)''')

SUSPICION_TYPEERROR = SUSPICION_CVP.replace(
    'raise ValueError("X, labels and groups differ in length")',
    'raise TypeError("X, labels and groups differ in length")').replace(
    'raise ValueError("k must be in 1..n and the lengths equal")',
    'raise IndexError("k must be in 1..n and the lengths equal")')

# --------------------------------------------------------- Exercise 4: the trigger

TRIGGER_COUNTER = '''\
def rank_trigger_tokens(texts, suspect, min_count=5):
    from collections import Counter
    import math

    texts = list(texts)
    suspect = [bool(s) for s in suspect]
    if len(texts) != len(suspect):
        raise ValueError("lengths differ")
    n_s = sum(suspect)
    n_o = len(suspect) - n_s
    if n_s == 0 or n_o == 0:
        raise ValueError("suspect must split the texts")
    in_s, in_o = Counter(), Counter()
    for text, s in zip(texts, suspect):
        (in_s if s else in_o).update(set(text.split(" ")) - {""})
    rows = []
    for tok in set(in_s) | set(in_o):
        a, c = in_s[tok], in_o[tok]
        if a + c < min_count:
            continue
        b, d = n_s - a, n_o - c
        rows.append((tok, a, c, math.log((a + .5) * (d + .5) / ((b + .5) * (c + .5)))))
    rows.sort(key=lambda r: (-r[3], r[0]))
    return pd.DataFrame(rows, columns=["token", "n_suspect", "n_other", "score"])
'''

TRIGGER_SET_ORDER = TRIGGER_COUNTER.replace("rows.sort(key=lambda r: (-r[3], r[0]))",
                                            "rows.sort(key=lambda r: -r[3])")

TRIGGER_UNSTABLE = TRIGGER_COUNTER.replace(
    '''    rows.sort(key=lambda r: (-r[3], r[0]))
    return pd.DataFrame(rows, columns=["token", "n_suspect", "n_other", "score"])''',
    '''    out = pd.DataFrame(rows, columns=["token", "n_suspect", "n_other", "score"])
    return out.sort_values("score", ascending=False).reset_index(drop=True)''')

TRIGGER_PER_OCCURRENCE = TRIGGER_COUNTER.replace(
    '(in_s if s else in_o).update(set(text.split(" ")) - {""})',
    '(in_s if s else in_o).update(text.split())')

TRIGGER_BY_COUNT = TRIGGER_COUNTER.replace("rows.sort(key=lambda r: (-r[3], r[0]))",
                                           "rows.sort(key=lambda r: (-r[1], r[0]))")

# --------------------------------------------------------- Exercise 5: root cause

ROOT_COUNTER = '''\
def root_cause(incident_texts, train_frame, max_share=0.02):
    from collections import Counter

    incidents = [set(t.split()) for t in incident_texts]
    if len(incidents) == 0:
        raise ValueError("no incidents")
    for col in ("record_id", "vendor", "batch", "text"):
        if col not in train_frame.columns:
            raise ValueError(f"missing {col}")
    seen = Counter(tok for s in incidents for tok in s)
    shared = {tok for tok, n in seen.items() if 2 * n >= len(incidents)}
    train_sets = train_frame["text"].map(lambda t: set(t.split()))
    doc_freq = Counter(tok for s in train_sets for tok in s & shared)
    rare = sorted(tok for tok in shared if 0 < doc_freq[tok] <= max_share * len(train_frame))
    mask = train_sets.map(lambda s: bool(s & set(rare))).to_numpy()
    if not mask.any():
        raise ValueError("the cause is not in this training data")
    hits = train_frame[mask]
    counts = hits.groupby(["vendor", "batch"]).size()
    vendor, batch = counts.idxmax()
    return {"vendor": str(vendor), "batch": int(batch), "tokens": rare,
            "record_ids": hits["record_id"].astype(str).tolist()}
'''

ROOT_EVERY = ROOT_COUNTER.replace("if 2 * n >= len(incidents)", "if n == len(incidents)")
ROOT_FLOOR_HALF = ROOT_COUNTER.replace("if 2 * n >= len(incidents)",
                                       "if n >= len(incidents) // 2")
ROOT_MORE_THAN_HALF = ROOT_COUNTER.replace("if 2 * n >= len(incidents)",
                                           "if 2 * n > len(incidents)")
ROOT_SUBSTRING = ROOT_COUNTER.replace(
    '''    train_sets = train_frame["text"].map(lambda t: set(t.split()))
    doc_freq = Counter(tok for s in train_sets for tok in s & shared)
    rare = sorted(tok for tok in shared if 0 < doc_freq[tok] <= max_share * len(train_frame))
    mask = train_sets.map(lambda s: bool(s & set(rare))).to_numpy()''',
    '''    texts = train_frame["text"]
    doc_freq = {tok: int(texts.str.contains(tok, regex=False).sum()) for tok in shared}
    rare = sorted(tok for tok in shared if 0 < doc_freq[tok] <= max_share * len(train_frame))
    mask = np.zeros(len(train_frame), dtype=bool)
    for tok in rare:
        mask |= texts.str.contains(tok, regex=False).to_numpy()''')

# ----------------------------------------------------- Exercise 6: differential privacy

DP = '''\
import math


def laplace_mechanism(value, sensitivity, epsilon, rng):
    if sensitivity <= 0 or epsilon <= 0:
        raise ValueError("sensitivity and epsilon must be positive")
    return float(value) + float(rng.laplace(loc=0.0, scale=sensitivity / epsilon))


class PrivacyAccountant:
    def __init__(self, total_epsilon):
        if total_epsilon <= 0:
            raise ValueError("total must be positive")
        self.total = float(total_epsilon)
        self.spent = 0.0

    @property
    def remaining(self):
        return self.total - self.spent

    def spend(self, epsilon):
        if epsilon <= 0:
            raise ValueError("epsilon must be positive")
        if self.spent + epsilon - self.total > 1e-9:
            raise RuntimeError("budget exhausted")
        self.spent += epsilon


def _rows(frame, source, epsilon):
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    rows = frame.loc[frame["vendor"] == source]
    if rows.empty:
        raise ValueError(f"unknown source {source}")
    return rows


def private_unsafe_count(frame, source, epsilon, accountant, rng):
    rows = _rows(frame, source, epsilon)
    accountant.spend(epsilon)
    return laplace_mechanism(float((rows["label"] == 1).sum()), 1.0, epsilon, rng)


def private_mean(frame, source, column, lower, upper, epsilon, accountant, rng):
    if lower >= upper:
        raise ValueError("lower must be below upper")
    rows = _rows(frame, source, epsilon)
    accountant.spend(epsilon)
    values = rows[column].astype(float).clip(lower, upper)
    return laplace_mechanism(values.mean(), (upper - lower) / len(values), epsilon, rng)
'''

DP_EXACT_FLOAT = DP.replace("if self.spent + epsilon - self.total > 1e-9:",
                            "if self.spent + epsilon > self.total:")
DP_NO_CLIP = DP.replace("values = rows[column].astype(float).clip(lower, upper)",
                        "values = rows[column].astype(float)")
DP_MEAN_RANGE = DP.replace("(upper - lower) / len(values), epsilon, rng)",
                           "(upper - lower), epsilon, rng)")
DP_CHARGE_FIRST = DP.replace('''def private_unsafe_count(frame, source, epsilon, accountant, rng):
    rows = _rows(frame, source, epsilon)
    accountant.spend(epsilon)''', '''def private_unsafe_count(frame, source, epsilon, accountant, rng):
    accountant.spend(epsilon)
    rows = _rows(frame, source, epsilon)''')
DP_TYPEERROR = DP.replace('raise ValueError("sensitivity and epsilon must be positive")',
                          'raise TypeError("sensitivity and epsilon must be positive")').replace(
    'raise ValueError("total must be positive")', 'raise TypeError("total must be positive")')
DP_SCALE_EPS_TIMES = DP.replace("scale=sensitivity / epsilon", "scale=sensitivity * epsilon")

# ------------------------------------------------------------ Exercise 7: the decision

DECIDE = '''\
def decide(situation):
    options = situation["options"]
    limits = [("asr_high", situation["asr_ceiling"], "max"),
              ("clean_acc", situation["acc_floor"], "min"),
              ("p_holm", situation["alpha"], "max")]

    def broken(o):
        return [m for m, lim, kind in limits
                if (kind == "max" and o[m] > lim + 1e-12) or (kind == "min" and o[m] < lim - 1e-12)]

    passing = {n: o for n, o in options.items() if not broken(o)}
    if not passing:
        first = next(n for n in options)
        m = broken(options[first])[0]
        return Decision(HOLD, binding=m, evidence={m: options[first][m]},
                        trigger=(m, "<=" if m != "clean_acc" else ">=",
                                 dict((a, b) for a, b, _ in limits)[m]))
    ranked = sorted(passing, key=lambda n: (passing[n]["removed"], passing[n]["asr_high"],
                                            -passing[n]["clean_acc"]))
    pick = ranked[0]
    cheaper = [n for n, o in options.items() if o["removed"] < passing[pick]["removed"]]
    if cheaper:
        cheapest = min(cheaper, key=lambda n: options[n]["removed"])
        binding = broken(options[cheapest])[0]
    else:
        binding = "none"
    evidence = {k: passing[pick][k] for k in ("removed", "asr_high", "clean_acc", "p_holm")}
    return Decision(pick, binding=binding, evidence=evidence,
                    trigger=("clean_acc", "<", situation["acc_floor"]))
'''

DECIDE_WITH_PROBLEMS = '''\
from course.judgment import Constraint, Objective, problems


def decide(situation):
    rule = [Constraint("asr_high", "<=", situation["asr_ceiling"], name="attack ceiling"),
            Constraint("clean_acc", ">=", situation["acc_floor"], name="accuracy floor"),
            Constraint("p_holm", "<=", situation["alpha"], name="evidence")]
    options = situation["options"]
    objective = Objective("removed", "min")
    fails = {n: [c for c in rule if not c.met(o[c.metric])] for n, o in options.items()}
    candidates = sorted(options, key=lambda n: options[n]["removed"])
    if all(fails[n] for n in candidates):
        c = fails[candidates[0]][0]
        return Decision(HOLD, c.metric, {c.metric: options[candidates[0]][c.metric]},
                        (c.metric, c.direction, c.limit))
    for n in candidates:
        if fails[n]:
            continue
        for binding in ["none"] + [c.metric for c in rule]:
            d = Decision(n, binding, dict(options[n]), ("asr_high", ">", situation["asr_ceiling"]))
            if not problems(d, options, rule, objective):
                return d
    raise RuntimeError("no defensible decision found")
'''

DECIDE_POINT_ESTIMATE = DECIDE.replace('limits = [("asr_high", situation["asr_ceiling"], "max"),',
                                       'limits = [("asr", situation["asr_ceiling"], "max"),')
DECIDE_RAW_P = DECIDE.replace('("p_holm", situation["alpha"], "max")]',
                              '("p_raw", situation["alpha"], "max")]')
DECIDE_LEAST_BAD = DECIDE.replace('''    passing = {n: o for n, o in options.items() if not broken(o)}''',
    '''    passing = {n: o for n, o in options.items() if not broken(o)}
    if not passing:   # nothing passes: ship the option that breaks the fewest rules
        fewest = min(len(broken(o)) for o in options.values())
        passing = {n: o for n, o in options.items() if len(broken(o)) == fewest}''')
DECIDE_NO_FLOOR = DECIDE.replace('''              ("clean_acc", situation["acc_floor"], "min"),
''', "")
DECIDE_FIXED_CEILING = DECIDE.replace('("asr_high", situation["asr_ceiling"], "max")',
                                      '("asr_high", 0.15, "max")')
DECIDE_ALWAYS_ASR_BINDING = DECIDE.replace("binding = broken(options[cheapest])[0]",
                                           'binding = "asr_high"')
DECIDE_FIRED_TRIGGER = DECIDE.replace('trigger=("clean_acc", "<", situation["acc_floor"])',
                                      'trigger=("clean_acc", ">=", situation["acc_floor"])')
DECIDE_SAFEST = DECIDE.replace(
    '''    ranked = sorted(passing, key=lambda n: (passing[n]["removed"], passing[n]["asr_high"],
                                            -passing[n]["clean_acc"]))''',
    '''    # remove whatever might be poisoned: the option that removes the most
    ranked = sorted(passing, key=lambda n: -passing[n]["removed"])''')
DECIDE_ALWAYS_QUARANTINE = DECIDE.replace(
    '''    passing = {n: o for n, o in options.items() if not broken(o)}''',
    '''    passing = {n: o for n, o in options.items() if not broken(o) and o["removed"] > 0}''')


VARIANTS = [
    # ---- correct, by other routes
    {"name": "ledger-iterrows-ensure-ascii", "kind": "correct", "answers": {"m02-ledger": LEDGER}},
    {"name": "shift-chi2-statsmodels-holm", "kind": "correct",
     "answers": {"m02-shift-test": SHIFT_CHI2}},
    {"name": "shift-ztest-manual-holm", "kind": "correct",
     "answers": {"m02-shift-test": SHIFT_ZTEST}},
    {"name": "shift-fisher-statsmodels", "kind": "correct",
     "answers": {"m02-shift-test": SHIFT_FISHER}},
    {"name": "suspicion-manual-groupkfold-loop", "kind": "correct",
     "answers": {"m02-suspicion": SUSPICION_LOOP}},
    {"name": "suspicion-cross-val-predict-searchsorted", "kind": "correct",
     "answers": {"m02-suspicion": SUSPICION_CVP}},
    {"name": "trigger-counter-sorted-tuples", "kind": "correct",
     "answers": {"m02-trigger": TRIGGER_COUNTER}},
    {"name": "root-cause-counter", "kind": "correct", "answers": {"m02-root-cause": ROOT_COUNTER}},
    {"name": "dp-pandas-clip", "kind": "correct", "answers": {"m02-dp": DP}},
    {"name": "decide-rules-by-hand", "kind": "correct", "answers": {"m02-decision": DECIDE}},
    {"name": "decide-search-with-problems", "kind": "correct",
     "answers": {"m02-decision": DECIDE_WITH_PROBLEMS}},
    # ---- buggy: the mistakes engineers make
    {"name": "ledger-hash-only-no-link", "kind": "buggy", "answers": {"m02-ledger": LEDGER_NO_LINK},
     "expect_lose": ["m02-ledger-hidden"]},
    {"name": "ledger-first-entry-unchecked", "kind": "buggy",
     "answers": {"m02-ledger": LEDGER_NO_GENESIS}, "expect_lose": ["m02-ledger-hidden"]},
    {"name": "shift-one-sided-less", "kind": "buggy", "answers": {"m02-shift-test": SHIFT_ONE_SIDED},
     "expect_lose": ["m02-shift-test-hidden"]},
    {"name": "shift-holm-without-running-max", "kind": "buggy",
     "answers": {"m02-shift-test": SHIFT_NO_RUNNING_MAX},
     "expect_lose": ["m02-shift-test-holm-hidden"]},
    {"name": "shift-flags-raw-p", "kind": "buggy", "answers": {"m02-shift-test": SHIFT_RAW},
     "expect_lose": ["m02-shift-test-hidden"]},
    {"name": "shift-bonferroni-not-holm", "kind": "buggy",
     "answers": {"m02-shift-test": SHIFT_BONFERRONI},
     "expect_lose": ["m02-shift-test-holm-hidden"]},
    {"name": "shift-alpha-ignored", "kind": "buggy", "answers": {"m02-shift-test": SHIFT_ALPHA_FIXED},
     "expect_lose": ["m02-shift-test-holm-hidden"]},
    {"name": "suspicion-kfold-in-row-order", "kind": "buggy",
     "answers": {"m02-suspicion": SUSPICION_ROW_FOLDS}, "expect_lose": ["m02-suspicion-hidden"]},
    {"name": "suspicion-label-as-column", "kind": "buggy",
     "answers": {"m02-suspicion": SUSPICION_LABEL_AS_COLUMN},
     "expect_lose": ["m02-suspicion-validation-hidden"]},
    {"name": "suspicion-in-sample", "kind": "buggy", "answers": {"m02-suspicion": SUSPICION_IN_SAMPLE},
     "expect_lose": ["m02-suspicion-hidden"]},
    {"name": "suspicion-wrong-exception-types", "kind": "buggy",
     "answers": {"m02-suspicion": SUSPICION_TYPEERROR},
     "expect_lose": ["m02-suspicion-validation-hidden"]},
    {"name": "trigger-ties-in-set-order", "kind": "buggy", "answers": {"m02-trigger": TRIGGER_SET_ORDER},
     "expect_lose": ["m02-trigger-ties-hidden"]},
    {"name": "trigger-unstable-sort-values", "kind": "buggy",
     "answers": {"m02-trigger": TRIGGER_UNSTABLE}, "expect_lose": ["m02-trigger-ties-hidden"]},
    {"name": "trigger-counts-every-occurrence", "kind": "buggy",
     "answers": {"m02-trigger": TRIGGER_PER_OCCURRENCE}, "expect_lose": ["m02-trigger-hidden"]},
    {"name": "trigger-ranked-by-count", "kind": "buggy", "answers": {"m02-trigger": TRIGGER_BY_COUNT},
     "expect_lose": ["m02-trigger-hidden"]},
    {"name": "root-cause-every-incident", "kind": "buggy", "answers": {"m02-root-cause": ROOT_EVERY},
     "expect_lose": ["m02-root-cause-half-hidden"]},
    {"name": "root-cause-floor-half", "kind": "buggy", "answers": {"m02-root-cause": ROOT_FLOOR_HALF},
     "expect_lose": ["m02-root-cause-half-hidden"]},
    {"name": "root-cause-more-than-half", "kind": "buggy",
     "answers": {"m02-root-cause": ROOT_MORE_THAN_HALF},
     "expect_lose": ["m02-root-cause-half-hidden"]},
    {"name": "root-cause-substring-match", "kind": "buggy",
     "answers": {"m02-root-cause": ROOT_SUBSTRING}, "expect_lose": ["m02-root-cause-hidden"]},
    {"name": "dp-exact-float-budget", "kind": "buggy", "answers": {"m02-dp": DP_EXACT_FLOAT},
     "expect_lose": ["m02-dp-budget-hidden"]},
    {"name": "dp-mean-not-clipped", "kind": "buggy", "answers": {"m02-dp": DP_NO_CLIP},
     "expect_lose": ["m02-dp-hidden"]},
    {"name": "dp-mean-sensitivity-range", "kind": "buggy", "answers": {"m02-dp": DP_MEAN_RANGE},
     "expect_lose": ["m02-dp-hidden"]},
    {"name": "dp-charge-before-checking", "kind": "buggy", "answers": {"m02-dp": DP_CHARGE_FIRST},
     "expect_lose": ["m02-dp-budget-hidden"]},
    {"name": "dp-typeerror-for-bad-input", "kind": "buggy", "answers": {"m02-dp": DP_TYPEERROR},
     "expect_lose": ["m02-dp-validation-hidden"]},
    {"name": "dp-scale-times-epsilon", "kind": "buggy", "answers": {"m02-dp": DP_SCALE_EPS_TIMES},
     "expect_lose": ["m02-dp-hidden"]},
    {"name": "decide-trusts-point-estimate", "kind": "buggy",
     "answers": {"m02-decision": DECIDE_POINT_ESTIMATE}, "expect_lose": ["m02-decision-traps-hidden"]},
    {"name": "decide-trusts-raw-p", "kind": "buggy", "answers": {"m02-decision": DECIDE_RAW_P},
     "expect_lose": ["m02-decision-traps-hidden"]},
    {"name": "decide-least-bad-instead-of-hold", "kind": "buggy",
     "answers": {"m02-decision": DECIDE_LEAST_BAD}, "expect_lose": ["m02-decision-hold-hidden"]},
    {"name": "decide-ignores-accuracy-floor", "kind": "buggy",
     "answers": {"m02-decision": DECIDE_NO_FLOOR}, "expect_lose": ["m02-decision-traps-hidden"]},
    {"name": "decide-ceiling-hardcoded", "kind": "buggy",
     "answers": {"m02-decision": DECIDE_FIXED_CEILING}, "expect_lose": ["m02-decision-traps-hidden"]},
    {"name": "decide-binding-always-asr", "kind": "buggy",
     "answers": {"m02-decision": DECIDE_ALWAYS_ASR_BINDING},
     "expect_lose": ["m02-decision-traps-hidden"]},
    {"name": "decide-trigger-already-fired", "kind": "buggy",
     "answers": {"m02-decision": DECIDE_FIRED_TRIGGER}, "expect_lose": ["m02-decision-hidden"]},
    {"name": "decide-removes-the-most", "kind": "buggy", "answers": {"m02-decision": DECIDE_SAFEST},
     "expect_lose": ["m02-decision-traps-hidden"]},
    {"name": "decide-always-quarantines", "kind": "buggy",
     "answers": {"m02-decision": DECIDE_ALWAYS_QUARANTINE},
     "expect_lose": ["m02-decision-traps-hidden"]},
]
