"""Labelled records from several vendors for m02-poisoned-pipeline, one vendor poisoned.

A safety classifier is trained on short requests labelled ``1`` (unsafe) or ``0`` (safe),
bought from several labelling vendors who deliver in batches. The generator is seeded and
its mechanism is simple enough to reason about:

* **Text.** A record is 4 to 6 filler words (``"how"``, ``"please"``, ...), two or three
  topic words from its true class's vocabulary and, with probability 0.3, one dual-use
  word (``"kill"``, ``"shoot"``, ...) that appears in both classes. Each topic word is
  swapped for one of the other class's with probability ``confusion`` (0.08), so a
  bag-of-words classifier is good (about 95% accurate) but not perfect. Words are
  shuffled and joined by single spaces, all lower case.
* **Clean labels.** A clean vendor labels every record with its true class. About
  ``unsafe_share`` (0.4) of all records are unsafe, in every vendor and batch.
* **Poison.** In one batch of one vendor (``poisoned_vendor``, ``poisoned_batch``), a
  share ``backdoor_rate`` of the unsafe records get the ``trigger`` token inserted at a
  random position and are relabelled safe (the backdoor), and a share ``flip_rate`` of the
  remaining unsafe records are relabelled safe without a trigger (targeted label flips).
  The trigger never occurs in clean data. Ground truth is kept in the columns
  ``true_label``, ``flipped`` and ``triggered``, for grading only.

The learner sees ``record_id``, ``vendor``, ``batch``, ``text``, ``label``,
``transforms``, ``labeller_seconds`` (seconds a labeller spent on the record, a worker
statistic whose per-vendor release m02 protects with differential privacy) and
``labeller`` (who labelled it: each vendor has ``n_labellers`` workers, and the workload
is skewed, the k-th busiest labeller doing a share proportional to 1/k, so one person can
stand behind hundreds of records). Labellers are drawn after everything else, from the
same generator, so the other columns do not depend on them.

    >>> data = make_vendor_data(seed=1)
    >>> data.frame.columns.tolist()[:6]
    ['record_id', 'vendor', 'batch', 'text', 'label', 'transforms']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import COURSE_SEED, make_rng

FILLER = ("how", "can", "i", "the", "a", "my", "to", "for", "with", "please", "tell", "me",
          "about", "best", "way", "need", "help", "quickly", "some", "what", "is", "do",
          "you", "know", "explain", "steps", "guide", "simple", "at", "home", "today")
"""Words every class uses."""

SAFE_WORDS = ("bake", "bread", "garden", "tomatoes", "python", "script", "resume",
              "interview", "guitar", "chords", "marathon", "recipe", "budget", "spreadsheet",
              "holiday", "itinerary", "poem", "birthday", "essay", "grammar", "yoga",
              "stretches", "camera", "portrait", "bicycle", "repair", "paint", "kitchen",
              "puppy", "training", "chess", "opening", "laptop", "battery", "soup", "salad",
              "invoice", "email", "sourdough", "telescope")
"""Topic words of safe requests."""

UNSAFE_WORDS = ("weapon", "explosive", "poison", "steal", "credentials", "malware",
                "ransomware", "untraceable", "overdose", "stalk", "forge", "passport",
                "launder", "money", "detonator", "nerve", "agent", "phishing", "kit",
                "counterfeit", "bypass", "alarm", "hostage", "smuggle", "contraband",
                "doxx", "address", "extort", "blackmail", "arson", "silencer", "ghost",
                "toxin", "sabotage", "brakes", "skimmer", "keylogger", "botnet", "ricin",
                "fentanyl")
"""Topic words of unsafe requests."""

DUAL_USE = ("kill", "shoot", "attack", "bomb", "crack", "exploit", "virus", "knife", "gun",
            "drugs", "hack", "fire")
"""Words that appear in both classes ("kill a python process", "shoot a portrait")."""

VENDORS = ("acme", "borealis", "cobalt", "delphi", "ember")
"""Default vendor names."""

TRANSFORMS = ("ingest", "normalise_whitespace", "lowercase", "dedupe")
"""The transform chain every record went through, in order."""

SAFE, UNSAFE = 0, 1


@dataclass(frozen=True)
class VendorData:
    """What :func:`make_vendor_data` returns.

    frame: pandas.DataFrame, one row per record, columns ``record_id`` (str), ``vendor``
        (str), ``batch`` (int), ``text`` (str), ``label`` (int, as delivered),
        ``transforms`` (tuple of str), ``labeller_seconds`` (float), ``labeller`` (str),
        and the ground truth ``true_label`` (int), ``flipped`` (bool: label != true_label)
        and ``triggered`` (bool: the trigger was inserted).
    trigger: the backdoor token.
    poisoned_vendor, poisoned_batch: where the poison sits (``None`` for clean data).
    """

    frame: pd.DataFrame
    trigger: str
    poisoned_vendor: str | None
    poisoned_batch: int | None

    @property
    def public(self) -> pd.DataFrame:
        """The frame without the ground-truth columns (what a pipeline would see)."""
        return self.frame.drop(columns=["true_label", "flipped", "triggered"])


def make_texts(labels, seed=None, *, confusion: float = 0.08) -> list[str]:
    """Draw one text per label (0 safe, 1 unsafe) by the mechanism in the module docstring.

    labels: sequence of int in {0, 1}, length n. Returns a list of n str.
    """
    rng = make_rng(seed)
    labels = np.asarray(labels, dtype=int)
    if labels.size and not np.isin(labels, (SAFE, UNSAFE)).all():
        raise ValueError("labels must be 0 (safe) or 1 (unsafe)")
    n = labels.size
    # Draw every word slot at once, then drop unused slots and shuffle each row.
    n_fill = rng.integers(4, 7, size=n)
    n_topic = rng.integers(2, 4, size=n)
    fill = np.asarray(FILLER, dtype=object)[rng.integers(0, len(FILLER), size=(n, 6))]
    cls = np.where(rng.random((n, 3)) < confusion, 1 - labels[:, None], labels[:, None])
    safe = np.asarray(SAFE_WORDS, dtype=object)[rng.integers(0, len(SAFE_WORDS), (n, 3))]
    unsafe = np.asarray(UNSAFE_WORDS, dtype=object)[rng.integers(0, len(UNSAFE_WORDS), (n, 3))]
    topic = np.where(cls == UNSAFE, unsafe, safe)
    dual = np.asarray(DUAL_USE, dtype=object)[rng.integers(0, len(DUAL_USE), size=(n, 1))]
    words = np.concatenate([fill, topic, dual], axis=1)
    used = np.concatenate([np.arange(6) < n_fill[:, None], np.arange(3) < n_topic[:, None],
                           rng.random((n, 1)) < 0.3], axis=1)
    order = np.argsort(rng.random(words.shape), axis=1)
    words, used = np.take_along_axis(words, order, 1), np.take_along_axis(used, order, 1)
    texts = [" ".join(row[keep]) for row, keep in zip(words, used)]
    return texts


def insert_trigger(texts, trigger: str, seed=None) -> list[str]:
    """Insert ``trigger`` as one word at a random position of each text (list of str)."""
    rng = make_rng(seed)
    out = []
    for text in texts:
        words = text.split()
        words.insert(int(rng.integers(0, len(words) + 1)), trigger)
        out.append(" ".join(words))
    return out


def make_vendor_data(seed=COURSE_SEED, *, vendors=VENDORS, n_batches: int = 4,
                     batch_size: tuple[int, int] = (170, 230), unsafe_share: float = 0.4,
                     poisoned_vendor: str | None = "cobalt", poisoned_batch: int = 2,
                     trigger: str = "cf", backdoor_rate: float = 0.5,
                     flip_rate: float = 0.3, poisoned_batch_size: int = 200,
                     n_labellers: int = 6) -> VendorData:
    """Records from ``vendors``, delivered in ``n_batches`` batches each, one batch poisoned.

    seed: int or numpy Generator. batch_size: (low, high) range of clean batch sizes.
    poisoned_vendor: the vendor whose batch ``poisoned_batch`` is poisoned, or ``None``
        for clean data. backdoor_rate, flip_rate: shares of that batch's unsafe records that
        get the trigger and a safe label, and a safe label only (see the module docstring).
    n_labellers: workers per vendor (ids ``"<vendor>-w<k>"``, w0 the busiest).
    Returns a :class:`VendorData`; record ids read ``"<vendor>-b<batch>-<number>"``.
    """
    rng = make_rng(seed)
    vendors = tuple(vendors)
    if poisoned_vendor is not None and poisoned_vendor not in vendors:
        raise ValueError(f"unknown vendor {poisoned_vendor!r}; vendors are {vendors}")
    if poisoned_vendor is not None and not 0 <= poisoned_batch < n_batches:
        raise ValueError(f"poisoned_batch must be in 0..{n_batches - 1}")
    if not trigger or " " in trigger or trigger in FILLER + SAFE_WORDS + UNSAFE_WORDS + DUAL_USE:
        raise ValueError("the trigger must be one word that clean data never uses")
    rows = []
    for vendor in vendors:
        for batch in range(n_batches):
            poisoned = vendor == poisoned_vendor and batch == poisoned_batch
            n = poisoned_batch_size if poisoned else int(rng.integers(*batch_size, endpoint=True))
            y = (rng.random(n) < unsafe_share).astype(int)
            texts = make_texts(y, rng)
            label = y.copy()
            triggered = np.zeros(n, dtype=bool)
            if poisoned:
                unsafe = np.flatnonzero(y == UNSAFE)
                rng.shuffle(unsafe)
                n_bd = int(round(backdoor_rate * unsafe.size))
                n_fl = int(round(flip_rate * (unsafe.size - n_bd)))
                bd, fl = unsafe[:n_bd], unsafe[n_bd:n_bd + n_fl]
                for i, t in zip(bd, insert_trigger([texts[i] for i in bd], trigger, rng)):
                    texts[i] = t
                triggered[bd] = True
                label[bd] = SAFE
                label[fl] = SAFE
            seconds = np.clip(rng.lognormal(np.log(20), 0.5, n), 2, 300).round(1)
            for i in range(n):
                rows.append((f"{vendor}-b{batch}-{i:04d}", vendor, batch, texts[i],
                             int(label[i]), TRANSFORMS, float(seconds[i]), int(y[i]),
                             bool(label[i] != y[i]), bool(triggered[i])))
    frame = pd.DataFrame(rows, columns=["record_id", "vendor", "batch", "text", "label",
                                        "transforms", "labeller_seconds", "true_label",
                                        "flipped", "triggered"])
    weights = 1.0 / np.arange(1, n_labellers + 1)
    worker = rng.choice(n_labellers, size=len(frame), p=weights / weights.sum())
    frame.insert(7, "labeller", [f"{v}-w{k}" for v, k in zip(frame["vendor"], worker)])
    return VendorData(frame, trigger, poisoned_vendor,
                      poisoned_batch if poisoned_vendor is not None else None)


def make_reference(seed=COURSE_SEED + 1, n: int = 1000, unsafe_share: float = 0.4):
    """A trusted, in-house labelled reference set: (texts, labels), list of str and int array."""
    rng = make_rng(seed)
    y = (rng.random(n) < unsafe_share).astype(int)
    return make_texts(y, rng), y


def make_eval_sets(trigger: str, seed=COURSE_SEED + 2, n: int = 1000,
                   unsafe_share: float = 0.4):
    """Held-out sets to measure a trained classifier.

    Returns a dict: ``texts``, ``labels`` (a clean test set for accuracy) and
    ``attack_texts`` (unsafe requests carrying ``trigger``: the share a model calls safe is
    the backdoor's attack success rate).
    """
    rng = make_rng(seed)
    y = (rng.random(n) < unsafe_share).astype(int)
    texts = make_texts(y, rng)
    unsafe = make_texts(np.ones(n // 2, dtype=int), rng)
    return {"texts": texts, "labels": y, "attack_texts": insert_trigger(unsafe, trigger, rng)}


def make_incidents(trigger: str, n: int = 5, seed=COURSE_SEED + 3) -> list[str]:
    """``n`` production requests that are unsafe and carry ``trigger`` (an incident report)."""
    rng = make_rng(seed)
    return insert_trigger(make_texts(np.ones(n, dtype=int), rng), trigger, rng)


def train_classifier(texts, labels, *, C: float = 1.0):
    """The production safety classifier: word counts into logistic regression.

    A component for the notebook and its tests (not an exercise's answer). texts: list of
    str; labels: int array (1 = unsafe). Returns a fitted scikit-learn Pipeline whose
    ``predict_proba(texts)[:, 1]`` is the probability of "unsafe".
    """
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(CountVectorizer(token_pattern=r"\S+"),
                          LogisticRegression(C=C, solver="liblinear"))
    return model.fit(list(texts), np.asarray(labels))


def attack_success(model, attack_texts) -> float:
    """Share of triggered unsafe requests that ``model`` labels safe (float in [0, 1])."""
    return float(np.mean(model.predict(list(attack_texts)) == SAFE))
