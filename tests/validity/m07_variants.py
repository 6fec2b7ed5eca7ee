"""Answer variants for m07-mock-debrief, written from the student statement.

Correct ones take other routes (other metrics and thresholds, a design loaded from YAML,
pandas for the decision); buggy ones are the mistakes candidates really make in a design
round: output-only filtering, monitoring as the only control, a threshold inside the noise,
a fail-open budget, a control without a threshold, a decorative component, reviewers
overloaded or claimed by the thousand, a keyword-stuffed rationale on weak controls, and the
decision mistakes (averaging over seeds, the least bad instead of hold, binding "none").
Run from the repository root:

    .venv/bin/python /work/shared/tools/validity/run.py . m07-mock-debrief tests/validity/m07_variants.py
"""


def _controls(fn, body):
    return f'def {fn}():\n    return [\n{body}    ]\n'


def _c(name, hazard, stage, metric, threshold, direction, action, where, window=None):
    extra = f", window={window}" if window else ""
    return (f'        Control({name!r}, {hazard!r}, {stage!r}, {metric!r}, {threshold!r}, '
            f'{direction!r}, {action!r}, "on-call", {where!r}{extra}),\n')


# ------------------------------------------------------------------ exercise 1: data
DATA_UNSEEN_ONLY = _controls("data_controls", _c("trigger token", "poisoned_vendor", "data",
                                                 "unseen_token_share", 0.05, ">", "quarantine",
                                                 "intake"))
DATA_OUTPUT_ONLY = _controls("data_controls", _c("unsafe score filter", "poisoned_vendor",
                                                 "output", "output_unsafe_score", 0.5, ">",
                                                 "block", "filter"))
DATA_NOISE = _controls("data_controls", _c("label drift", "poisoned_vendor", "data",
                                           "label_shift", 0.02, ">", "quarantine", "intake"))

# ------------------------------------------------------------------ exercise 2: prompts
PROMPT_OTHER = _controls("prompt_controls",
                         _c("gate", "jailbreak_wave", "input", "input_risk", 0.6, ">", "block", "gw")
                         + _c("band", "jailbreak_wave", "input", "input_risk", 0.12, ">", "review", "gw")
                         + _c("out", "jailbreak_wave", "output", "output_risk", 0.4, ">", "block", "of"))
PROMPT_OUTPUT_ONLY = _controls("prompt_controls",
                               _c("output filter", "jailbreak_wave", "output", "output_risk", 0.5,
                                  ">", "block", "of"))
PROMPT_STRICT = _controls("prompt_controls",
                          _c("gate", "jailbreak_wave", "input", "input_risk", 0.1, ">", "block", "gw"))
PROMPT_REVIEW_ALL = _controls("prompt_controls",
                              _c("gate", "jailbreak_wave", "input", "input_risk", 0.5, ">", "block", "gw")
                              + _c("humans", "jailbreak_wave", "input", "input_risk", 0.02, ">", "review", "gw")
                              + _c("out", "jailbreak_wave", "output", "output_risk", 0.5, ">", "block", "of"))

# ------------------------------------------------------------------ exercise 3: drift
DRIFT_INPUT_ONLY = _controls("drift_controls", _c("reading shift", "demographic_drift", "input",
                                                  "group_input_shift", 5.0, ">", "review", "mon"))
DRIFT_MONITOR_ONLY = _controls("drift_controls", _c("tpr gap", "demographic_drift", "monitoring",
                                                    "group_tpr_gap", 0.1, ">", "review", "mon"))
DRIFT_TWITCHY = _controls("drift_controls", _c("reading shift", "demographic_drift", "input",
                                               "group_input_shift", 2.0, ">", "review", "mon"))

# ------------------------------------------------------------------ exercise 4: serving
_SERVING_EARLY = (_c("input check", "bad_deploy", "input", "input_check_flag", 0.5, ">", "block", "gw")
                  + _c("stream", "bad_deploy", "output", "stream_flag", 0.5, ">", "block", "of")
                  + _c("judge", "bad_deploy", "output", "judge_flag", 0.5, ">", "block", "of")
                  + _c("breaker", "bad_deploy", "deploy", "canary_flag_rate", 0.05, ">", "rollback", "srv", 100)
                  + _c("shed", "latency_spike", "input", "queue_wait_s", 0.5, ">", "block", "srv"))
SERVING_OTHER = _controls("serving_controls",
                          _c("judge", "bad_deploy", "output", "judge_flag", 0.5, ">", "block", "of")
                          + _c("input check", "bad_deploy", "input", "input_check_flag", 0.5, ">", "block", "gw")
                          + _c("breaker", "bad_deploy", "deploy", "canary_flag_rate", 0.04, ">", "rollback", "srv", 50)
                          + _c("shed", "latency_spike", "input", "queue_wait_s", 0.8, ">", "block", "srv")
                          + _c("budget", "latency_spike", "output", "check_latency_ms", 600, ">", "block", "of"))
SERVING_JUDGE_ONLY = _controls("serving_controls",
                               _c("judge", "bad_deploy", "output", "judge_flag", 0.5, ">", "block", "of")
                               + _c("shed", "latency_spike", "input", "queue_wait_s", 0.5, ">", "block", "srv")
                               + _c("budget", "latency_spike", "output", "check_latency_ms", 500, ">", "block", "of"))
SERVING_FAIL_OPEN = _controls("serving_controls", _SERVING_EARLY
                              + _c("budget", "latency_spike", "output", "check_latency_ms", 150, ">", "release", "of"))
SERVING_TIGHT_BUDGET = _controls("serving_controls", _SERVING_EARLY
                                 + _c("budget", "latency_spike", "output", "check_latency_ms", 40, ">", "block", "of"))

# ------------------------------------------------------------------ exercise 5: the design
DESIGN_YAML = '''\
import yaml
from course.design import design_from_dict, design_to_dict

def my_design():
    spec = yaml.safe_load("""
    name: triage, layered
    application: emergency triage
    components:
      - {name: intake, kind: ingestion, purpose: vendor batches}
      - {name: gate, kind: gateway, purpose: requests}
      - {name: model, kind: model, purpose: answers}
      - {name: checks, kind: output_filter, purpose: answers}
      - {name: serving, kind: serving, purpose: breaker}
      - {name: monitor, kind: monitor, purpose: drift}
      - {name: reviewers, kind: review_queue, purpose: people}
    hazards: [poisoned_vendor, jailbreak_wave, demographic_drift, bad_deploy, latency_spike]
    audit_points: [data, input, deploy, output, monitoring]
    oversight: {reviews_per_day: 120}
    rollback: {target: previous release, owner: release manager}
    """)
    where = {"data": "intake", "input": "gate", "output": "checks", "deploy": "serving",
             "monitoring": "monitor", "training": "model"}
    controls = []
    for c in data_controls() + prompt_controls() + drift_controls() + serving_controls():
        d = {k: getattr(c, k) for k in ("name", "hazard", "stage", "metric", "threshold",
                                         "direction", "action", "owner", "window")}
        d["where"] = "serving" if c.metric in ("queue_wait_s", "canary_flag_rate") else where[c.stage]
        controls.append(d)
    spec["controls"] = controls
    return design_from_dict(spec)
'''

_REF_DESIGN = '''\
def my_design():
    controls = data_controls() + prompt_controls() + drift_controls() + serving_controls()
    components = [
        Component("vendor intake", "ingestion", "batches"), Component("gateway", "gateway", "requests"),
        Component("triage model", "model", "answers"), Component("output filter", "output_filter", "answers"),
        Component("serving", "serving", "breaker"), Component("drift monitor", "monitor", "groups"),
        Component("review queue", "review_queue", "people"), Component("audit log", "audit_log", "records"),
    ]
    EXTRA
    return Design("layered", "triage", components=components, controls=controls,
                  hazards=list(HAZARDS[:5]), audit_points=list(STAGES),
                  oversight=Oversight(CAPACITY), rollback=Rollback("last-good", "release lead"),
                  rationale=RATIONALE)
'''


def _design(extra="", capacity="REVIEW_CAPACITY", rationale='"layers"'):
    return (_REF_DESIGN.replace("EXTRA", extra or "pass").replace("CAPACITY", capacity)
            .replace("RATIONALE", rationale))


DESIGN_NO_THRESHOLD = _design('controls = controls + [Control("watch it", "jailbreak_wave", '
                              '"monitoring", "incident_reports", None, ">=", "page", "ml", '
                              '"drift monitor")]')
DESIGN_LEDGER = _design('components = components + [Component("blockchain ledger", "other", '
                        '"immutable record of every request")]')
DESIGN_CLAIMED_CAPACITY = _design(capacity="1000")
DESIGN_OVERLOAD = _design('controls = controls + [Control("review anything risky", '
                          '"jailbreak_wave", "input", "input_risk", 0.02, ">", "review", '
                          '"safety", "gateway")]')
DESIGN_KEYWORDS = _design(
    'controls = [c for c in controls if c.hazard != "demographic_drift"] + [Control("outcome '
    'gap", "demographic_drift", "monitoring", "group_tpr_gap", 0.2, ">", "page", "clinical", '
    '"drift monitor")]',
    rationale='"Defense in depth across every layer, NIST AI RMF govern map measure manage, SAIF, '
              'responsible scaling if-then commitments, human oversight, red teaming, disaggregated '
              'monitoring with statistical tests, robust aggregation, audit trails."')

# ------------------------------------------------------------------ exercise 6: decision
DECISION_PANDAS = '''\
def decide(review):
    rows = []
    for name, r in review.runs.items():
        rows.append({"option": name, "contained": min(r["contained"]),
                     "load_ratio": max(r["load_ratio"]), "latency_ms": max(r["latency_ms"]),
                     "components": r["components"]})
    t = pd.DataFrame(rows).set_index("option").astype(float)
    ok_c = t.contained >= 1.0
    ok_l = t.load_ratio <= review.max_load_ratio
    ok_t = t.latency_ms <= review.max_latency_ms
    ok = t[ok_c & ok_l & ok_t]
    if ok.empty:
        name = "containment" if (~ok_c).any() else "reviewer capacity" if (~ok_l).any() else "latency budget"
        metric = {"containment": "contained", "reviewer capacity": "load_ratio",
                  "latency budget": "latency_ms"}[name]
        worst = t.sort_values("components").iloc[0]
        row = t.loc[(~ok_c) if name == "containment" else (~ok_l) if name == "reviewer capacity" else (~ok_t)].iloc[0]
        limit = {"contained": 1.0, "load_ratio": review.max_load_ratio,
                 "latency_ms": review.max_latency_ms}[metric]
        op = ">=" if metric == "contained" else "<="
        return Decision(HOLD, name, evidence=row.to_dict(), trigger=(metric, op, limit))
    best = ok.sort_values(["components", "load_ratio", "latency_ms"]).iloc[0]
    choice = best.name
    smaller = t[t.components < best.components]
    binding = "none"
    if len(smaller):
        s = smaller.sort_values("components").iloc[0]
        binding = ("containment" if s.contained < 1.0 else
                   "reviewer capacity" if s.load_ratio > review.max_load_ratio else "latency budget")
    return Decision(choice, binding, evidence=best.to_dict(),
                    trigger=("latency_ms", ">", review.max_latency_ms))
'''

_DECISION_REF = '''\
def decide(review):
    table = {name: {"contained": float(AGG_C(r["contained"])),
                    "load_ratio": float(AGG_L(r["load_ratio"])),
                    "latency_ms": float(AGG_L(r["latency_ms"])),
                    "components": float(r["components"])}
             for name, r in review.runs.items()}
    limits = {"containment": ("contained", ">=", 1.0),
              "reviewer capacity": ("load_ratio", "<=", review.max_load_ratio),
              "latency budget": ("latency_ms", "<=", review.max_latency_ms)}
    def meets(row, metric, op, limit):
        return row[metric] >= limit - 1e-9 if op == ">=" else row[metric] <= limit + 1e-9
    fails = {n: [k for k, spec in limits.items() if not meets(row, *spec)] for n, row in table.items()}
    ok = [n for n in table if not fails[n]]
    if not ok:
        HOLD_BRANCH
    choice = min(ok, key=lambda n: (table[n]["components"], table[n]["latency_ms"]))
    better = [n for n in table if table[n]["components"] < table[choice]["components"]]
    binding = BINDING
    return Decision(choice, binding, evidence=table[choice],
                    trigger=("load_ratio", ">", review.max_load_ratio))
'''
_HOLD_OK = '''best = min(table, key=lambda n: (len(fails[n]), table[n]["components"]))
        metric, op, limit = limits[fails[best][0]]
        return Decision(HOLD, fails[best][0], evidence=table[best], trigger=(metric, op, limit))'''
_HOLD_LEAST_BAD = '''best = min(table, key=lambda n: (len(fails[n]), table[n]["components"]))
        return Decision(best, fails[best][0], evidence=table[best],
                        trigger=("load_ratio", ">", review.max_load_ratio))'''
_BIND_OK = 'fails[min(better, key=lambda n: table[n]["components"])][0] if better else "none"'


def _decision(agg_c="min", agg_l="max", hold=_HOLD_OK, binding=_BIND_OK):
    mean = "(lambda v: sum(v) / len(v))"
    return (_DECISION_REF.replace("AGG_C", mean if agg_c == "mean" else agg_c)
            .replace("AGG_L", mean if agg_l == "mean" else agg_l)
            .replace("HOLD_BRANCH", hold).replace("BINDING", binding))


DECISION_MEAN = _decision("mean", "mean")
DECISION_LEAST_BAD = _decision(hold=_HOLD_LEAST_BAD)
DECISION_NONE = _decision(binding='"none"')
DECISION_TRIGGER_FIRED = _decision().replace('trigger=("load_ratio", ">", review.max_load_ratio))',
                                             'trigger=("contained", ">=", 1.0))')

# a correct learner cites their own numbers: these hold for any correct design (the weak
# design's harm does not depend on the answers, and a design that contains everything lets 0 through)
DEBRIEF_OWN_NUMBERS = (
    'ANSWER = """The filter at the end let 31 unsafe answers through the jailbreak wave, 83 '
    'backdoored requests past the poisoned classifier and 52 sick patients home during the '
    'drift. My design let 0 through in each: every hazard has a control before the output, '
    'with the filter and monitoring as the last lines. If a scenario leaks on a new seed, then '
    'the release lead rolls back."""\n')

VARIANTS = [
    # correct, by other routes
    {"name": "data: the unseen trigger token alone", "kind": "correct",
     "answers": {"m07-data": DATA_UNSEEN_ONLY, "m07-debrief": DEBRIEF_OWN_NUMBERS}},
    {"name": "prompts: other thresholds and a wider review band", "kind": "correct",
     "answers": {"m07-prompt": PROMPT_OTHER, "m07-debrief": DEBRIEF_OWN_NUMBERS}},
    {"name": "drift: the reading shift alone at |z| > 5", "kind": "correct",
     "answers": {"m07-drift": DRIFT_INPUT_ONLY, "m07-debrief": DEBRIEF_OWN_NUMBERS}},
    {"name": "serving: judge, input check, a tighter breaker, a 600 ms budget", "kind": "correct",
     "answers": {"m07-serving": SERVING_OTHER, "m07-debrief": DEBRIEF_OWN_NUMBERS}},
    {"name": "design: loaded from YAML with design_from_dict", "kind": "correct",
     "answers": {"m07-design": DESIGN_YAML, "m07-debrief": DEBRIEF_OWN_NUMBERS}},
    {"name": "decision: pandas, another tie-break and trigger", "kind": "correct",
     "answers": {"m07-decision": DECISION_PANDAS, "m07-debrief": DEBRIEF_OWN_NUMBERS}},
    # buggy: the mistakes
    {"name": "data: only a filter at the end", "kind": "buggy",
     "answers": {"m07-data": DATA_OUTPUT_ONLY}, "expect_lose": ["m07-data-hidden"]},
    {"name": "data: a threshold inside the clean batches' noise", "kind": "buggy",
     "answers": {"m07-data": DATA_NOISE}, "expect_lose": ["m07-data-clean-hidden"]},
    {"name": "prompts: output-only filtering", "kind": "buggy",
     "answers": {"m07-prompt": PROMPT_OUTPUT_ONLY}, "expect_lose": ["m07-prompt-hidden"]},
    {"name": "prompts: block anything slightly risky", "kind": "buggy",
     "answers": {"m07-prompt": PROMPT_STRICT}, "expect_lose": ["m07-prompt-cost-hidden"]},
    {"name": "prompts: humans review anything borderline", "kind": "buggy",
     "answers": {"m07-prompt": PROMPT_REVIEW_ALL}, "expect_lose": ["m07-prompt-cost-hidden"]},
    {"name": "drift: monitoring would catch it", "kind": "buggy",
     "answers": {"m07-drift": DRIFT_MONITOR_ONLY}, "expect_lose": ["m07-drift-hidden"]},
    {"name": "drift: a |z| > 2 alarm", "kind": "buggy",
     "answers": {"m07-drift": DRIFT_TWITCHY}, "expect_lose": ["m07-drift-alarms-hidden"]},
    {"name": "serving: the judge alone for a bad deploy", "kind": "buggy",
     "answers": {"m07-serving": SERVING_JUDGE_ONLY}, "expect_lose": ["m07-serving-hidden"]},
    {"name": "serving: a budget that fails open", "kind": "buggy",
     "answers": {"m07-serving": SERVING_FAIL_OPEN}, "expect_lose": ["m07-serving-hidden"]},
    {"name": "serving: a budget under the checks' usual latency", "kind": "buggy",
     "answers": {"m07-serving": SERVING_TIGHT_BUDGET}, "expect_lose": ["m07-serving-cost-hidden"]},
    {"name": "design: a control without a threshold", "kind": "buggy",
     "answers": {"m07-design": DESIGN_NO_THRESHOLD}, "expect_lose": ["m07-design-controls-hidden"]},
    {"name": "design: a decorative ledger", "kind": "buggy",
     "answers": {"m07-design": DESIGN_LEDGER}, "expect_lose": ["m07-design-purpose-hidden"]},
    {"name": "design: claims 1000 reviews a day", "kind": "buggy",
     "answers": {"m07-design": DESIGN_CLAIMED_CAPACITY},
     "expect_lose": ["m07-design-reviewers-hidden"]},
    {"name": "design: reviewers overloaded", "kind": "buggy",
     "answers": {"m07-design": DESIGN_OVERLOAD}, "expect_lose": ["m07-design-reviewers-hidden"]},
    {"name": "design: keyword-stuffed rationale, drift left to monitoring", "kind": "buggy",
     "answers": {"m07-design": DESIGN_KEYWORDS},
     "expect_lose": ["m07-design-contained-hidden", "m07-design-layers-hidden"]},
    {"name": "decision: averaged over seeds", "kind": "buggy",
     "answers": {"m07-decision": DECISION_MEAN}, "expect_lose": ["m07-decision-hidden"]},
    {"name": "decision: the least bad instead of hold", "kind": "buggy",
     "answers": {"m07-decision": DECISION_LEAST_BAD}, "expect_lose": ["m07-decision-hold-hidden"]},
    {"name": "decision: binding always 'none'", "kind": "buggy",
     "answers": {"m07-decision": DECISION_NONE}, "expect_lose": ["m07-decision-why-hidden"]},
    {"name": "decision: a trigger that has already fired", "kind": "buggy",
     "answers": {"m07-decision": DECISION_TRIGGER_FIRED},
     "expect_lose": ["m07-decision-why-hidden"]},
]
