"""Answer variants for m03-federated-judgment, written from the student statement.

Correct ones take other routes (scipy, cdist, blake2b, pandas, another defensible tie-break);
buggy ones are the mistakes engineers really make with robust aggregation, audit logs,
attribution and the design decision. Run from the repository root:

    .venv/bin/python /work/shared/tools/validity/run.py . m03-federated-judgment tests/validity/m03_variants.py
"""

# ------------------------------------------------------------------ exercise 1

RULES_SCIPY = '''\
from scipy import stats

def _check(updates):
    U = np.array(updates, dtype=np.float64)
    if U.ndim != 2 or U.shape[0] < 1:
        raise ValueError("need a (clients, parameters) array")
    return U

def coordinate_median(updates):
    return np.percentile(_check(updates), 50, axis=0)

def trimmed_mean(updates, beta):
    U = _check(updates)
    if beta < 0 or beta >= 0.5:
        raise ValueError("beta must be in [0, 0.5)")
    return stats.trim_mean(U, beta, axis=0)
'''

RULES_FLAT_MEDIAN = RULES_SCIPY.replace(
    "return np.percentile(_check(updates), 50, axis=0)",
    "U = _check(updates)\n    return np.full(U.shape[1], np.median(U))")

RULES_ROUND_COUNT = RULES_SCIPY.replace(
    "    return stats.trim_mean(U, beta, axis=0)",
    "    n = len(U)\n    k = int(round(beta * n))\n    return np.sort(U, axis=0)[k:n - k].mean(axis=0)")

RULES_ONE_SIDE = RULES_SCIPY.replace(
    "    return stats.trim_mean(U, beta, axis=0)",
    "    n = len(U)\n    k = int(beta * n)\n    return np.sort(U, axis=0)[:n - 2 * k].mean(axis=0)")

RULES_NO_VALIDATION = '''\
def coordinate_median(updates):
    return np.median(np.asarray(updates, dtype=float), axis=0)

def trimmed_mean(updates, beta):
    U = np.asarray(updates, dtype=float)
    n = len(U)
    k = int(beta * n)
    return np.sort(U, axis=0)[k:n - k].mean(axis=0)
'''

# ------------------------------------------------------------------ exercise 2

KRUM_CDIST = '''\
from scipy.spatial.distance import cdist

def krum(updates, f, m=1):
    U = np.asarray(updates, dtype=float)
    n = U.shape[0]
    if f < 0 or not (1 <= m <= n):
        raise ValueError("bad f or m")
    if n < 2 * f + 3:
        raise ValueError(f"Krum needs n >= 2f + 3 ({2 * f + 3}), got n = {n}")
    D = cdist(U, U, "sqeuclidean")
    scores = []
    for i in range(n):
        others = np.delete(D[i], i)
        scores.append(np.sort(others)[: n - f - 2].sum())
    order = np.lexsort((np.arange(n), np.array(scores)))[:m]
    picked = sorted(int(i) for i in order)
    return U[picked].mean(axis=0), picked
'''

KRUM_ALL_NEIGHBOURS = KRUM_CDIST.replace("[: n - f - 2]", "")
KRUM_N_MINUS_F = KRUM_CDIST.replace("[: n - f - 2]", "[: n - f]")
KRUM_NO_CHECK = KRUM_CDIST.replace(
    '''    if n < 2 * f + 3:
        raise ValueError(f"Krum needs n >= 2f + 3 ({2 * f + 3}), got n = {n}")
''', "").replace("[: n - f - 2]", "[: max(1, n - f - 2)]")
KRUM_SELF_INCLUDED = KRUM_CDIST.replace("others = np.delete(D[i], i)", "others = D[i]")

# ------------------------------------------------------------------ exercise 3

CLIP_WHERE = '''\
def clip_mean(updates, max_norm):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    U = np.asarray(updates, dtype=float)
    norms = np.linalg.norm(U, axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        clipped = np.where(norms > max_norm, U * (max_norm / norms), U)
    return clipped.mean(axis=0)
'''

CLIP_NORMALISE_ALL = '''\
def clip_mean(updates, max_norm):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    U = np.asarray(updates, dtype=float)
    norms = np.linalg.norm(U, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (U / norms * max_norm).mean(axis=0)
'''

CLIP_NAN_ON_ZERO = '''\
def clip_mean(updates, max_norm):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    U = np.asarray(updates, dtype=float)
    norms = np.linalg.norm(U, axis=1, keepdims=True)
    return (U / norms * np.minimum(norms, max_norm)).mean(axis=0)
'''

# ------------------------------------------------------------------ exercise 4

AUDIT_BLAKE = '''\
import struct

def audit_round(round_id, updates, aggregate, kept=None):
    U = np.asarray(updates, dtype=np.float64)
    a = np.asarray(aggregate, dtype=np.float64)
    if a.ndim != 1 or a.shape[0] != U.shape[1]:
        raise ValueError("aggregate has the wrong length")
    n = U.shape[0]
    kept = list(range(n)) if kept is None else [int(k) for k in kept]
    if any(k < 0 or k >= n for k in kept):
        raise ValueError("kept names a client that does not exist")
    na = np.linalg.norm(a)
    out = []
    for c in range(n):
        h = hashlib.blake2b(struct.pack("<qq", int(round_id), c), digest_size=32)
        h.update(U[c].tobytes())
        nu = np.linalg.norm(U[c])
        cos = 0.0 if nu == 0 or na == 0 else float(np.dot(U[c], a) / (nu * na))
        out.append(dict(round=int(round_id), client=c, hash=h.hexdigest(), norm=float(nu),
                        cosine=cos, kept=bool(c in kept)))
    return out
'''

AUDIT_NO_ROUND = AUDIT_BLAKE.replace('struct.pack("<qq", int(round_id), c)', 'struct.pack("<q", c)')
AUDIT_NO_CLIENT = AUDIT_BLAKE.replace('struct.pack("<qq", int(round_id), c)',
                                      'struct.pack("<q", int(round_id))')
AUDIT_STR_HASH = AUDIT_BLAKE.replace("h.update(U[c].tobytes())", "h.update(str(U[c]).encode())")
AUDIT_NUMPY_BOOL = AUDIT_BLAKE.replace(
    "kept=bool(c in kept)", "kept=np.isin(c, kept)")
AUDIT_NAN_COSINE = AUDIT_BLAKE.replace(
    "cos = 0.0 if nu == 0 or na == 0 else float(np.dot(U[c], a) / (nu * na))",
    "cos = float(np.dot(U[c], a) / (nu * na)) if na > 0 else 0.0")

# ------------------------------------------------------------------ exercise 5

ATTR_PANDAS = '''\
def attribute(log, min_rounds=3):
    if not log:
        return set()
    t = pd.DataFrame(list(log))
    t["strike"] = (~t["kept"].astype(bool)) | (t["cosine"] < 0)
    per = t.groupby(["client", "round"])["strike"].any().groupby(level=0).agg(["sum", "count"])
    return {int(c) for c, r in per.iterrows() if r["count"] >= min_rounds and r["sum"] * 2 > r["count"]}

def precision_recall(flagged, attackers):
    flagged, attackers = set(flagged), set(attackers)
    tp = len(flagged & attackers)
    p = 1.0 if not flagged else tp / len(flagged)
    r = 1.0 if not attackers else tp / len(attackers)
    return float(p), float(r)
'''

ATTR_LAST_ROUND = ATTR_PANDAS.replace(
    '''    per = t.groupby(["client", "round"])["strike"].any().groupby(level=0).agg(["sum", "count"])
    return {int(c) for c, r in per.iterrows() if r["count"] >= min_rounds and r["sum"] * 2 > r["count"]}''',
    '''    last = t[t["round"] == t["round"].max()]
    return {int(c) for c in last.loc[last["strike"], "client"]}''')
ATTR_HALF_INCLUSIVE = ATTR_PANDAS.replace('r["sum"] * 2 > r["count"]', 'r["sum"] * 2 >= r["count"]')
ATTR_DROPS_ONLY = ATTR_PANDAS.replace('(~t["kept"].astype(bool)) | (t["cosine"] < 0)',
                                      '~t["kept"].astype(bool)')
ATTR_ZERO_DIVISION = ATTR_PANDAS.replace("p = 1.0 if not flagged else", "p = 0.0 if not flagged else")
ATTR_NO_MIN_ROUNDS = ATTR_PANDAS.replace('r["count"] >= min_rounds and ', "")

# ------------------------------------------------------------------ exercise 6

HOLDS_ARGSORT = '''\
def holds_to(fractions, accuracies, clean, keep=0.8):
    f = np.asarray(fractions, dtype=float)
    a = np.asarray(accuracies, dtype=float)
    if len(f) == 0 or len(f) != len(a):
        raise ValueError("need equal, non-empty sequences")
    if keep <= 0 or keep > 1:
        raise ValueError("keep must be in (0, 1]")
    order = np.argsort(f)
    ok = np.nan_to_num(a[order], nan=-1.0) >= keep * clean
    good = np.logical_and.accumulate(ok)
    return float(f[order][good][-1]) if good.any() else 0.0
'''

HOLDS_ANY = HOLDS_ARGSORT.replace(
    '''    good = np.logical_and.accumulate(ok)''', '''    good = ok''')
HOLDS_ABSOLUTE = HOLDS_ARGSORT.replace(">= keep * clean", ">= keep")
HOLDS_UNSORTED = HOLDS_ARGSORT.replace("order = np.argsort(f)", "order = np.arange(len(f))")

# ------------------------------------------------------------------ exercise 7

DECIDE_OTHER = '''\
def decide(review):
    rows = {}
    for name, acc in review.accuracy.items():
        if name.startswith("central"):
            usable = {float(k[4:]): v for k, v in acc.items() if float(k[4:]) <= review.epsilon_budget}
            a = usable[max(usable)] if usable else 0.0
        else:
            a = min(acc.values())
        rows[name] = dict(accuracy=float(a), exposure=float(review.exposure[name]),
                          audit_recall=float(review.audit_recall[name]))
    checks = [("accuracy floor", "accuracy", ">=", review.min_accuracy),
              ("privacy", "exposure", "<=", review.max_exposure),
              ("audit", "audit_recall", ">=", review.min_audit_recall)]
    def broken(r):
        return [c for c in checks if (r[c[1]] < c[3] if c[2] == ">=" else r[c[1]] > c[3])]
    good = [n for n in rows if not broken(rows[n])]
    if not good:
        name = max(rows, key=lambda n: rows[n]["accuracy"])
        c = broken(rows[name])[-1]
        return Decision(HOLD, c[0], evidence=rows[name], trigger=(c[1], c[2], c[3]))
    # best accuracy; among equals the least exposure
    best = sorted(good, key=lambda n: (-rows[n]["accuracy"], rows[n]["exposure"],
                                       -rows[n]["audit_recall"]))[0]
    above = [n for n in rows if rows[n]["accuracy"] > rows[best]["accuracy"]]
    binding = broken(rows[max(above, key=lambda n: rows[n]["accuracy"])])[0][0] if above else "none"
    return Decision(best, binding, evidence=rows[best],
                    trigger=("accuracy", "<", review.min_accuracy))
'''

DECIDE_CLEAN = DECIDE_OTHER.replace("a = min(acc.values())", 'a = acc["none"]')
DECIDE_BEST_EPS = DECIDE_OTHER.replace(
    "if float(k[4:]) <= review.epsilon_budget}", "}")
DECIDE_LEAST_BAD = DECIDE_OTHER.replace(
    '''        return Decision(HOLD, c[0], evidence=rows[name], trigger=(c[1], c[2], c[3]))''',
    '''        return Decision(name, c[0], evidence=rows[name], trigger=(c[1], c[2], c[3]))''')
DECIDE_FIRED_TRIGGER = DECIDE_OTHER.replace(
    'trigger=("accuracy", "<", review.min_accuracy))', 'trigger=("accuracy", ">", review.min_accuracy))')
DECIDE_MEAN_ACC = DECIDE_OTHER.replace("a = min(acc.values())", "a = float(np.mean(list(acc.values())))")

VARIANTS = [
    # correct, by other routes
    {"name": "rules with scipy and percentile", "kind": "correct",
     "answers": {"m03-coordinate-rules": RULES_SCIPY}},
    {"name": "krum with cdist and lexsort", "kind": "correct", "answers": {"m03-krum": KRUM_CDIST}},
    {"name": "clipping with np.where", "kind": "correct", "answers": {"m03-clipping": CLIP_WHERE}},
    {"name": "audit with blake2b and struct", "kind": "correct", "answers": {"m03-audit": AUDIT_BLAKE}},
    {"name": "attribution with pandas", "kind": "correct", "answers": {"m03-attribution": ATTR_PANDAS}},
    {"name": "holds_to with argsort and accumulate", "kind": "correct",
     "answers": {"m03-holds": HOLDS_ARGSORT}},
    {"name": "decide with another tie-break and hold binding", "kind": "correct",
     "answers": {"m03-decision": DECIDE_OTHER}},
    # buggy
    {"name": "median of the flattened updates", "kind": "buggy",
     "answers": {"m03-coordinate-rules": RULES_FLAT_MEDIAN},
     "expect_lose": ["m03-coordinate-rules-hidden"]},
    {"name": "trimmed mean with round(beta * n)", "kind": "buggy",
     "answers": {"m03-coordinate-rules": RULES_ROUND_COUNT},
     "expect_lose": ["m03-coordinate-rules-hidden"]},
    {"name": "trimmed mean cutting one side", "kind": "buggy",
     "answers": {"m03-coordinate-rules": RULES_ONE_SIDE},
     "expect_lose": ["m03-coordinate-rules-hidden"]},
    {"name": "rules without input validation", "kind": "buggy",
     "answers": {"m03-coordinate-rules": RULES_NO_VALIDATION},
     "expect_lose": ["m03-coordinate-rules-validation-hidden"]},
    {"name": "krum scoring with all n - 1 neighbours", "kind": "buggy",
     "answers": {"m03-krum": KRUM_ALL_NEIGHBOURS}, "expect_lose": ["m03-krum-hidden"]},
    {"name": "krum scoring with n - f neighbours", "kind": "buggy",
     "answers": {"m03-krum": KRUM_N_MINUS_F}, "expect_lose": ["m03-krum-hidden"]},
    {"name": "krum without the n >= 2f + 3 refusal", "kind": "buggy",
     "answers": {"m03-krum": KRUM_NO_CHECK}, "expect_lose": ["m03-krum-refusal-hidden"]},
    {"name": "krum counting the update's distance to itself", "kind": "buggy",
     "answers": {"m03-krum": KRUM_SELF_INCLUDED}, "expect_lose": ["m03-krum-hidden"]},
    {"name": "clipping that rescales every update", "kind": "buggy",
     "answers": {"m03-clipping": CLIP_NORMALISE_ALL}, "expect_lose": ["m03-clipping-hidden"]},
    {"name": "clipping that divides by a zero norm", "kind": "buggy",
     "answers": {"m03-clipping": CLIP_NAN_ON_ZERO}, "expect_lose": ["m03-clipping-validation-hidden"]},
    {"name": "audit hash without the round", "kind": "buggy",
     "answers": {"m03-audit": AUDIT_NO_ROUND}, "expect_lose": ["m03-audit-hash-hidden"]},
    {"name": "audit hash without the client", "kind": "buggy",
     "answers": {"m03-audit": AUDIT_NO_CLIENT}, "expect_lose": ["m03-audit-hash-hidden"]},
    {"name": "audit hash of str(update)", "kind": "buggy",
     "answers": {"m03-audit": AUDIT_STR_HASH}, "expect_lose": ["m03-audit-hash-hidden"]},
    {"name": "audit kept as a numpy bool", "kind": "buggy",
     "answers": {"m03-audit": AUDIT_NUMPY_BOOL}, "expect_lose": ["m03-audit-hidden"]},
    {"name": "audit cosine NaN for a zero update", "kind": "buggy",
     "answers": {"m03-audit": AUDIT_NAN_COSINE}, "expect_lose": ["m03-audit-validation-hidden"]},
    {"name": "attribution from the last round only", "kind": "buggy",
     "answers": {"m03-attribution": ATTR_LAST_ROUND}, "expect_lose": ["m03-attribution-hidden"]},
    {"name": "attribution flags at exactly half", "kind": "buggy",
     "answers": {"m03-attribution": ATTR_HALF_INCLUSIVE}, "expect_lose": ["m03-attribution-hidden"]},
    {"name": "attribution ignoring the cosine", "kind": "buggy",
     "answers": {"m03-attribution": ATTR_DROPS_ONLY}, "expect_lose": ["m03-attribution-hidden"]},
    {"name": "attribution without min_rounds", "kind": "buggy",
     "answers": {"m03-attribution": ATTR_NO_MIN_ROUNDS}, "expect_lose": ["m03-attribution-hidden"]},
    {"name": "precision 0 when nothing is flagged", "kind": "buggy",
     "answers": {"m03-attribution": ATTR_ZERO_DIVISION},
     "expect_lose": ["m03-attribution-metrics-hidden"]},
    {"name": "holds_to: any fraction that holds", "kind": "buggy",
     "answers": {"m03-holds": HOLDS_ANY}, "expect_lose": ["m03-holds-hidden"]},
    {"name": "holds_to: absolute accuracy instead of relative", "kind": "buggy",
     "answers": {"m03-holds": HOLDS_ABSOLUTE}, "expect_lose": ["m03-holds-hidden"]},
    {"name": "holds_to without sorting", "kind": "buggy",
     "answers": {"m03-holds": HOLDS_UNSORTED}, "expect_lose": ["m03-holds-hidden"]},
    {"name": "decide on clean accuracy", "kind": "buggy",
     "answers": {"m03-decision": DECIDE_CLEAN}, "expect_lose": ["m03-decision-hidden"]},
    {"name": "decide on central DP at its best epsilon", "kind": "buggy",
     "answers": {"m03-decision": DECIDE_BEST_EPS}, "expect_lose": ["m03-decision-hidden"]},
    {"name": "decide the least bad instead of holding", "kind": "buggy",
     "answers": {"m03-decision": DECIDE_LEAST_BAD}, "expect_lose": ["m03-decision-hold-hidden"]},
    {"name": "decide with a trigger that has already fired", "kind": "buggy",
     "answers": {"m03-decision": DECIDE_FIRED_TRIGGER}, "expect_lose": ["m03-decision-why-hidden"]},
    {"name": "decide on the mean accuracy over attacks", "kind": "buggy",
     "answers": {"m03-decision": DECIDE_MEAN_ACC}, "expect_lose": ["m03-decision-hidden"]},
]
