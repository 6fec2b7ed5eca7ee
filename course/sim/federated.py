"""A small federated-learning harness for m03: softmax regression on scikit-learn's digits.

What it simulates, and how
--------------------------
- **Data.** scikit-learn's bundled 8x8 digits (1,797 images, 64 features, 10 classes), pixel
  values divided by 16, split into a training part (70%) and a test part (30%), stratified
  and seeded (:func:`load_digits_split`).
- **Clients.** The training part is dealt to ``n_clients`` (10 to 20) clients
  (:func:`make_federation`):

  * ``"iid"``: the rows are shuffled and dealt round-robin, so every client sees about the
    same class mix;
  * ``"dirichlet"``: for each class, the share of its rows each client gets is drawn from a
    symmetric Dirichlet(``alpha``) distribution (Hsu, Qi and Brown, arXiv 1909.06335, 2019).
    ``alpha`` sets the heterogeneity: ``alpha = 100`` is close to IID, ``alpha = 0.3``
    gives most clients two or three dominant classes. A draw that leaves a client with
    fewer than ``min_size`` rows is redrawn.

- **Model.** Multinomial logistic (softmax) regression: a flat parameter vector of
  ``N_PARAMS = 65 * 10`` numbers (64 pixel weights and a bias for each of 10 classes).
- **A round** (:func:`run`): every client starts from the global model, takes ``steps``
  full-batch gradient steps of size ``lr`` on its own rows, and sends its **update** (new
  minus old parameters). Malicious clients replace theirs (:func:`attack_updates`). The
  server combines the ``n_clients`` updates with the aggregation rule it is given and adds
  the result to the global model (a server learning rate of 1).
- **Attacks** (the malicious clients are drawn once per run and stay the same in every
  round, as a compromised site would):

  * ``"sign_flip"``: send minus the honest update;
  * ``"scaled"`` (model replacement, Bagdasaryan et al., AISTATS 2020): train on flipped
    labels (y -> 9 - y) and send that update times ``n_clients / n_malicious``, so that a
    plain mean takes the attackers' step in full;
  * ``"gaussian"``: send N(0, ``sigma``^2) noise in every coordinate (``sigma = 100``,
    hundreds of times an honest update's typical coordinate);
  * ``"alie"``, a little is enough (Baruch, Baruch and Goldberg, NeurIPS 2019): every
    attacker sends mu - z * sd, per coordinate, where mu and sd are the mean and standard
    deviation of the benign updates and z is the paper's z_max for n clients and f
    attackers (:func:`alie_z`). We give the attackers the benign updates of all clients,
    the stronger (omniscient) variant most benchmarks simulate;
  * ``"ipm"``, inner-product manipulation (Xie, Koyejo and Gupta, UAI 2020; arXiv
    1903.03936): every attacker sends -``eps`` times the mean of the honest clients'
    updates (``eps = 0.1`` by default, the small value that hides near the honest cluster).

- **Centralised training with differential privacy** (:func:`central_dp_accuracy`): the
  same model trained on all training rows at once with an L2 penalty, then released with
  output perturbation (Chaudhuri, Monteleoni and Sarwate, JMLR 2011): the minimiser of an
  L-Lipschitz loss plus (lam/2)||w||^2 moves by at most 2L/(n lam) when one record changes,
  and Gaussian noise calibrated with the analytic Gaussian mechanism (Balle and Wang, ICML
  2018) makes the release (epsilon, delta)-DP. Rows are scaled so that ||[x, 1]|| <= 1,
  which makes the cross-entropy sqrt(2)-Lipschitz. The guarantee assumes the exact
  minimiser; gradient descent gets close, not exactly there.

Everything random takes a seed or a ``numpy.random.Generator``; the same seed gives the same
split, the same attackers and the same accuracy.

This module holds no exercise answer: the aggregation rules, the audit log and the
attribution are the learner's, passed in as functions.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from ..data import make_rng

__all__ = ["N_FEATURES", "N_CLASSES", "N_PARAMS", "ATTACKS", "PARTITIONS", "Federation",
           "load_digits_split", "make_federation", "dirichlet_split", "accuracy",
           "local_updates", "alie_z", "attack_updates", "RoundRecord", "RunResult", "run",
           "central_dp_accuracy", "gaussian_sigma", "FederatedReview", "OPTIONS",
           "random_review"]

N_FEATURES = 64
N_CLASSES = 10
N_PARAMS = (N_FEATURES + 1) * N_CLASSES
ATTACKS = ("none", "sign_flip", "scaled", "gaussian", "alie", "ipm")
PARTITIONS = ("iid", "dirichlet")


# ----------------------------------------------------------------------------- data

@functools.lru_cache(maxsize=1)
def _digits():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def load_digits_split(seed=0, test_size: float = 0.3):
    """Digits as ``(X_train, y_train, X_test, y_test)``: pixels / 16, stratified, seeded."""
    from sklearn.model_selection import train_test_split

    if not 0 < test_size < 1:
        raise ValueError(f"test_size should be between 0 and 1, not {test_size}")
    X, y = _digits()
    rs = int(make_rng(seed).integers(2**31 - 1))
    X_tr, X_te, y_tr, y_te = train_test_split(X / 16.0, y, test_size=test_size, stratify=y,
                                              random_state=rs)
    return X_tr, y_tr.astype(int), X_te, y_te.astype(int)


def dirichlet_split(y, n_clients: int, alpha: float, seed=0, min_size: int = 8):
    """Row indices per client: each class's rows shared by Dirichlet(alpha) proportions.

    Redraws (up to 200 times) until every client has at least ``min_size`` rows.
    """
    y = np.asarray(y)
    if not alpha > 0:
        raise ValueError(f"alpha should be positive, not {alpha}")
    if min_size * n_clients > len(y):
        raise ValueError(f"{len(y)} rows cannot give {n_clients} clients {min_size} each")
    rng = make_rng(seed)
    for _ in range(200):
        parts = [[] for _ in range(n_clients)]
        for c in np.unique(y):
            rows = rng.permutation(np.flatnonzero(y == c))
            share = rng.dirichlet(np.full(n_clients, float(alpha)))
            cuts = (np.cumsum(share)[:-1] * len(rows)).astype(int)
            for k, chunk in enumerate(np.split(rows, cuts)):
                parts[k].extend(chunk.tolist())
        if min(len(p) for p in parts) >= min_size:
            return [np.sort(np.array(p, dtype=int)) for p in parts]
    raise ValueError(f"no Dirichlet({alpha}) split gave every client {min_size} rows; "
                     "raise alpha or lower min_size")


@dataclass(frozen=True)
class Federation:
    """Clients' data and a common test set."""

    X: tuple            # per client: (m_i, 64) arrays
    y: tuple            # per client: (m_i,) int arrays
    X_test: np.ndarray
    y_test: np.ndarray
    partition: str
    alpha: float | None
    seed: int

    @property
    def n_clients(self) -> int:
        return len(self.X)

    @property
    def sizes(self) -> np.ndarray:
        return np.array([len(y) for y in self.y])

    def class_counts(self) -> np.ndarray:
        """(n_clients, 10) rows per client and class."""
        return np.array([np.bincount(y, minlength=N_CLASSES) for y in self.y])


def make_federation(n_clients: int = 20, partition: str = "iid", alpha: float = 0.3,
                    seed: int = 0, min_size: int = 8) -> Federation:
    """Deal the digits' training rows to ``n_clients`` clients (see the module docstring)."""
    if isinstance(n_clients, bool) or not isinstance(n_clients, (int, np.integer)) \
            or not 2 <= n_clients <= 100:
        raise ValueError(f"n_clients should be an int from 2 to 100, not {n_clients!r}")
    if partition not in PARTITIONS:
        raise ValueError(f"partition should be one of {PARTITIONS}, not {partition!r}")
    rng = make_rng(seed)
    X_tr, y_tr, X_te, y_te = load_digits_split(rng)
    if partition == "iid":
        order = rng.permutation(len(y_tr))
        idx = [np.sort(order[k::n_clients]) for k in range(n_clients)]
        alpha = None
    else:
        idx = dirichlet_split(y_tr, n_clients, alpha, rng, min_size)
    return Federation(tuple(X_tr[i] for i in idx), tuple(y_tr[i] for i in idx), X_te, y_te,
                      partition, alpha, int(seed) if not isinstance(seed, np.random.Generator)
                      else -1)


# ----------------------------------------------------------------------------- model

def _with_bias(X):
    X = np.asarray(X, dtype=float)
    return np.hstack([X, np.ones((*X.shape[:-1], 1))]) if X.ndim == 2 else \
        np.concatenate([X, np.ones((*X.shape[:-1], 1))], axis=-1)


def _softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def accuracy(w, X, y) -> float:
    """Share of rows of ``X`` whose predicted class (argmax of the logits) equals ``y``."""
    W = np.asarray(w, dtype=float).reshape(N_FEATURES + 1, N_CLASSES)
    if not np.all(np.isfinite(W)):
        return float(np.mean(np.asarray(y) == 0))  # a broken model predicts class 0
    return float(np.mean(np.argmax(_with_bias(X) @ W, axis=1) == np.asarray(y)))


def _padded(fed: Federation):
    m = int(fed.sizes.max())
    n = fed.n_clients
    Xp = np.zeros((n, m, N_FEATURES + 1))
    Yp = np.zeros((n, m, N_CLASSES))
    mask = np.zeros((n, m, 1))
    for k, (X, y) in enumerate(zip(fed.X, fed.y)):
        Xp[k, :len(y)] = _with_bias(X)
        Yp[k, np.arange(len(y)), y] = 1.0
        mask[k, :len(y)] = 1.0
    return Xp, Yp, mask


def local_updates(w, fed: Federation, steps: int = 2, lr: float = 1.5, *, flip=False,
                  _pad=None) -> np.ndarray:
    """Every client's honest update from global parameters ``w``: shape (n_clients, N_PARAMS).

    ``steps`` full-batch gradient steps of cross-entropy on the client's own rows.
    ``flip=True`` trains on flipped labels (y -> 9 - y), as the model-replacement attacker.
    ``w`` may also be a (k, N_PARAMS) stack of global models (one per rule run side by
    side); the result is then (k, n_clients, N_PARAMS).
    """
    Xp, Yp, mask = _pad if _pad is not None else _padded(fed)
    if flip:
        Yp = Yp[..., ::-1]
    w = np.asarray(w, dtype=float)
    k = 1 if w.ndim == 1 else len(w)
    n = fed.n_clients
    W0 = np.repeat(w.reshape(k, 1, N_FEATURES + 1, N_CLASSES), n, axis=1)
    W = W0.copy()
    XpT = Xp.transpose(0, 2, 1)
    counts = mask.sum(axis=1, keepdims=True)                      # (n, 1, 1)
    for _ in range(steps):
        P = _softmax(np.matmul(Xp, W))                             # (k, n, m, 10)
        W = W - lr * np.matmul(XpT, (P - Yp) * mask) / counts
    out = (W - W0).reshape(k, n, N_PARAMS)
    return out[0] if w.ndim == 1 else out


def alie_z(n: int, f: int) -> float:
    """A-little-is-enough's z_max for ``n`` clients and ``f`` attackers (Baruch et al. 2019).

    s = floor(n/2 + 1) - f clients must be won over; z_max is the largest z with
    Phi(z) < (n - s) / n, i.e. ``Phi^-1((n - s) / n)``. n = 20, f = 4: s = 7, z = 0.385.
    """
    from scipy.stats import norm

    if not 0 < f < n:
        raise ValueError(f"ALIE needs 0 < f < n, not n={n}, f={f}")
    s = int(np.floor(n / 2 + 1)) - f
    if s < 1:
        raise ValueError(f"with f={f} of n={n} the attackers are a majority: ALIE's z is "
                         "unbounded (any value wins)")
    return float(norm.ppf((n - s) / n))


def attack_updates(attack: str, honest, malicious, *, rng=None, sigma: float = 100.0,
                   eps: float = 0.1, flipped=None) -> np.ndarray:
    """The updates the server receives: ``honest`` with the ``malicious`` rows replaced.

    honest: (n, d) benign updates of every client; malicious: indices of the attackers;
    flipped: (n, d) label-flipped updates (needed by ``"scaled"``).
    """
    if attack not in ATTACKS:
        raise ValueError(f"attack should be one of {ATTACKS}, not {attack!r}")
    U = np.array(honest, dtype=float, copy=True)
    bad = np.asarray(malicious, dtype=int)
    n, f = len(U), len(bad)
    if attack == "none" or f == 0:
        return U
    good = np.setdiff1d(np.arange(n), bad)
    if attack == "sign_flip":
        U[bad] = -U[bad]
    elif attack == "scaled":
        if flipped is None:
            raise ValueError("the scaled attack needs the label-flipped updates")
        U[bad] = np.asarray(flipped, dtype=float)[bad] * (n / f)
    elif attack == "gaussian":
        U[bad] = make_rng(rng).normal(0.0, sigma, size=(f, U.shape[1]))
    elif attack == "alie":
        mu, sd = honest.mean(axis=0), honest.std(axis=0)
        U[bad] = mu - alie_z(n, f) * sd
    elif attack == "ipm":
        U[bad] = -eps * honest[good].mean(axis=0)
    return U


# ----------------------------------------------------------------------------- training

@dataclass
class RoundRecord:
    """What the server saw in one round: every update, the aggregate, who was kept."""

    round: int
    updates: np.ndarray          # (n_clients, N_PARAMS), as received
    aggregate: np.ndarray        # (N_PARAMS,)
    kept: np.ndarray | None      # indices the rule kept, when it says (Krum); else None


@dataclass
class RunResult:
    accuracy: float                              # test accuracy after the last round
    curve: list = field(default_factory=list)    # test accuracy after each round
    malicious: np.ndarray = None                 # the attackers' client indices
    rounds: list = field(default_factory=list)   # RoundRecords (when record=True)


def run(fed: Federation, aggregate, *, attack: str = "none", n_malicious: int = 0,
        rounds: int = 20, steps: int = 2, lr: float = 1.5, seed=0, record: bool = False,
        sigma: float = 100.0, eps: float = 0.1):
    """Train for ``rounds`` rounds with the server rule ``aggregate``; a :class:`RunResult`.

    aggregate: a function of the (n_clients, N_PARAMS) array of received updates returning
        the aggregate vector, or ``(vector, kept_indices)`` when the rule selects clients.
        A dict of such functions runs every rule side by side (the local training of all
        of them batched together, so a sweep is fast) and returns a dict of RunResults.
    The attackers are ``n_malicious`` clients drawn with ``seed``, the same for every rule;
    with attack ``"none"`` they behave honestly. A rule that raises stops the run.
    """
    if attack not in ATTACKS:
        raise ValueError(f"attack should be one of {ATTACKS}, not {attack!r}")
    n = fed.n_clients
    if isinstance(n_malicious, bool) or not isinstance(n_malicious, (int, np.integer)) \
            or not 0 <= n_malicious < n:
        raise ValueError(f"n_malicious should be an int from 0 to {n - 1}, not {n_malicious!r}")
    rules = aggregate if isinstance(aggregate, dict) else {None: aggregate}
    rng = make_rng(seed)
    bad = np.sort(rng.choice(n, size=n_malicious, replace=False)) if n_malicious else \
        np.array([], dtype=int)
    pad = _padded(fed)
    names = list(rules)
    w = np.zeros((len(names), N_PARAMS))
    out = {name: RunResult(accuracy=0.0, malicious=bad) for name in names}
    for t in range(rounds):
        honest = local_updates(w, fed, steps, lr, _pad=pad)
        flipped = local_updates(w, fed, steps, lr, flip=True, _pad=pad) \
            if attack == "scaled" and n_malicious else [None] * len(names)
        for i, name in enumerate(names):
            U = attack_updates(attack, honest[i], bad, rng=rng, sigma=sigma, eps=eps,
                               flipped=flipped[i])
            res = rules[name](U)
            kept = None
            if isinstance(res, tuple):
                res, kept = res
                kept = np.asarray(kept, dtype=int)
            agg = np.asarray(res, dtype=float).reshape(N_PARAMS)
            w[i] = w[i] + agg
            out[name].curve.append(accuracy(w[i], fed.X_test, fed.y_test))
            if record:
                out[name].rounds.append(RoundRecord(t, U, agg, kept))
    for r in out.values():
        r.accuracy = r.curve[-1] if r.curve else 0.0
    return out if isinstance(aggregate, dict) else out[None]


# ----------------------------------------------------------------------------- central + DP

def gaussian_sigma(sensitivity: float, epsilon: float, delta: float) -> float:
    """Noise scale of the analytic Gaussian mechanism (Balle and Wang, ICML 2018).

    The smallest sigma with Phi(D/(2s) - e s/D) - exp(e) Phi(-D/(2s) - e s/D) <= delta,
    found by bisection; valid for every epsilon > 0 (the classic sqrt(2 ln(1.25/delta))
    formula needs epsilon < 1).
    """
    from scipy.stats import norm

    if not (sensitivity > 0 and epsilon > 0 and 0 < delta < 1):
        raise ValueError("need sensitivity > 0, epsilon > 0 and 0 < delta < 1")

    def leak(s):
        a, b = sensitivity / (2 * s), epsilon * s / sensitivity
        return norm.cdf(a - b) - np.exp(epsilon) * norm.cdf(-a - b)

    lo, hi = 1e-6 * sensitivity, sensitivity
    while leak(hi) > delta:
        hi *= 2
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if leak(mid) > delta else (lo, mid)
    return float(hi)


def central_dp_accuracy(fed: Federation, epsilon: float | None, *, delta: float = 1e-5,
                        lam: float = 0.01, steps: int = 300, lr: float = 2.0,
                        seed=0) -> float:
    """Test accuracy of the centralised model released with (epsilon, delta)-DP.

    ``epsilon=None`` releases it without noise (the non-private baseline). See the module
    docstring for the mechanism.
    """
    X = np.vstack(fed.X)
    y = np.concatenate(fed.y)
    Xb = _with_bias(X)
    Xb = Xb / np.linalg.norm(Xb, axis=1).max()          # ||[x, 1]|| <= 1 for every row
    Y = np.eye(N_CLASSES)[y]
    W = np.zeros((N_FEATURES + 1, N_CLASSES))
    for _ in range(steps):
        P = _softmax(Xb @ W)
        W = W - lr * (Xb.T @ (P - Y) / len(y) + lam * W)
    if epsilon is not None:
        sens = 2 * np.sqrt(2) / (len(y) * lam)
        W = W + make_rng(seed).normal(0, gaussian_sigma(sens, epsilon, delta), W.shape)
    Xt = _with_bias(fed.X_test) / np.linalg.norm(_with_bias(X), axis=1).max()
    return float(np.mean(np.argmax(Xt @ W, axis=1) == fed.y_test))


# ----------------------------------------------------------------------------- decision

OPTIONS = ("federated-robust", "federated-secagg", "central-dp")
"""The three designs of m03's decision exercise."""


@dataclass(frozen=True)
class FederatedReview:
    """A design review for m03's decision: three designs, measured, and the requirements.

    accuracy: option -> {scenario: test accuracy}; for the federated options the scenarios
        are ``"none"`` and each attack at the threat model's attacker fraction; for
        ``"central-dp"`` they are the privacy budgets, ``"eps=<value>"`` (e.g. "eps=1").
    audit_recall: option -> share of attacking clients the design can attribute.
    exposure: option -> what the operator sees: 0 only the aggregate, 1 each client's update,
        2 the raw records.
    epsilon_budget: the largest epsilon the privacy officer allows for a model trained on
        centralised records.
    min_accuracy, max_exposure, min_audit_recall: the requirements.
    """

    accuracy: dict
    audit_recall: dict
    exposure: dict
    epsilon_budget: float
    min_accuracy: float
    max_exposure: int
    min_audit_recall: float
    attack_fraction: float = 0.2


def random_review(seed, *, options=OPTIONS) -> FederatedReview:
    """A fresh, plausible review (numbers drawn at random; for tests and practice)."""
    rng = make_rng(seed)
    attacks = [a for a in ATTACKS if a != "none"]
    rob_clean = rng.uniform(0.80, 0.95)
    sec_clean = rob_clean + rng.uniform(0.0, 0.04)
    acc = {
        options[0]: {"none": rob_clean, **{a: rob_clean - rng.uniform(0.0, 0.25)
                                          for a in attacks}},
        options[1]: {"none": sec_clean, **{a: rng.choice([sec_clean - rng.uniform(0, 0.05),
                                                          rng.uniform(0.05, 0.5)])
                                          for a in attacks}},
    }
    eps = sorted(rng.choice([0.25, 0.5, 1.0, 2.0, 4.0, 8.0], size=4, replace=False))
    base = rng.uniform(0.85, 0.97)
    acc[options[2]] = {f"eps={e:g}": float(base - rng.uniform(0.3, 0.6) / (1 + e))
                       for e in eps}
    acc = {o: {k: float(np.clip(v, 0.05, 0.99)) for k, v in d.items()} for o, d in acc.items()}
    return FederatedReview(
        accuracy=acc,
        audit_recall={options[0]: float(rng.uniform(0.5, 1.0)), options[1]: 0.0,
                      options[2]: float(rng.uniform(0.3, 1.0))},
        exposure={options[0]: 1, options[1]: 0, options[2]: 2},
        epsilon_budget=float(rng.choice(eps)),
        min_accuracy=float(rng.uniform(0.6, 0.9)),
        max_exposure=int(rng.integers(0, 3)),
        min_audit_recall=float(rng.choice([0.0, rng.uniform(0.3, 0.9)], p=[0.25, 0.75])),
        attack_fraction=0.2,
    )
