"""Model cards: the nine sections of Mitchell et al. (FAT* 2019), exported through skops.

The learner writes the card's *content* (m06, Exercise 4): one text per section, every
number in it taken from measured results. This module only gives the section names and
exports a finished card through skops' card module (``skops.card.Card``), the model-card
library kept by the scikit-learn community, so that the card travels with the model in
the format other tools read.

What skops' card does not do, and the notebook does instead: its default template is
Hugging Face's (model description, intended uses, training procedure, evaluation results),
not Mitchell et al.'s nine sections (here it starts from an empty template and takes the
nine as given); ``Card.add_metrics`` holds one value per metric, with no interval and no
group; and nothing in it checks that a number in the card was computed by anything.
:func:`course.trace.untraced` does that check.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["SECTIONS", "to_card", "render"]

SECTIONS = (
    "Model details",
    "Intended use",
    "Factors",
    "Metrics",
    "Evaluation data",
    "Training data",
    "Quantitative analyses",
    "Ethical considerations",
    "Caveats and recommendations",
)
"""The nine sections of a model card, in Mitchell et al.'s order."""


def _checked(sections: Mapping[str, str]) -> dict[str, str]:
    if not isinstance(sections, Mapping):
        raise TypeError(f"a card is a dict of section name -> text, not "
                        f"{type(sections).__name__}")
    missing = [s for s in SECTIONS if s not in sections]
    if missing:
        raise ValueError(f"the card lacks the sections {missing}")
    for name in SECTIONS:
        if not isinstance(sections[name], str) or not sections[name].strip():
            raise ValueError(f"the section {name!r} should be a non-empty str")
    return {name: sections[name].strip() for name in SECTIONS}


def to_card(sections: Mapping[str, str], model=None):
    """A ``skops.card.Card`` holding the nine sections, in order (``model`` is optional)."""
    from skops.card import Card

    card = Card(model, template=None)
    card.add(**_checked(sections))
    return card


def render(sections: Mapping[str, str], model=None) -> str:
    """The card as markdown, rendered by skops."""
    return to_card(sections, model).render()
