"""The editor's diff and merge rules, without widgets."""

from __future__ import annotations

from dataclasses import replace

from ui.editor.form_values import CallerLookup, FormValues, after_write

BASE = FormValues(title="VPN down", caller_id=7, caller_text="Anna Berg", assignee_id=3, team_id=2)


def test_only_changed_fields_are_edits() -> None:
    mine = replace(BASE, title="VPN down  ", urgency=1, description=" ")
    assert mine.edits_since(BASE) == {"urgency": 1}  # whitespace alone is no change
    assert mine.assignment_since(BASE) is None


def test_the_caller_is_sent_as_an_id_a_name_to_look_up_or_nobody() -> None:
    assert replace(BASE, caller_id=None, caller_text="").edits_since(BASE) == {"caller_id": None}
    typed = replace(BASE, caller_id=None, caller_text="Ben Okoro")
    assert typed.edits_since(BASE) == {"caller_id": CallerLookup("Ben Okoro")}
    assert replace(BASE, caller_id=9, caller_text="Ben Okoro").edits_since(BASE) == {"caller_id": 9}


def test_assignment_changes_go_together() -> None:
    mine = replace(BASE, assignee_id=None)
    assert mine.assignment_since(BASE) == (None, 2)
    assert mine.changed_fields(BASE) == ["assignee_id"]


def test_after_a_save_the_form_shows_what_was_saved_but_keeps_later_typing() -> None:
    submitted = replace(BASE, title="VPN down ", urgency=1)
    current = replace(submitted, description="typed while saving")
    saved = replace(BASE, title="VPN down", urgency=1, impact=1)  # a colleague set impact
    shown = after_write(saved, current, submitted)
    assert shown == replace(saved, description="typed while saving")
