"""Decisions as data: the answer type of every module's decision exercise.

A decision exercise states a situation in numbers: a few options, each with measured
metrics; constraints, each a ceiling or a floor on one metric; and an objective. The
learner's function returns a :class:`Decision`: the option chosen (or :data:`HOLD` when no
option meets every constraint), the constraint that binds, the evidence (metric name to the
measured value), and the :class:`Trigger` that would change the decision.

    >>> from course.judgment import Decision, Trigger, Constraint, Objective, problems
    >>> options = {"A": {"asr": 0.08, "frr": 0.019}, "B": {"asr": 0.03, "frr": 0.035}}
    >>> limits = [Constraint("frr", "<=", 0.02, name="false-refusal budget")]
    >>> d = Decision("A", binding="false-refusal budget",
    ...              evidence={"asr": 0.08, "frr": 0.019}, trigger=("frr", ">", 0.02))
    >>> problems(d, options, limits, Objective("asr", "min"))
    []

Option B attacks less but breaks the budget, so the budget binds: relax it and B wins.

:func:`problems` is what the hidden tests use to accept *every* defensible decision, not
one reference answer. It is deliberately simple to read, so that a learner can see what
"defensible" means here; the judgment an exercise asks for lies in building the options
and the constraints from the situation (which metric, measured on which data, with which
margin), not in this bookkeeping.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Real

__all__ = ["HOLD", "Trigger", "Constraint", "Objective", "Decision", "problems", "feasible"]

HOLD = "hold"
"""The option to choose when no option meets every constraint: hold the launch and escalate."""

NO_BINDING = "none"
"""The binding constraint to name when the chosen option is the best on the objective."""

_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_EPS = 1e-9  # float slack for 'meets the limit': 0.1 + 0.2 meets a ceiling of 0.3


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        try:  # numpy scalars are Real; a 0-d array or a Decimal is accepted too
            value = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"{what} should be a number, not {type(value).__name__}") from None
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{what} should be a finite number, not {value}")
    return value


def _direction(direction, what: str, allowed=tuple(_OPS)) -> str:
    if direction not in allowed:
        raise ValueError(f"{what} should be one of {', '.join(map(repr, allowed))}, "
                         f"not {direction!r}")
    return direction


def _name(value, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"{what} should be a non-empty str, not {value!r}")
    return value.strip()


@dataclass(frozen=True)
class Trigger:
    """What would change the decision: ``metric direction threshold``, e.g. frr > 0.02.

    A trigger is a measurement someone can watch, not a sentence: a metric name, a
    direction (``"<"``, ``"<="``, ``">"``, ``">="``) and a threshold.
    """

    metric: str
    direction: str
    threshold: float

    def __post_init__(self):
        object.__setattr__(self, "metric", _name(self.metric, "the trigger's metric"))
        object.__setattr__(self, "direction", _direction(self.direction,
                                                         "the trigger's direction"))
        object.__setattr__(self, "threshold", _number(self.threshold,
                                                      "the trigger's threshold"))

    def fires(self, value) -> bool:
        """True when a measured ``value`` of the metric crosses the threshold."""
        return bool(_OPS[self.direction](float(value), self.threshold))

    def __str__(self) -> str:
        return f"{self.metric} {self.direction} {self.threshold:g}"


@dataclass(frozen=True)
class Constraint:
    """A ceiling (``"<="``) or a floor (``">="``) on one metric, e.g. frr <= 0.02."""

    metric: str
    direction: str
    limit: float
    name: str = ""

    def __post_init__(self):
        object.__setattr__(self, "metric", _name(self.metric, "the constraint's metric"))
        object.__setattr__(self, "direction", _direction(self.direction,
                                                         "the constraint's direction",
                                                         ("<=", ">=")))
        object.__setattr__(self, "limit", _number(self.limit, "the constraint's limit"))
        object.__setattr__(self, "name", self.name or str(self))

    def met(self, value) -> bool:
        if self.direction == "<=":
            return float(value) <= self.limit + _EPS * max(1.0, abs(self.limit))
        return float(value) >= self.limit - _EPS * max(1.0, abs(self.limit))

    def names(self) -> set[str]:
        """The words a decision may use to name this constraint: its name or its metric."""
        return {self.name.lower(), self.metric.lower()}

    def __str__(self) -> str:
        return f"{self.metric} {self.direction} {self.limit:g}"


@dataclass(frozen=True)
class Objective:
    """The metric to make as small (``"min"``) or as large (``"max"``) as the limits allow."""

    metric: str
    sense: str = "min"

    def __post_init__(self):
        object.__setattr__(self, "metric", _name(self.metric, "the objective's metric"))
        _direction(self.sense, "the objective's sense", ("min", "max"))

    def better(self, a, b) -> bool:
        """True when value ``a`` is strictly better than value ``b``."""
        return float(a) < float(b) if self.sense == "min" else float(a) > float(b)


@dataclass(frozen=True)
class Decision:
    """A structured decision.

    option:   the chosen option's name, or ``HOLD`` ("hold") when none meets the constraints.
    binding:  the constraint that binds (its name or its metric), or ``"none"``.
    evidence: metric name -> the measured value the decision rests on (plain floats).
    trigger:  a :class:`Trigger`, or a tuple ``(metric, direction, threshold)``.
    """

    option: str
    binding: str
    evidence: Mapping[str, float] = field(default_factory=dict)
    trigger: Trigger | tuple = None

    def __post_init__(self):
        object.__setattr__(self, "option", _name(self.option, "the decision's option"))
        object.__setattr__(self, "binding", _name(self.binding,
                                                  "the decision's binding constraint"))
        if not isinstance(self.evidence, Mapping):
            raise TypeError("the decision's evidence should be a dict of metric name -> "
                            f"value, not {type(self.evidence).__name__}")
        evidence = {_name(k, "an evidence key"): _number(v, f"the evidence {k!r}")
                    for k, v in self.evidence.items()}
        object.__setattr__(self, "evidence", evidence)
        trigger = self.trigger
        if isinstance(trigger, (tuple, list)) and len(trigger) == 3:
            trigger = Trigger(*trigger)
        if not isinstance(trigger, Trigger):
            raise TypeError("the decision's trigger should be a Trigger or a tuple "
                            f"(metric, direction, threshold), not {trigger!r}")
        object.__setattr__(self, "trigger", trigger)

    @property
    def holds(self) -> bool:
        return self.option.lower() == HOLD


def feasible(options: Mapping[str, Mapping[str, float]], constraints) -> list[str]:
    """The options that meet every constraint, in the order given."""
    return [name for name, m in options.items()
            if all(c.met(m[c.metric]) for c in constraints)]


def _table(options) -> dict[str, dict[str, float]]:
    """Options as a dict of dicts (a DataFrame indexed by option is accepted too)."""
    if hasattr(options, "to_dict") and hasattr(options, "index"):
        options = options.to_dict(orient="index")
    return {str(k): {str(m): float(v) for m, v in row.items()} for k, row in options.items()}


def _dominates(a: dict, b: dict, metrics, senses) -> bool:
    """a is at least as good as b on every metric and strictly better on one."""
    at_least, strictly = True, False
    for m in metrics:
        if senses[m] == "min":
            at_least &= a[m] <= b[m] + _EPS
            strictly |= a[m] < b[m] - _EPS
        else:
            at_least &= a[m] >= b[m] - _EPS
            strictly |= a[m] > b[m] + _EPS
    return at_least and strictly


def _close(a: float, b: float, rel: float) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b)) + 1e-9


def problems(decision, options, constraints, objective: Objective, *,
             rel_tol: float = 1e-6) -> list[str]:
    """Why ``decision`` is not defensible in this situation; an empty list when it is.

    Defensible means:

    - when some option meets every constraint: the choice is one of them (holding is not
      defensible then) and no other such option is at least as good on the objective and
      on every constrained metric, and better on one (it is not dominated);
    - when none does: the choice is :data:`HOLD`, not the least-bad option;
    - ``binding`` names a constraint that really binds: one that rules out an option
      better on the objective (or that the choice buys margin on); ``"none"`` only when
      the choice is the best on the objective; for a hold, a constraint some option fails;
    - ``evidence`` cites the objective and the binding metric, each equal (to ``rel_tol``)
      to the chosen option's measured value;
    - ``trigger`` watches a metric of the situation and has not already fired on the
      chosen option's measured value (it says what would *change* the decision).
    """
    if not isinstance(decision, Decision):
        return [f"the answer should be a Decision, not a {type(decision).__name__}"]
    table = _table(options)
    constraints = list(constraints)
    metrics = sorted({m for row in table.values() for m in row})
    ok = feasible(table, constraints)
    out = []
    choice = decision.option

    binding = decision.binding.lower()

    if not ok:
        if not decision.holds:
            fails = "; ".join(
                f"{name} fails {', '.join(str(c) for c in constraints if not c.met(row[c.metric]))}"
                for name, row in table.items())
            out.append(f"no option meets every constraint ({fails}), so the defensible "
                       f"answer is {HOLD!r} (hold and escalate), not {choice!r}")
        failed = {c for c in constraints for row in table.values() if not c.met(row[c.metric])}
        if binding not in {n for c in failed for n in c.names()}:
            out.append(f"the binding constraint of a hold should be one the options fail "
                       f"({', '.join(sorted(c.name for c in failed))}), not "
                       f"{decision.binding!r}")
        if not decision.evidence:
            out.append("the evidence of a hold should cite the measured values that fail")
        if decision.trigger.metric not in metrics:
            out.append(f"the trigger watches {decision.trigger.metric!r}, which is not a "
                       f"metric here ({', '.join(metrics)})")
        return out

    if decision.holds:
        return [f"{', '.join(ok)} meet{'s' if len(ok) == 1 else ''} every constraint: "
                "holding is not the defensible answer when an option does"]
    if choice not in table:
        return [f"{choice!r} is not one of the options ({', '.join(table)})"]
    row = table[choice]
    broken = [c for c in constraints if not c.met(row[c.metric])]
    if broken:
        out.append(f"{choice!r} breaks {', '.join(f'{c.name} ({c}; it has {row[c.metric]:.4g})' for c in broken)}")
    senses = {m: ("min" if any(c.metric == m and c.direction == "<=" for c in constraints)
                  else "max") for m in {c.metric for c in constraints}}
    senses[objective.metric] = objective.sense
    for other in ok:
        if other != choice and _dominates(table[other], row, list(senses), senses):
            out.append(f"{choice!r} is dominated by {other!r}, which is at least as good on "
                       f"{', '.join(sorted(senses))} and better on one")
            break

    better = [n for n, r in table.items()
              if objective.better(r[objective.metric], row[objective.metric])]
    binds = {c for c in constraints for n in better if not c.met(table[n][c.metric])}
    # a choice that gives up some objective for margin on a constrained metric
    for c in constraints:
        rivals = [n for n in better if n in ok]
        if rivals and all(_dominates({c.metric: row[c.metric]}, {c.metric: table[n][c.metric]},
                                     [c.metric], senses) for n in rivals):
            binds.add(c)
    allowed = {n for c in binds for n in c.names()} | (set() if better else {NO_BINDING})
    if binding not in allowed:
        if better:
            out.append(f"the binding constraint is the one that rules out an option better "
                       f"on {objective.metric}: {' or '.join(sorted(c.name for c in binds)) or 'none'}"
                       f", not {decision.binding!r}")
        else:
            out.append(f"{choice!r} is the best on {objective.metric}, so no constraint "
                       f"binds: say {NO_BINDING!r}, not {decision.binding!r}")

    named = {objective.metric} | {c.metric for c in binds
                                  if {binding} & c.names()}
    for m in sorted(named):
        if m not in decision.evidence:
            out.append(f"the evidence should cite {m!r}")
        elif not _close(decision.evidence[m], row[m], rel_tol):
            out.append(f"the evidence gives {m} = {decision.evidence[m]:.6g}, but {choice!r} "
                       f"measured {row[m]:.6g}")

    t = decision.trigger
    if t.metric not in metrics:
        out.append(f"the trigger watches {t.metric!r}, which is not a metric here "
                   f"({', '.join(metrics)})")
    elif t.fires(row[t.metric]):
        out.append(f"the trigger {t} has already fired ({choice!r} measures "
                   f"{row[t.metric]:.4g}): it should name what would change the decision")
    return out
