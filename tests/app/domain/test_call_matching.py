"""Matching a call to active major incidents: the same service, or shared meaningful words."""

from __future__ import annotations

from app.domain.call_matching import (
    SAME_SERVICE_POINTS,
    MatchTarget,
    keywords,
    match_outages,
    normalise,
)

EMAIL, VPN, PAYROLL = 1, 2, 3
EMAIL_OUTAGE = MatchTarget.build(
    201,
    [EMAIL],
    [
        "Email down for all users: Outlook and webmail cannot connect",
        "We know email is down for everyone. Use webmail or Teams chat meanwhile.",
        "Email",
    ],
)
VPN_OUTAGE = MatchTarget.build(305, [VPN], ["VPN disconnects every few minutes", "", "VPN"])


def test_keywords_drop_filler_and_common_endings() -> None:
    assert keywords("My Outlook is NOT connecting since this morning!") == {"outlook", "connect"}
    assert normalise("disconnected") == "disconnect"
    assert normalise("phones") == "phone"
    assert normalise("access") == "access"
    assert normalise("bus") == "bus"  # too short to strip


def test_same_service_matches_even_with_no_shared_words() -> None:
    [match] = match_outages(EMAIL, "Printer says paper jam", [EMAIL_OUTAGE, VPN_OUTAGE])
    assert match.key == 201
    assert match.same_service
    assert match.score == SAME_SERVICE_POINTS
    assert match.reason == "same service"


def test_similar_words_match_without_a_service() -> None:
    [match] = match_outages(None, "Outlook asks for my password", [EMAIL_OUTAGE, VPN_OUTAGE])
    assert match.key == 201
    assert match.shared_words == ("outlook",)
    assert match.reason == "words: outlook"


def test_the_service_name_typed_counts_as_words() -> None:
    matches = match_outages(None, "", [VPN_OUTAGE, EMAIL_OUTAGE], extra_words="Email")
    assert [m.key for m in matches] == [201]


def test_best_first_same_service_beats_words_and_ties_keep_the_given_order() -> None:
    matches = match_outages(VPN, "webmail and outlook cannot connect", [EMAIL_OUTAGE, VPN_OUTAGE])
    assert [m.key for m in matches] == [305, 201]  # the VPN outage: same service
    assert matches[1].shared_words == ("connect", "outlook", "webmail")
    ties = match_outages(None, "everything is down", [EMAIL_OUTAGE, VPN_OUTAGE])
    assert ties == []  # filler words alone match nothing


def test_nothing_typed_matches_nothing() -> None:
    assert match_outages(None, "", [EMAIL_OUTAGE, VPN_OUTAGE]) == []
    assert match_outages(PAYROLL, "payslip wrong", [EMAIL_OUTAGE, VPN_OUTAGE]) == []


def test_shared_word_stems_match_across_outages() -> None:
    matches = match_outages(None, "Outlook disconnected", [EMAIL_OUTAGE, VPN_OUTAGE])
    assert [(m.key, m.shared_words) for m in matches] == [
        (201, ("outlook",)),
        (305, ("disconnect",)),
    ]
