"""Is this call about a known outage? Matching a caller's words to active major incidents.

The score is deliberately simple so an agent can see why a match is offered: the same service
counts most, then each meaningful word the symptom shares with the incident's title, public
message or service names ("outlook", "disconnected"). Words are lower-cased, stripped of common
endings ("connecting" -> "connect") and of filler words ("the", "not", "my").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SAME_SERVICE_POINTS = 10
WORD_POINTS = 1
MIN_WORD_LENGTH = 3

_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ENDINGS = ("ing", "ed", "s")
_STOP_TEXT = """
    a about after again all also am an and any are as at be been before but by can cannot
    could did do does doing dont down for from get gets getting got had has have having he her
    him his how i if in into is it its just keep keeps me more most my no nor not now of off on
    once only or other our out over own please same says see seen she should since so some still
    such than that the their them then there these they this those through to too under until
    up very was we were what when where which while who why will with work working works would
    you your users user everyone anyone someone use using today morning
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


def normalise(word: str) -> str:
    """A word as matching compares it: lower case, a common ending stripped."""
    word = word.lower()
    if word.endswith("ss"):  # "access", "address": not plurals
        return word
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def keywords(text: str) -> frozenset[str]:
    """The meaningful words of `text`, normalised."""
    return frozenset(
        normalise(word)
        for word in _WORD.findall(text.lower())
        if len(word) >= MIN_WORD_LENGTH and word not in STOP_WORDS
    )


@dataclass(frozen=True)
class MatchTarget:
    """What matching knows about one active major incident."""

    key: int  # the incident id
    service_ids: frozenset[int]
    words: frozenset[str]  # keywords of its title, public message and service names

    @classmethod
    def build(cls, key: int, service_ids: Iterable[int], texts: Iterable[str]) -> MatchTarget:
        words: set[str] = set()
        for text in texts:
            words |= keywords(text)
        return cls(key=key, service_ids=frozenset(service_ids), words=frozenset(words))


@dataclass(frozen=True)
class Match:
    key: int
    same_service: bool
    shared_words: tuple[str, ...]  # sorted, for a stable explanation

    @property
    def score(self) -> int:
        return SAME_SERVICE_POINTS * self.same_service + WORD_POINTS * len(self.shared_words)

    @property
    def reason(self) -> str:
        """Why this match is offered, in a few words an agent reads at a glance."""
        parts = []
        if self.same_service:
            parts.append("same service")
        if self.shared_words:
            parts.append("words: " + ", ".join(self.shared_words))
        return "; ".join(parts)


def score(service_id: int | None, symptom_words: frozenset[str], target: MatchTarget) -> Match:
    return Match(
        key=target.key,
        same_service=service_id is not None and service_id in target.service_ids,
        shared_words=tuple(sorted(symptom_words & target.words)),
    )


def match_outages(
    service_id: int | None,
    symptom: str,
    targets: Sequence[MatchTarget],
    *,
    extra_words: str = "",
) -> list[Match]:
    """The targets that match, best first: the same service, or at least one shared word.

    `extra_words` is matched too (the name of the chosen service, so "Email" in the service field
    finds an outage whose title says "email" even when it has no service set). Ties keep the
    order of `targets` (callers pass the most recently declared first)."""
    words = keywords(symptom) | keywords(extra_words)
    found = [score(service_id, words, target) for target in targets]
    matched = [m for m in found if m.score > 0]
    matched.sort(key=lambda m: -m.score)
    return matched
