"""Student answer variants for m05-disaggregated-debiasing, written from the student
notebook's statements: each correct one takes another route (a library, another algorithm,
another data structure); each buggy one is a mistake engineers commonly make with these
statements. Used as:

    .venv/bin/python /work/shared/tools/validity/run.py . m05-disaggregated-debiasing \
        tests/validity/m05_variants.py
"""

M = "m05-"

# ------------------------------------------------------------------ Exercise 1: the report

REPORT_STATSMODELS = '''\
from statsmodels.stats.proportion import proportion_confint


def disaggregated_report(y_true, y_pred, groups, z=1.96):
    from scipy.stats import norm
    t = pd.Series(np.asarray(y_true).astype(bool))
    p = pd.Series(np.asarray(y_pred).astype(bool))
    g = pd.Series(np.asarray(groups))
    if not (len(t) == len(p) == len(g)):
        raise ValueError("lengths differ")
    if len(t) == 0:
        raise ValueError("empty")
    alpha = 2 * norm.sf(z)
    out = []
    for name, idx in g.groupby(g).groups.items():
        tt, pp = t[idx], p[idx]
        tp, fp, fn, tn = (tt & pp).sum(), (~tt & pp).sum(), (tt & ~pp).sum(), (~tt & ~pp).sum()
        if tp + fn == 0 or fp + tn == 0 or tp + fp == 0:
            raise ValueError(f"group {name}: a rate is undefined")
        row = {"group": name, "n": int(len(tt)), "n_pos": int(tp + fn),
               "prevalence": (tp + fn) / len(tt)}
        for m, x, k in (("tpr", tp, tp + fn), ("fpr", fp, fp + tn), ("ppv", tp, tp + fp)):
            lo, hi = proportion_confint(int(x), int(k), alpha=alpha, method="wilson")
            row[m], row[m + "_low"], row[m + "_high"] = x / k, lo, hi
        out.append(row)
    return pd.DataFrame(out).set_index("group")
'''

REPORT_WALD = '''\
def disaggregated_report(y_true, y_pred, groups, z=1.96):
    y_true = np.asarray(y_true).astype(int)
    y_pred = np.asarray(y_pred).astype(int)
    groups = np.asarray(groups)
    if not len(y_true) == len(y_pred) == len(groups) or len(y_true) == 0:
        raise ValueError("bad input")
    rows = {}
    for g in np.unique(groups):
        t, p = y_true[groups == g], y_pred[groups == g]
        tp, fp = int(np.sum(t & p)), int(np.sum((1 - t) & p))
        pos, neg, flagged = int(t.sum()), int((1 - t).sum()), int(p.sum())
        if min(pos, neg, flagged) == 0:
            raise ValueError(f"group {g}: undefined rate")
        row = {"n": len(t), "n_pos": pos, "prevalence": pos / len(t)}
        for name, x, m in [("tpr", tp, pos), ("fpr", fp, neg), ("ppv", tp, flagged)]:
            r = x / m
            half = z * np.sqrt(r * (1 - r) / m)          # Wald, not Wilson
            row[name], row[name + "_low"], row[name + "_high"] = r, max(0.0, r - half), min(1.0, r + half)
        rows[g] = row
    return pd.DataFrame.from_dict(rows, orient="index")
'''

REPORT_NAN = '''\
def disaggregated_report(y_true, y_pred, groups, z=1.96):
    y_true = np.asarray(y_true).astype(int)
    y_pred = np.asarray(y_pred).astype(int)
    groups = np.asarray(groups)
    if not len(y_true) == len(y_pred) == len(groups) or len(y_true) == 0:
        raise ValueError("bad input")

    def wilson(x, m):
        if m == 0:
            return np.nan, np.nan
        p = x / m
        c = (p + z**2 / (2 * m)) / (1 + z**2 / m)
        h = z * np.sqrt(p * (1 - p) / m + z**2 / (4 * m**2)) / (1 + z**2 / m)
        return c - h, c + h

    rows = {}
    for g in np.unique(groups):
        t, p = y_true[groups == g], y_pred[groups == g]
        tp, fp = int(np.sum(t & p)), int(np.sum((1 - t) & p))
        pos, neg, flagged = int(t.sum()), int((1 - t).sum()), int(p.sum())
        row = {"n": len(t), "n_pos": pos, "prevalence": pos / len(t)}
        for name, x, m in [("tpr", tp, pos), ("fpr", fp, neg), ("ppv", tp, flagged)]:
            row[name] = x / m if m else np.nan       # an empty group gives NaN, no error
            row[name + "_low"], row[name + "_high"] = wilson(x, m)
        rows[g] = row
    return pd.DataFrame.from_dict(rows, orient="index")
'''

# ------------------------------------------------------------------ Exercise 2: tests

TESTS_STATSMODELS = '''\
def disparity_tests(y_true, y_pred, groups, reference, metric="tpr", alpha=0.05, gap=0.10):
    from statsmodels.stats.multitest import multipletests
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize, proportions_ztest
    t, p, g = (np.asarray(a) for a in (y_true, y_pred, groups))
    if not len(t) == len(p) == len(g):
        raise ValueError("lengths differ")
    if metric not in ("tpr", "fpr"):
        raise ValueError("metric")
    cond = 1 if metric == "tpr" else 0
    names = sorted(set(g.tolist()))
    if reference not in names or len(names) < 2:
        raise ValueError("reference missing or nothing to compare")
    sel = {n: (g == n) & (t.astype(int) == cond) for n in names}
    for n, k in sel.items():
        if k.sum() == 0:
            raise ValueError(f"group {n} has no {'positives' if cond else 'negatives'}")
    x1, n1 = int(p[sel[reference]].astype(int).sum()), int(sel[reference].sum())
    r1 = x1 / n1
    r2 = r1 - gap if r1 >= gap else r1 + gap
    rows = []
    for n in names:
        if n == reference:
            continue
        x2, n2 = int(p[sel[n]].astype(int).sum()), int(sel[n].sum())
        if (x1 + x2) in (0, n1 + n2):
            pv = 1.0
        else:
            pv = float(proportions_ztest([x2, x1], [n2, n1])[1])
        power = NormalIndPower().power(proportion_effectsize(r1, r2), nobs1=n1, ratio=n2 / n1,
                                       alpha=alpha)
        rows.append(dict(group=n, n=n2, rate=x2 / n2, reference_rate=r1, difference=x2 / n2 - r1,
                         p_value=pv, power=float(power)))
    out = pd.DataFrame(rows).set_index("group")
    out["p_holm"] = multipletests(out["p_value"].to_numpy(), method="holm")[1]
    out["significant"] = out["p_holm"] < alpha
    out["underpowered"] = out["power"] < 0.8
    return out[["n", "rate", "reference_rate", "difference", "p_value", "p_holm", "significant",
                "power", "underpowered"]]
'''


def tests_with(change):
    """The statsmodels route with one common mistake swapped in."""
    src = TESTS_STATSMODELS
    for old, new in change:
        assert old in src, old
        src = src.replace(old, new)
    return src


TESTS_POWER_OBSERVED = tests_with([(
    "power = NormalIndPower().power(proportion_effectsize(r1, r2), nobs1=n1, ratio=n2 / n1,\n"
    "                                       alpha=alpha)",
    "from scipy.stats import norm\n"
    "        r_obs = x2 / n2                     # the group's observed rate\n"
    "        se = np.sqrt(r1 * (1 - r1) / n1 + r_obs * (1 - r_obs) / n2)\n"
    "        zc = norm.ppf(1 - alpha / 2)\n"
    "        power = norm.cdf(gap / se - zc) + norm.cdf(-gap / se - zc)")])

TESTS_NAN_POOLED = tests_with([(
    "        if (x1 + x2) in (0, n1 + n2):\n            pv = 1.0\n        else:\n"
    "            pv = float(proportions_ztest([x2, x1], [n2, n1])[1])",
    "        with np.errstate(all='ignore'):\n"
    "            pv = float(proportions_ztest([x2, x1], [n2, n1])[1])   # NaN when pooled is 0 or 1")])

TESTS_RAW_P = tests_with([('out["significant"] = out["p_holm"] < alpha',
                           'out["significant"] = out["p_value"] < alpha')])

TESTS_HOLM_NO_RUNNING_MAX = tests_with([(
    'out["p_holm"] = multipletests(out["p_value"].to_numpy(), method="holm")[1]',
    'pv_ = out["p_value"].to_numpy()\n'
    '    order_ = np.argsort(pv_)\n'
    '    adj_ = np.empty(len(pv_))\n'
    '    adj_[order_] = np.minimum(1, (len(pv_) - np.arange(len(pv_))) * pv_[order_])  # no running max\n'
    '    out["p_holm"] = adj_')])

# ------------------------------------------------------------------ Exercise 3: representation

REPR_PANDAS = '''\
def resample_to_targets(groups, targets, n=None, seed=None):
    g = pd.Series(np.asarray(groups))
    present = set(g.unique())
    if set(targets) != present:
        raise ValueError("targets must name exactly the groups present")
    shares = pd.Series(targets, dtype=float)
    if (shares < 0).any() or not np.isclose(shares.sum(), 1.0, atol=1e-6):
        raise ValueError("bad shares")
    n = len(g) if n is None else int(n)
    exact = shares * n
    counts = np.floor(exact).astype(int)
    short = n - int(counts.sum())
    for name in (exact - counts).sort_values(ascending=False, kind="mergesort").index[:short]:
        counts[name] += 1
    rng_ = np.random.default_rng(seed)
    idx = []
    for name, k in counts.items():
        pool = np.flatnonzero(g.to_numpy() == name)
        idx.append(rng_.choice(pool, size=int(k), replace=bool(k > len(pool))))
    return np.concatenate(idx).astype(np.int64)


def reweigh(groups, y):
    g = pd.Series(np.asarray(groups), name="g")
    yy = pd.Series(np.asarray(y).astype(int), name="y")
    if len(g) != len(yy) or len(g) == 0:
        raise ValueError("bad input")
    joint = pd.crosstab(g, yy, normalize=True)
    if (joint == 0).to_numpy().any():
        raise ValueError("an empty (group, label) cell")
    pg, py = g.value_counts(normalize=True), yy.value_counts(normalize=True)
    return np.array([pg[a] * py[b] / joint.loc[a, b] for a, b in zip(g, yy)])
'''

REPR_ROUND_EACH = REPR_PANDAS.replace(
    '''    counts = np.floor(exact).astype(int)
    short = n - int(counts.sum())
    for name in (exact - counts).sort_values(ascending=False, kind="mergesort").index[:short]:
        counts[name] += 1
''', '''    counts = np.round(exact).astype(int)        # each share rounded on its own
''')

REPR_INVERSE_GROUP = REPR_PANDAS.replace(
    "    return np.array([pg[a] * py[b] / joint.loc[a, b] for a, b in zip(g, yy)])",
    "    return np.array([1.0 / (pg[a] * len(pg)) for a in g])     # balances groups, not labels")

# ------------------------------------------------------------------ Exercise 4: counterfactuals

CF_APPLY = '''\
def counterfactual(X, attribute, swap, proxies=None):
    bad = [v for v in pd.unique(X[attribute]) if v not in swap]
    if bad:
        raise ValueError(f"no swap for {bad}")
    new = X.copy(deep=True)
    new[attribute] = [swap[v] for v in X[attribute]]
    new[attribute] = new[attribute].astype(X[attribute].dtype)
    for col, off in (proxies or {}).items():
        delta = np.array([off[b] - off[a] for a, b in zip(X[attribute], new[attribute])])
        new[col] = X[col].to_numpy() + delta
    return new


def flip_rate(model, X, attribute, swap, proxies=None, threshold=0.5):
    a = model.predict_proba(X)[:, 1] >= threshold
    b = model.predict_proba(counterfactual(X, attribute, swap, proxies))[:, 1] >= threshold
    return float((a != b).sum() / len(a))


def augment(X, y, attribute, swap, proxies=None):
    both = pd.concat([X, counterfactual(X, attribute, swap, proxies)]).reset_index(drop=True)
    labels = np.asarray(y)
    return both, np.r_[labels, labels]
'''

CF_NO_RESET = CF_APPLY.replace(
    "    both = pd.concat([X, counterfactual(X, attribute, swap, proxies)]).reset_index(drop=True)",
    "    both = pd.concat([X, counterfactual(X, attribute, swap, proxies)])     # index kept")

CF_GROUP_RATES = CF_APPLY.replace('''    a = model.predict_proba(X)[:, 1] >= threshold
    b = model.predict_proba(counterfactual(X, attribute, swap, proxies))[:, 1] >= threshold
    return float((a != b).sum() / len(a))''', '''    flag = model.predict_proba(X)[:, 1] >= threshold
    rates = [flag[(X[attribute] == v).to_numpy()].mean() for v in sorted(swap)]
    return float(abs(rates[0] - rates[1]))      # the difference of the groups' flag rates''')

# ------------------------------------------------------------------ Exercise 5: thresholds

EO_SCAN = '''\
def equal_opportunity(scores_val, y_val, groups_val, scores_test, y_test, groups_test,
                      target_tpr=0.8):
    sv, yv, gv = (np.asarray(a) for a in (scores_val, y_val, groups_val))
    st, yt, gt = (np.asarray(a) for a in (scores_test, y_test, groups_test))
    if len(sv) != len(yv) or len(yv) != len(gv) or len(st) != len(yt) or len(yt) != len(gt):
        raise ValueError("lengths differ")
    if not (0 < target_tpr <= 1):
        raise ValueError("target_tpr must be in (0, 1]")
    if set(gt.tolist()) - set(gv.tolist()):
        raise ValueError("a test group has no validation rows")
    out = {}
    for g in sorted(set(gv.tolist())):
        pos = sv[(gv == g) & (yv.astype(int) == 1)]
        if pos.size == 0:
            raise ValueError(f"group {g} has no validation positives")
        # scan the candidate thresholds from the top; keep the highest that reaches the target
        best = None
        for cand in sorted(set(pos.tolist()), reverse=True):
            if np.mean(pos >= cand) >= target_tpr:
                best = cand
                break
        m = gt == g
        f = st[m] >= best
        out[g] = dict(threshold=float(best), val_tpr=float(np.mean(pos >= best)),
                      test_tpr=float(f[yt[m].astype(int) == 1].mean()),
                      test_fpr=float(f[yt[m].astype(int) == 0].mean()))
    return pd.DataFrame(out).T
'''

EO_NO_EPSILON = '''\
def equal_opportunity(scores_val, y_val, groups_val, scores_test, y_test, groups_test,
                      target_tpr=0.8):
    sv, yv, gv = (np.asarray(a) for a in (scores_val, y_val, groups_val))
    st, yt, gt = (np.asarray(a) for a in (scores_test, y_test, groups_test))
    if len(sv) != len(yv) or len(yv) != len(gv) or len(st) != len(yt) or len(yt) != len(gt):
        raise ValueError("lengths differ")
    if not (0 < target_tpr <= 1):
        raise ValueError("target_tpr must be in (0, 1]")
    if set(gt.tolist()) - set(gv.tolist()):
        raise ValueError("a test group has no validation rows")
    out = {}
    for g in sorted(set(gv.tolist())):
        pos = np.sort(sv[(gv == g) & (yv.astype(int) == 1)])[::-1]
        if pos.size == 0:
            raise ValueError(f"group {g} has no validation positives")
        k = int(np.ceil(target_tpr * len(pos)))      # no epsilon
        best = pos[k - 1]
        m = gt == g
        f = st[m] >= best
        out[g] = dict(threshold=float(best), val_tpr=float(np.mean(pos >= best)),
                      test_tpr=float(f[yt[m].astype(int) == 1].mean()),
                      test_fpr=float(f[yt[m].astype(int) == 0].mean()))
    return pd.DataFrame(out).T
'''

EO_ON_TEST = EO_SCAN.replace(
    "        pos = sv[(gv == g) & (yv.astype(int) == 1)]\n        if pos.size == 0:",
    "        pos = st[(gt == g) & (yt.astype(int) == 1)]     # tuned where it is reported\n"
    "        if sv[(gv == g) & (yv.astype(int) == 1)].size == 0:")

# ------------------------------------------------------------------ Exercise 6: the monitor

MONITOR_LOOP = '''\
def disparity_monitor(batches, reference, metric="tpr", alpha=0.01, window=5):
    import math
    if not batches:
        raise ValueError("empty stream")
    if window < 1 or metric not in ("tpr", "fpr"):
        raise ValueError("bad window or metric")
    data = []
    for yt, yp, g in batches:
        yt, yp, g = np.asarray(yt).astype(int), np.asarray(yp).astype(int), np.asarray(g).astype(str)
        if not (len(yt) == len(yp) == len(g)):
            raise ValueError("a batch's arrays differ in length")
        data.append((yt, yp, g))
    everyone = sorted({x for _, _, g in data for x in g.tolist()})
    if str(reference) not in everyone or len(everyone) < 2:
        raise ValueError("reference missing or a single group")
    cond = 1 if metric == "tpr" else 0
    rows = []
    for b in range(len(data)):
        lo = max(0, b - window + 1)
        yt = np.concatenate([d[0] for d in data[lo:b + 1]])
        yp = np.concatenate([d[1] for d in data[lo:b + 1]])
        g = np.concatenate([d[2] for d in data[lo:b + 1]])
        k_ref = (g == reference) & (yt == cond)
        tested = []
        if k_ref.any():
            for name in everyone:
                k = (g == name) & (yt == cond)
                if name == reference or not k.any():
                    continue
                x1, n1, x2, n2 = yp[k_ref].sum(), k_ref.sum(), yp[k].sum(), k.sum()
                pool = (x1 + x2) / (n1 + n2)
                if pool <= 0 or pool >= 1:
                    pv = 1.0
                else:
                    z = (x2 / n2 - x1 / n1) / math.sqrt(pool * (1 - pool) * (1 / n1 + 1 / n2))
                    pv = math.erfc(abs(z) / math.sqrt(2))
                tested.append([name, pv])
        # Holm, step down with a running maximum
        tested.sort(key=lambda r: r[1])
        m, running = len(tested), 0.0
        for i, r in enumerate(tested):
            running = max(running, min(1.0, (m - i) * r[1]))
            r.append(running)
        flagged = sorted(r[0] for r in tested if r[2] < alpha)
        rows.append({"batch": b, "alarm": bool(flagged), "flagged": flagged,
                     "p_min": min((r[2] for r in tested), default=1.0)})
    return pd.DataFrame(rows)
'''

MONITOR_RAW_P = MONITOR_LOOP.replace(
    "            running = max(running, min(1.0, (m - i) * r[1]))",
    "            running = r[1]                    # raw p-values: no correction")

MONITOR_NAN_POOLED = MONITOR_LOOP.replace('''                if pool <= 0 or pool >= 1:
                    pv = 1.0
                else:
                    z = (x2 / n2 - x1 / n1) / math.sqrt(pool * (1 - pool) * (1 / n1 + 1 / n2))
                    pv = math.erfc(abs(z) / math.sqrt(2))''', '''                with np.errstate(all="ignore"):
                    z = (x2 / n2 - x1 / n1) / np.sqrt(pool * (1 - pool) * (1 / n1 + 1 / n2))
                pv = float(math.erfc(abs(z) / math.sqrt(2))) if np.isfinite(z) else float("nan")''').replace(
    '''        tested.sort(key=lambda r: r[1])
        m, running = len(tested), 0.0
        for i, r in enumerate(tested):
            running = max(running, min(1.0, (m - i) * r[1]))
            r.append(running)''', '''        tested.sort(key=lambda r: r[1])
        if tested:                            # Holm in numpy: a NaN p-value propagates
            ps = np.array([r[1] for r in tested])
            adj = np.maximum.accumulate(np.minimum(1.0, (len(ps) - np.arange(len(ps))) * ps))
            for r, a in zip(tested, adj):
                r.append(float(a))''').replace(
    '''"p_min": min((r[2] for r in tested), default=1.0)''',
    '''"p_min": float(np.min([r[2] for r in tested])) if tested else 1.0''')
assert "np.maximum.accumulate" in MONITOR_NAN_POOLED and "float(\"nan\")" in MONITOR_NAN_POOLED

# ------------------------------------------------------------------ Exercise 7: the decision

DECIDE_FEASIBLE_DOMINANCE = '''\
def decide(options, limits):
    from course.judgment import feasible
    cols = {"tpr_gap": "tpr_gap_high", "fpr_ref": "fpr_ref", "load": "load"}
    if options is None or len(options) == 0:
        raise ValueError("no options")
    for c in ["accuracy", *cols.values()]:
        if c not in options.columns:
            raise ValueError(f"missing column {c}")
    table = {name: {c: float(options.loc[name, c]) for c in ["accuracy", *cols.values()]}
             for name in options.index}
    ok = [n for n in table if all(table[n][c] <= limits[r] for r, c in cols.items())]
    if not ok:
        worst = {r: sum(table[n][c] > limits[r] for n in table) for r, c in cols.items()}
        r = max(worst, key=worst.get)
        return Decision(HOLD, r, {cols[r]: min(t[cols[r]] for t in table.values())},
                        Trigger(cols[r], "<=", limits[r]))

    def dominated(a):
        for b in ok:
            if b == a:
                continue
            ge = table[b]["accuracy"] >= table[a]["accuracy"] and all(
                table[b][c] <= table[a][c] for c in cols.values())
            gt = table[b]["accuracy"] > table[a]["accuracy"] or any(
                table[b][c] < table[a][c] for c in cols.values())
            if ge and gt:
                return True
        return False

    pick = max([n for n in ok if not dominated(n)], key=lambda n: table[n]["accuracy"])
    row = table[pick]
    binding = next((r for r, c in cols.items()
                    for n in table if table[n]["accuracy"] > row["accuracy"] and table[n][c] > limits[r]),
                   "none")
    ev = {"accuracy": row["accuracy"]}
    if binding != "none":
        ev[cols[binding]] = row[cols[binding]]
    return Decision(pick, binding, ev, ("tpr_gap_high", ">", limits["tpr_gap"]))
'''

DECIDE_MOST_MARGIN = '''\
def decide(options, limits):
    # a cautious lead: among the options that meet the rules and are not dominated, ship the
    # one with the smallest gap bound, not the most accurate
    need = ["tpr_gap_high", "accuracy", "fpr_ref", "load"]
    if len(options) == 0 or any(c not in options for c in need):
        raise ValueError("options must be non-empty with " + ", ".join(need))
    t = options[need].astype(float)
    fine = t[(t.tpr_gap_high <= limits["tpr_gap"]) & (t.fpr_ref <= limits["fpr_ref"])
             & (t.load <= limits["load"])]
    if fine.empty:
        return Decision(HOLD, "tpr_gap" if (t.tpr_gap_high > limits["tpr_gap"]).any() else
                        ("fpr_ref" if (t.fpr_ref > limits["fpr_ref"]).any() else "load"),
                        {"accuracy": float(t.accuracy.max())}, ("accuracy", ">=", 0.0))

    def dominated(name):
        r = fine.loc[name]
        others = fine.drop(index=name)
        at_least = ((others.accuracy >= r.accuracy) & (others.tpr_gap_high <= r.tpr_gap_high)
                    & (others.fpr_ref <= r.fpr_ref) & (others.load <= r.load))
        better = ((others.accuracy > r.accuracy) | (others.tpr_gap_high < r.tpr_gap_high)
                  | (others.fpr_ref < r.fpr_ref) | (others.load < r.load))
        return bool((at_least & better).any())

    cands = fine.loc[[n for n in fine.index if not dominated(n)]]
    pick = cands.sort_values(["tpr_gap_high", "accuracy"], ascending=[True, False]).index[0]
    r = t.loc[pick]
    more = t[t.accuracy > r.accuracy]
    rules = {"tpr_gap": "tpr_gap_high", "fpr_ref": "fpr_ref", "load": "load"}
    failing = [rule for rule, col in rules.items() if (more[col] > limits[rule]).any()]
    if failing:                  # a more accurate option is ruled out by this rule
        binding = failing[0]
    elif len(more):              # the more accurate ones meet the rules: we buy gap margin
        binding = "tpr_gap"
    else:
        binding = "none"
    ev = {"accuracy": float(r.accuracy)}
    if binding != "none":
        ev[rules[binding]] = float(r[rules[binding]])
    return Decision(pick, binding, ev, Trigger("tpr_gap_high", ">", limits["tpr_gap"]))
'''


def decide_with(change):
    src = DECIDE_FEASIBLE_DOMINANCE
    for old, new in change:
        assert old in src, old
        src = src.replace(old, new)
    return src


DECIDE_OTHER_BINDING_AND_TRIGGER = decide_with([
    ('''    binding = next((r for r, c in cols.items()
                    for n in table if table[n]["accuracy"] > row["accuracy"] and table[n][c] > limits[r]),
                   "none")''', '''    # when several rules rule out a more accurate option, any of them may be named: the last
    ruled = [r for r, c in cols.items()
             for n in table if table[n]["accuracy"] > row["accuracy"] and table[n][c] > limits[r]]
    binding = ruled[-1] if ruled else "none"'''),
    ('return Decision(pick, binding, ev, ("tpr_gap_high", ">", limits["tpr_gap"]))',
     'return Decision(pick, binding, ev, Trigger("fpr_ref", ">", limits["fpr_ref"]))')])


DECIDE_POINT_ESTIMATE = decide_with([
    ('cols = {"tpr_gap": "tpr_gap_high", "fpr_ref": "fpr_ref", "load": "load"}',
     'cols = {"tpr_gap": "tpr_gap", "fpr_ref": "fpr_ref", "load": "load"}     # the point estimate'),
    ('("tpr_gap_high", ">", limits["tpr_gap"])', '("tpr_gap", ">", limits["tpr_gap"])')])

DECIDE_LEAST_BAD = decide_with([(
    '''    if not ok:
        worst''', '''    if not ok:
        # nothing meets every rule: ship the one that breaks them least
        over = {n: sum(max(0.0, table[n][c] - limits[r]) / limits[r] for r, c in cols.items())
                for n in table}
        best = min(over, key=over.get)
        return Decision(best, "tpr_gap", {"accuracy": table[best]["accuracy"],
                                          "tpr_gap_high": table[best]["tpr_gap_high"]},
                        ("tpr_gap_high", ">", 1.0))
    if False:
        worst''')])

DECIDE_RECORD_ACCURACY = decide_with([
    ('table = {name: {c: float(options.loc[name, c]) for c in ["accuracy", *cols.values()]}\n'
     '             for name in options.index}',
     'table = {name: {**{c: float(options.loc[name, c]) for c in cols.values()},\n'
     '                "accuracy": float(options.loc[name, "accuracy_record"])}   # the record\'s\n'
     '             for name in options.index}'),
    ('    pick = max([n for n in ok if not dominated(n)], key=lambda n: table[n]["accuracy"])',
     '    pick = max(ok, key=lambda n: table[n]["accuracy"])'),
    ('    ev = {"accuracy": row["accuracy"]}', '    ev = {"accuracy": float(options.loc[pick, "accuracy"])}'),
    ('        ev[cols[binding]] = row[cols[binding]]',
     '        ev[cols[binding]] = row[cols[binding]]\n    binding = binding')])

DECIDE_FIRST_OF_TIES = decide_with([(
    '    pick = max([n for n in ok if not dominated(n)], key=lambda n: table[n]["accuracy"])',
    '    pick = max(ok, key=lambda n: table[n]["accuracy"])     # first of the most accurate')])

DECIDE_BINDING_ALWAYS_GAP = decide_with([(
    '''    binding = next((r for r, c in cols.items()
                    for n in table if table[n]["accuracy"] > row["accuracy"] and table[n][c] > limits[r]),
                   "none")''', '''    binding = "tpr_gap"                   # the fairness rule always binds, surely''')])

DECIDE_TRIGGER_FIRED = decide_with([(
    'return Decision(pick, binding, ev, ("tpr_gap_high", ">", limits["tpr_gap"]))',
    'return Decision(pick, binding, ev, ("tpr_gap_high", "<=", limits["tpr_gap"]))   # it holds now')])

DECIDE_IGNORES_LOAD = decide_with([(
    'cols = {"tpr_gap": "tpr_gap_high", "fpr_ref": "fpr_ref", "load": "load"}',
    'cols = {"tpr_gap": "tpr_gap_high", "fpr_ref": "fpr_ref"}      # reviewers will cope')])

DECIDE_KEYERROR = decide_with([(
    '''    for c in ["accuracy", *cols.values()]:
        if c not in options.columns:
            raise ValueError(f"missing column {c}")
''', '')])


def correct(name, **answers):
    return {"name": name, "kind": "correct",
            "answers": {M + k.replace("_", "-"): v for k, v in answers.items()}}


def buggy(name, cell, source, *expect_lose):
    return {"name": name, "kind": "buggy", "answers": {M + cell: source},
            "expect_lose": [M + e for e in expect_lose]}


VARIANTS = [
    correct("report-statsmodels-groupby", disaggregated_report=REPORT_STATSMODELS),
    correct("tests-statsmodels-cohens-h", disparity_tests=TESTS_STATSMODELS),
    correct("representation-pandas-crosstab", representation=REPR_PANDAS),
    correct("counterfactual-list-map-concat", counterfactual=CF_APPLY),
    correct("thresholds-scan-candidates", equal_opportunity=EO_SCAN),
    correct("monitor-pure-python-holm", monitor=MONITOR_LOOP),
    correct("decide-feasible-then-dominance", decision=DECIDE_FEASIBLE_DOMINANCE),
    correct("decide-most-margin-not-most-accurate", decision=DECIDE_MOST_MARGIN),
    correct("decide-other-binding-and-trigger", decision=DECIDE_OTHER_BINDING_AND_TRIGGER),
    correct("all-alternative-routes", disaggregated_report=REPORT_STATSMODELS,
            disparity_tests=TESTS_STATSMODELS, representation=REPR_PANDAS,
            counterfactual=CF_APPLY, equal_opportunity=EO_SCAN, monitor=MONITOR_LOOP,
            decision=DECIDE_FEASIBLE_DOMINANCE),

    buggy("report-wald-interval", "disaggregated-report", REPORT_WALD, "disaggregated-report-hidden"),
    buggy("report-nan-for-empty-group", "disaggregated-report", REPORT_NAN,
          "disaggregated-report-errors-hidden"),
    buggy("tests-power-at-observed-rate", "disparity-tests", TESTS_POWER_OBSERVED,
          "disparity-tests-power-hidden"),
    buggy("tests-nan-when-pooled-0-or-1", "disparity-tests", TESTS_NAN_POOLED,
          "disparity-tests-errors-hidden"),
    buggy("tests-raw-p-decides", "disparity-tests", TESTS_RAW_P, "disparity-tests-hidden"),
    buggy("tests-holm-without-running-max", "disparity-tests", TESTS_HOLM_NO_RUNNING_MAX,
          "disparity-tests-hidden"),
    buggy("resample-round-each-share", "representation", REPR_ROUND_EACH, "representation-hidden"),
    buggy("reweigh-inverse-group-share", "representation", REPR_INVERSE_GROUP,
          "representation-reweigh-hidden"),
    buggy("augment-keeps-index", "counterfactual", CF_NO_RESET, "counterfactual-augment-hidden"),
    buggy("flip-rate-from-group-rates", "counterfactual", CF_GROUP_RATES, "counterfactual-hidden"),
    buggy("thresholds-ceil-without-epsilon", "equal-opportunity", EO_NO_EPSILON,
          "equal-opportunity-hidden"),
    buggy("thresholds-tuned-on-test", "equal-opportunity", EO_ON_TEST, "equal-opportunity-hidden"),
    buggy("monitor-raw-p", "monitor", MONITOR_RAW_P, "monitor-hidden"),
    buggy("monitor-nan-when-pooled-0-or-1", "monitor", MONITOR_NAN_POOLED, "monitor-errors-hidden"),
    buggy("decide-point-estimate-of-gap", "decision", DECIDE_POINT_ESTIMATE, "decision-hidden",
          "decision-hold-hidden"),
    buggy("decide-least-bad-instead-of-hold", "decision", DECIDE_LEAST_BAD, "decision-hold-hidden"),
    buggy("decide-accuracy-on-the-record", "decision", DECIDE_RECORD_ACCURACY, "decision-hidden"),
    buggy("decide-first-of-tied-rows", "decision", DECIDE_FIRST_OF_TIES, "decision-hidden"),
    buggy("decide-binding-always-gap", "decision", DECIDE_BINDING_ALWAYS_GAP, "decision-hidden"),
    buggy("decide-trigger-already-fired", "decision", DECIDE_TRIGGER_FIRED, "decision-hidden"),
    buggy("decide-ignores-reviewer-load", "decision", DECIDE_IGNORES_LOAD, "decision-hidden"),
    buggy("decide-keyerror-on-missing-column", "decision", DECIDE_KEYERROR,
          "decision-errors-hidden"),
]
