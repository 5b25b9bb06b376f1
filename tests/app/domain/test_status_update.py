"""Status updates: the next one is due on the cadence, a final one stops it, and the text reads
the same wherever it is sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.domain.status_update import (
    Audience,
    IncidentFacts,
    UpdateBody,
    UpdateHeading,
    callers_message,
    facts_after_update,
    late_updates,
    local_clock,
    next_due_after_post,
    render_text,
    subject_line,
)

NINE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
HALF_HOUR = timedelta(minutes=30)


def test_posting_moves_the_due_time_on_by_the_cadence() -> None:
    assert next_due_after_post(HALF_HOUR, NINE, None, final=False) == NINE + HALF_HOUR


def test_an_earlier_promise_is_kept_a_later_one_is_capped_by_the_cadence() -> None:
    early = NINE + timedelta(minutes=10)
    late = NINE + timedelta(hours=2)
    assert next_due_after_post(HALF_HOUR, NINE, early, final=False) == early
    assert next_due_after_post(HALF_HOUR, NINE, late, final=False) == NINE + HALF_HOUR


def test_a_final_update_stops_the_cadence() -> None:
    assert next_due_after_post(HALF_HOUR, NINE, NINE + HALF_HOUR, final=True) is None


def test_without_a_cadence_the_promise_is_the_due_time() -> None:
    assert next_due_after_post(None, NINE, NINE + HALF_HOUR, final=False) == NINE + HALF_HOUR
    assert next_due_after_post(None, NINE, None, final=False) is None


def test_late_updates_count_every_silence_longer_than_the_cadence() -> None:
    posted = [NINE + timedelta(minutes=m) for m in (10, 35, 80, 100)]
    assert late_updates(NINE, posted, HALF_HOUR) == 1  # 35 -> 80 was 45 minutes
    assert late_updates(NINE, posted, None) == 0


def test_the_text_follows_the_template_and_skips_empty_parts() -> None:
    heading = UpdateHeading("INC0000201", "Email down", Audience.ALL_USERS, 2, final=False)
    body = UpdateBody(
        what_happened="Sign-in to mail fails.",
        current_impact="Nobody can send or receive mail.",
        actions="Microsoft is restoring sign-in.",
        workaround="",
        eta=NINE + timedelta(hours=1),
        next_update_at=NINE + HALF_HOUR,
    )
    text = render_text(heading, body, NINE)
    assert text.startswith("[Update 2] INC0000201: Email down\nAll users · ")
    assert "What happened:\nSign-in to mail fails.\n" in text
    assert "What we are doing:\nMicrosoft is restoring sign-in." in text
    assert "Workaround" not in text
    assert f"ETA: {local_clock(NINE + timedelta(hours=1))}" in text
    assert text.endswith(f"Next update: by {local_clock(NINE + HALF_HOUR)}\n")


def test_a_final_update_says_so_and_promises_nothing_more() -> None:
    heading = UpdateHeading("INC0000201", "Email down", Audience.ALL_USERS, 3, final=True)
    body = UpdateBody("Fixed.", "None.", "", "", None, None)
    assert subject_line(heading) == "[Resolved] INC0000201: Email down"
    assert render_text(heading, body, NINE).rstrip().endswith("the service is restored.")


def test_callers_hear_what_happened_what_we_do_and_when_next() -> None:
    body = UpdateBody(
        "Email is down for everyone",
        "All users",
        "We are working with Microsoft",
        "Use webmail",
        None,
        NINE + HALF_HOUR,
    )
    assert callers_message(body) == (
        "Email is down for everyone. We are working with Microsoft. "
        f"Next update by {local_clock(NINE + HALF_HOUR)}."
    )


BEFORE = IncidentFacts(NINE + HALF_HOUR, "Use webmail.", "Email is down.")


def _body(workaround: str = "", eta: datetime | None = None) -> UpdateBody:
    return UpdateBody("Sign-in fixed.", "None.", "Watching.", workaround, eta, NINE + HALF_HOUR)


def test_an_update_sets_the_eta_it_gives_even_none() -> None:
    later = NINE + timedelta(hours=2)
    assert facts_after_update(BEFORE, Audience.INTERNAL, _body(eta=later), final=False).eta == later
    assert facts_after_update(BEFORE, Audience.INTERNAL, _body(), final=False).eta is None


def test_a_final_update_keeps_the_last_eta_for_the_record() -> None:
    assert facts_after_update(BEFORE, Audience.ALL_USERS, _body(), final=True).eta == BEFORE.eta


def test_an_update_without_a_workaround_keeps_the_one_there_is() -> None:
    assert facts_after_update(BEFORE, Audience.INTERNAL, _body(), final=False).workaround == (
        "Use webmail."
    )
    changed = facts_after_update(BEFORE, Audience.INTERNAL, _body("Use Teams."), final=False)
    assert changed.workaround == "Use Teams."


def test_only_an_update_to_all_users_changes_what_callers_are_told() -> None:
    body = _body()
    internal = facts_after_update(BEFORE, Audience.INTERNAL, body, final=False)
    assert internal.public_message == "Email is down."
    everyone = facts_after_update(BEFORE, Audience.ALL_USERS, body, final=False)
    assert everyone.public_message == callers_message(body)
