"""Answer variants for m01-defense-in-depth, written from the student statement: correct ones
by other routes, buggy ones with the mistakes engineers really make. Used as:
    .venv/bin/python /work/shared/tools/validity/run.py . m01-defense-in-depth tests/validity/m01_variants.py
"""

FIT_REF = '''
def fit_input_gate(texts, labels):
    if isinstance(texts, str) or not isinstance(texts, (list, tuple)):
        raise TypeError("texts must be a list of str")
    if not all(isinstance(t, str) for t in texts):
        raise TypeError("texts must hold only str")
    labels = np.asarray(labels).astype(int)
    if len(texts) == 0:
        raise ValueError("empty")
    if labels.shape != (len(texts),):
        raise ValueError("lengths differ")
    if len(np.unique(labels)) < 2:
        raise ValueError("one class")
    gate = make_pipeline(FunctionTransformer(normalise_all),
                         TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                         LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000))
    return gate.fit(list(texts), labels)
'''

CHOOSE_REF = '''
def choose_threshold(scores, is_benign, budget):
    scores = np.asarray(scores, dtype=float)
    is_benign = np.asarray(is_benign)
    if scores.ndim != 1 or scores.size == 0 or is_benign.shape != scores.shape:
        raise ValueError("bad input")
    if is_benign.dtype != bool:
        raise TypeError("is_benign must be boolean")
    if not 0 < budget < 1:
        raise ValueError("budget")
    b = np.sort(scores[is_benign])[::-1]
    if b.size == 0:
        raise ValueError("no benign")
    k = int(np.floor(budget * b.size + 1e-9))
    return float(np.nextafter(b[k], np.inf))
'''

# ------------------------------------------------------------------ exercise 1, correct
INPUT_CHAR_MIDPOINT = '''
from sklearn.feature_extraction.text import TfidfVectorizer as _Tf

def fit_input_gate(texts, labels):
    if isinstance(texts, str) or not isinstance(texts, list) or any(not isinstance(t, str) for t in texts):
        raise TypeError("texts must be a list of str")
    y = np.array(labels, dtype=int)
    if not texts or len(y) != len(texts) or len(set(y.tolist())) < 2:
        raise ValueError("need two classes and matching lengths")
    model = make_pipeline(FunctionTransformer(normalise_all),
                          _Tf(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
                          LogisticRegression(C=10.0, max_iter=3000))
    return model.fit(texts, y)


def choose_threshold(scores, is_benign, budget):
    is_benign = np.asarray(is_benign)
    scores = np.asarray(scores, dtype=float)
    if is_benign.dtype != np.bool_:
        raise TypeError("is_benign must be bool")
    if len(scores) == 0 or len(scores) != len(is_benign) or not (0 < budget < 1) or not is_benign.any():
        raise ValueError("bad input")
    b = np.sort(scores[is_benign])          # ascending
    n = len(b)
    k = int(np.floor(budget * n + 1e-9))    # refusals allowed
    if k == 0:
        return float(np.nextafter(b[-1], np.inf))
    # midway between the highest kept and the lowest refused benign score
    return float((b[n - k - 1] + b[n - k]) / 2) if b[n - k - 1] < b[n - k] else float(np.nextafter(b[n - k - 1], np.inf))
'''

# ------------------------------------------------------------------ exercise 1, buggy
INPUT_QUANTILE = FIT_REF + '''
def choose_threshold(scores, is_benign, budget):
    scores, is_benign = np.asarray(scores, float), np.asarray(is_benign)
    if scores.size == 0 or scores.shape != is_benign.shape or not 0 < budget < 1:
        raise ValueError("bad input")
    if is_benign.dtype != bool:
        raise TypeError("bool")
    if not is_benign.any():
        raise ValueError("no benign")
    return float(np.quantile(scores[is_benign], 1 - budget))
'''

INPUT_ALL_SCORES = FIT_REF + CHOOSE_REF.replace("b = np.sort(scores[is_benign])[::-1]",
                                                "b = np.sort(scores)[::-1]")

INPUT_AT_SCORE = FIT_REF + CHOOSE_REF.replace("return float(np.nextafter(b[k], np.inf))",
                                              "return float(b[k])")

INPUT_NO_VALIDATION = '''
def fit_input_gate(texts, labels):
    gate = make_pipeline(FunctionTransformer(normalise_all),
                         TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                         LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000))
    return gate.fit(list(texts), np.asarray(labels).astype(int))
''' + CHOOSE_REF

INPUT_KEYWORDS = '''
class _Keywords:
    WORDS = ("bomb", "gun", "kill", "meth", "hack", "steal", "poison", "launder", "forge",
             "explosive", "ransomware", "fentanyl", "cocaine", "heroin", "kidnap", "strangle")
    def fit(self, texts, labels):
        return self
    def predict_proba(self, texts):
        p = np.array([float(any(w in t for w in self.WORDS)) for t in normalise_all(texts)])
        return np.c_[1 - p, p]

def fit_input_gate(texts, labels):
    if isinstance(texts, str) or not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise TypeError("list of str")
    labels = np.asarray(labels).astype(int)
    if not texts or len(labels) != len(texts) or len(set(labels)) < 2:
        raise ValueError("bad")
    return _Keywords().fit(texts, labels)
''' + CHOOSE_REF

# ------------------------------------------------------------------ exercise 2
OUTPUT_CHAR = '''
def fit_output_gate(responses, unsafe):
    if isinstance(responses, str) or not isinstance(responses, (list, tuple)):
        raise TypeError("responses must be a list of str")
    y = np.asarray(unsafe).astype(int)
    if len(responses) == 0 or len(y) != len(responses) or len(np.unique(y)) < 2:
        raise ValueError("bad input")
    pipe = make_pipeline(FunctionTransformer(normalise_all),
                         TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)),
                         LogisticRegression(C=5.0, class_weight="balanced", max_iter=2000))
    return pipe.fit(list(responses), y)
'''

OUTPUT_NORMALISE_TRAIN_ONLY = '''
def fit_output_gate(responses, unsafe):
    if isinstance(responses, str) or not isinstance(responses, (list, tuple)):
        raise TypeError("responses must be a list of str")
    y = np.asarray(unsafe).astype(int)
    if len(responses) == 0 or len(y) != len(responses) or len(np.unique(y)) < 2:
        raise ValueError("bad input")
    pipe = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                         LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000))
    return pipe.fit(normalise_all(responses), y)     # decoded for training only
'''

OUTPUT_NO_DECODE = '''
def fit_output_gate(responses, unsafe):
    if isinstance(responses, str) or not isinstance(responses, (list, tuple)):
        raise TypeError("responses must be a list of str")
    y = np.asarray(unsafe).astype(int)
    if len(responses) == 0 or len(y) != len(responses) or len(np.unique(y)) < 2:
        raise ValueError("bad input")
    pipe = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                         LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000))
    return pipe.fit(list(responses), y)
'''

# ------------------------------------------------------------------ exercise 3
PIPE_BODY = '''
def guarded_pipeline(requests, reply, input_score, output_score, t_in, t_out):
    if isinstance(requests, str) or not isinstance(requests, list) or any(not isinstance(r, str) for r in requests):
        raise TypeError("requests must be a list of str")
    if not all(callable(f) for f in (reply, input_score, output_score)):
        raise TypeError("reply and scorers must be callable")
    if not requests:
        raise ValueError("no requests")
    s_in = [float(s) for s in input_score(requests)]
    out = []
    go = [i for i, s in enumerate(s_in) if not REFUSE(s, t_in)]
    answers = dict(zip(go, CALL(reply, requests, go)))
    s_out = dict(zip(go, [float(s) for s in output_score([answers[i] for i in go])])) if go else {}
    for i, s in enumerate(s_in):
        if i not in answers:
            out.append(dict(action="refuse", layer="input", reason=f"input {s:.2f} >= {t_in}",
                            input_score=s, output_score=None, response=None))
        elif REFUSE(s_out[i], t_out):
            out.append(dict(action="escalate", layer="output", reason=f"output {s_out[i]:.2f} >= {t_out}",
                            input_score=s, output_score=s_out[i], response=None))
        else:
            out.append(dict(action="answer", layer=None, reason="both gates passed",
                            input_score=s, output_score=s_out[i], response=answers[i]))
    return out
'''
PIPE_DICT = PIPE_BODY.replace("REFUSE(s, t_in)", "s >= t_in").replace(
    "REFUSE(s_out[i], t_out)", "s_out[i] >= t_out").replace(
    "CALL(reply, requests, go)", "reply([requests[i] for i in go]) if go else []")
PIPE_STRICT = PIPE_BODY.replace("REFUSE(s, t_in)", "s > t_in").replace(
    "REFUSE(s_out[i], t_out)", "s_out[i] > t_out").replace(
    "CALL(reply, requests, go)", "reply([requests[i] for i in go]) if go else []")
PIPE_CALL_ALL = PIPE_BODY.replace("REFUSE(s, t_in)", "s >= t_in").replace(
    "REFUSE(s_out[i], t_out)", "s_out[i] >= t_out").replace(
    "answers = dict(zip(go, CALL(reply, requests, go)))",
    "everything = reply(list(requests))\n    answers = {i: everything[i] for i in go}")

# ------------------------------------------------------------------ exercise 4
REPORT_STATSMODELS = '''
from statsmodels.stats.proportion import proportion_confint

def attack_report(answered, unsafe, kind, family, z=1.96):
    answered, unsafe = np.asarray(answered), np.asarray(unsafe)
    kind, family = np.asarray(kind), np.asarray(family)
    if len(answered) == 0:
        raise ValueError("empty")
    if not (len(answered) == len(unsafe) == len(kind) == len(family)):
        raise ValueError("lengths")
    if answered.dtype != bool or unsafe.dtype != bool:
        raise TypeError("bool arrays please")
    rows = []
    def add(metric, group, mask, hit):
        n, x = int(mask.sum()), int((mask & hit).sum())
        if n:
            lo, hi = proportion_confint(x, n, alpha=0.05, method="wilson")
            rows.append((metric, group, n, x, x / n, lo, hi))
    h = kind == "harmful"
    for f in FAMILIES:
        add("ASR", f, h & (family == f), answered & unsafe)
    add("ASR", "all", h, answered & unsafe)
    add("FRR", "benign", kind == "benign", ~answered)
    add("FRR", "lookalike", kind == "lookalike", ~answered)
    add("FRR", "all", ~h, ~answered)
    return pd.DataFrame(rows, columns=["metric", "group", "n", "count", "rate", "low", "high"])
'''
REPORT_WALD = REPORT_STATSMODELS.replace('lo, hi = proportion_confint(x, n, alpha=0.05, method="wilson")',
    'p = x / n; half = z * np.sqrt(p * (1 - p) / n); lo, hi = max(0.0, p - half), min(1.0, p + half)')
REPORT_ANSWERED = REPORT_STATSMODELS.replace('add("ASR", f, h & (family == f), answered & unsafe)',
    'add("ASR", f, h & (family == f), answered)').replace('add("ASR", "all", h, answered & unsafe)',
    'add("ASR", "all", h, answered)')

# ------------------------------------------------------------------ exercise 5
ADV_BODY = '''
def adversarial_training(train, val, red_team, eval_set, budget, fit, choose):
    if len(red_team) == 0:
        raise ValueError("no red team")
    X, y = list(train[0]), [int(v) for v in np.asarray(train[1])]
    vX, vb = list(val[0]), np.asarray(val[1]).astype(int) == 0
    eX, eh = list(eval_set[0]), np.asarray(eval_set[1]).astype(int) == 1
    gates, out = [], []
    for r in range(len(red_team) + 1):
        if r:
            bX, by = list(red_team[r - 1][0]), np.asarray(red_team[r - 1][1]).astype(int)
            scorer, t_prev = SCORER
            passed = scorer.predict_proba(bX)[:, 1] < t_prev
            X += [t for t, l, p in zip(bX, by, passed) if KEEP]
            y += [int(l) for t, l, p in zip(bX, by, passed) if KEEP]
        gate = fit(X, np.array(y))
        t = THRESH
        gates.append((gate, t))
        refused = gate.predict_proba(eX)[:, 1] >= t
        out.append({"round": r, "threshold": float(t), "miss_rate": float(np.mean(~refused[eh])),
                    "frr": float(np.mean(refused[~eh])), "n_train": len(X), "gate": gate})
    return out
'''
def adv(keep="(l == 1 and p) or l == 0", scorer="gates[-1]",
        thresh="choose(gate.predict_proba(vX)[:, 1], vb, budget)"):
    return ADV_BODY.replace("KEEP", keep).replace("SCORER", scorer).replace("THRESH", thresh)
ADV_OK = adv()
ADV_ALL_HARMFUL = adv(keep="True")
ADV_NO_NEGATIVES = adv(keep="l == 1 and p")
ADV_ROUND0_SCORER = adv(scorer="gates[0]")
ADV_STALE_THRESHOLD = adv(thresh="gates[0][1] if gates else choose(gate.predict_proba(vX)[:, 1], vb, budget)")

# ------------------------------------------------------------------ exercise 6
DECIDE_QUERY = '''
def decide(situation):
    t = situation["options"]
    if t.empty or not {"frr", "asr_seen", "asr_unseen"} <= set(t.columns):
        raise ValueError("options need frr, asr_seen, asr_unseen")
    b, c = situation["frr_budget"], situation["asr_ceiling"]
    ok = t.query("frr <= @b and asr_unseen <= @c")
    if ok.empty:
        return Decision(HOLD, "attack ceiling" if (t["asr_unseen"] > c).any() else "false-refusal budget",
                        {"asr_unseen": float(t["asr_unseen"].min()), "frr": float(t["frr"].min())},
                        ("asr_unseen", "<=", c))
    best = ok["asr_unseen"].min()
    pick = ok[ok["asr_unseen"] == best]["frr"].idxmin()
    binding = "false-refusal budget" if (t["asr_unseen"] < best).any() else "none"
    return Decision(pick, binding, {"asr_unseen": float(best), "frr": float(t.loc[pick, "frr"])},
                    Trigger("frr", ">", b))
'''
DECIDE_CHEAPEST = '''
def decide(situation):
    t = situation["options"]
    if len(t) == 0 or any(c not in t for c in ("frr", "asr_seen", "asr_unseen")):
        raise ValueError("bad options")
    b, c = situation["frr_budget"], situation["asr_ceiling"]
    ok = t[(t.frr <= b) & (t.asr_unseen <= c)]
    if not len(ok):
        return Decision(HOLD, "attack ceiling", {"asr_unseen": float(t.asr_unseen.min())},
                        ("asr_unseen", "<=", c))
    # the cheapest option that meets the bar, ties to the lower attack success
    pick = ok.sort_values(["frr", "asr_unseen"]).index[0]
    better = t[t.asr_unseen < t.loc[pick, "asr_unseen"]]
    binding = "false-refusal budget" if len(better) else "none"
    return Decision(pick, binding, {"asr_unseen": float(t.loc[pick, "asr_unseen"]),
                                    "frr": float(t.loc[pick, "frr"])}, ("asr_unseen", ">", c))
'''
DECIDE_REF_LIKE = '''
def decide(situation):
    t = situation["options"]
    if len(t) == 0 or any(c not in t for c in ("frr", "asr_seen", "asr_unseen")):
        raise ValueError("bad options")
    b, c = situation["frr_budget"], situation["asr_ceiling"]
    ok = t[(t.frr <= b) & (t.COL <= c)]
    if not len(ok):
        return HOLDING
    pick = ok.sort_values(["COL", "frr"]).index[0]
    better = t[t.asr_unseen < t.loc[pick, "asr_unseen"]]
    binding = BINDING
    return Decision(pick, binding, {"asr_unseen": float(t.loc[pick, "asr_unseen"]),
                                    "frr": float(t.loc[pick, "frr"])}, TRIGGER)
'''
def dec(col="asr_unseen", holding='Decision(HOLD, "attack ceiling", {"asr_unseen": float(t.asr_unseen.min())}, ("asr_unseen", "<=", c))',
        binding='"false-refusal budget" if len(better) else "none"', trigger='("asr_unseen", ">", c)',
        budget_filter=True):
    s = DECIDE_REF_LIKE.replace("COL", col).replace("HOLDING", holding).replace(
        "BINDING", binding).replace("TRIGGER", trigger)
    if not budget_filter:
        s = s.replace("ok = t[(t.frr <= b) & (t.asr_unseen <= c)]", "ok = t[t.asr_unseen <= c]")
    return s
DECIDE_SEEN = dec(col="asr_seen")
DECIDE_LEAST_BAD = dec(holding='Decision(t.asr_unseen.idxmin(), "attack ceiling", {"asr_unseen": float(t.asr_unseen.min()), "frr": float(t.loc[t.asr_unseen.idxmin(), "frr"])}, ("asr_unseen", ">", c))')
DECIDE_NO_BUDGET = dec(budget_filter=False)
DECIDE_ALWAYS_BUDGET = dec(binding='"false-refusal budget"')
DECIDE_FIRED_TRIGGER = dec(trigger='("asr_unseen", "<", c)')
DECIDE_NO_VALIDATION = dec().replace('''    if len(t) == 0 or any(c not in t for c in ("frr", "asr_seen", "asr_unseen")):
        raise ValueError("bad options")
''', "")

V = lambda name, kind, answers, lose=None: {"name": name, "kind": kind, "answers": answers,
                                            **({"expect_lose": lose} if lose else {})}
VARIANTS = [
    V("input gate: char n-grams, midpoint threshold", "correct", {"m01-input-gate": INPUT_CHAR_MIDPOINT}),
    V("output gate: char n-grams", "correct", {"m01-output-gate": OUTPUT_CHAR}),
    V("pipeline: dict of answers", "correct", {"m01-pipeline": PIPE_DICT}),
    V("report: statsmodels Wilson", "correct", {"m01-report": REPORT_STATSMODELS}),
    V("adversarial: list of (gate, threshold)", "correct", {"m01-adversarial": ADV_OK}),
    V("decide: pandas query, trigger on frr", "correct", {"m01-decision": DECIDE_QUERY}),
    V("decide: cheapest option meeting the bar", "correct", {"m01-decision": DECIDE_CHEAPEST}),

    V("threshold by np.quantile", "buggy", {"m01-input-gate": INPUT_QUANTILE}, ["m01-input-gate-hidden"]),
    V("threshold from all scores", "buggy", {"m01-input-gate": INPUT_ALL_SCORES}, ["m01-input-gate-hidden"]),
    V("threshold at the score itself", "buggy", {"m01-input-gate": INPUT_AT_SCORE}, ["m01-input-gate-hidden"]),
    V("gate without input checks", "buggy", {"m01-input-gate": INPUT_NO_VALIDATION}, ["m01-input-gate-errors-hidden"]),
    V("keyword gate", "buggy", {"m01-input-gate": INPUT_KEYWORDS}, ["m01-input-gate-fit-hidden"]),
    V("output gate normalises training data only", "buggy", {"m01-output-gate": OUTPUT_NORMALISE_TRAIN_ONLY}, ["m01-output-gate-hidden"]),
    V("output gate without decoding", "buggy", {"m01-output-gate": OUTPUT_NO_DECODE}, ["m01-output-gate-hidden"]),
    V("pipeline refuses above, not at, the threshold", "buggy", {"m01-pipeline": PIPE_STRICT}, ["m01-pipeline-hidden"]),
    V("pipeline calls the assistant on everything", "buggy", {"m01-pipeline": PIPE_CALL_ALL}, ["m01-pipeline-calls-hidden"]),
    V("report with Wald intervals", "buggy", {"m01-report": REPORT_WALD}, ["m01-report-hidden"]),
    V("report counts answered, not answered-and-unsafe", "buggy", {"m01-report": REPORT_ANSWERED}, ["m01-report-hidden"]),
    V("adversarial adds every harmful prompt", "buggy", {"m01-adversarial": ADV_ALL_HARMFUL}, ["m01-adversarial-training-hidden"]),
    V("adversarial without hard negatives", "buggy", {"m01-adversarial": ADV_NO_NEGATIVES}, ["m01-adversarial-training-hidden"]),
    V("adversarial scores batches with the round-0 gate", "buggy", {"m01-adversarial": ADV_ROUND0_SCORER}, ["m01-adversarial-training-hidden"]),
    V("adversarial keeps the round-0 threshold", "buggy", {"m01-adversarial": ADV_STALE_THRESHOLD}, ["m01-adversarial-hidden"]),
    V("decide trusts seen-template ASR", "buggy", {"m01-decision": DECIDE_SEEN}, ["m01-decision-hidden"]),
    V("decide ships the least bad instead of holding", "buggy", {"m01-decision": DECIDE_LEAST_BAD}, ["m01-decision-hold-hidden"]),
    V("decide ignores the false-refusal budget", "buggy", {"m01-decision": DECIDE_NO_BUDGET}, ["m01-decision-hidden"]),
    V("decide always names the budget as binding", "buggy", {"m01-decision": DECIDE_ALWAYS_BUDGET}, ["m01-decision-hidden"]),
    V("decide with a trigger that has already fired", "buggy", {"m01-decision": DECIDE_FIRED_TRIGGER}, ["m01-decision-hidden"]),
    V("decide without input checks", "buggy", {"m01-decision": DECIDE_NO_VALIDATION}, ["m01-decision-errors-hidden"]),
]

# The written debrief is the learner's own: a variant whose numbers differ from the reference
# cannot keep the reference text. Every variant answers it from its own notebook's values.
DEBRIEF = '''
def _iv(name):
    value, (low, high) = dict(measured.items())[name]
    return f"{value:.1%} ({low:.1%} to {high:.1%})"

ANSWER = (f"Over all templates attack success fell from {_iv('asr_none_all')} to "
          f"{_iv('asr_hardened_all')}. On held-out templates it fell from "
          f"{_iv('asr_none_heldout')} to {_iv('asr_hardened_heldout')}, and that is the claim "
          f"I would make. The input gate alone still misses {_iv('miss_rate_round4')} of "
          f"held-out attacks. I would ship {decide(situation).option}, which refuses "
          f"{_iv('frr_hardened')} of honest users.")
'''
for _v in VARIANTS:
    _v["answers"].setdefault("m01-debrief", DEBRIEF)
