"""notifications.json, whatever is in it: preferences the notification gate can use (a damaged
file or entry means the defaults), so a bad file never stops a notification or the console."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.adapters.notification_prefs import FILE_NAME, load_preferences
from app.domain.notification_gate import NotificationPreferences
from app.domain.notification_rules import NoticeKind
from tests.properties import json_values

SHARED_FOLDER = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
TIMES = st.sampled_from(["22:00", "07:30", "12:00+01:00", "25:00", "", "noon"])
MOMENTS = st.sampled_from(["2026-01-05T09:00:00+00:00", "2026-01-05T09:00:00", "tomorrow"])
ENTRIES = st.fixed_dictionaries(
    {},
    optional={
        "disabled": st.lists(st.sampled_from([k.value for k in NoticeKind])) | json_values(),
        "min_priority": st.integers(-3, 9) | json_values(),
        "quiet_from": TIMES | json_values(),
        "quiet_until": TIMES | json_values(),
        "sound": json_values(),
        "paused_until": MOMENTS | json_values(),
    },
)
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _usable(prefs: NotificationPreferences) -> None:
    """Every question the gate asks of the preferences has an answer."""
    assert 1 <= prefs.min_priority <= 5
    assert all(isinstance(kind, NoticeKind) for kind in prefs.disabled)
    for moment in (NOW, NOW.replace(tzinfo=None), NOW.astimezone()):
        prefs.quiet_at(moment)
    assert isinstance(prefs.paused_at(NOW), bool)
    for kind in NoticeKind:
        prefs.enabled(kind)
    for quiet in (prefs.quiet_from, prefs.quiet_until):
        assert quiet is None or (isinstance(quiet, time) and quiet.tzinfo is None)


@SHARED_FOLDER
@given(content=st.binary(max_size=200) | json_values().map(lambda v: json.dumps(v).encode()))
def test_any_file_gives_usable_preferences(tmp_path: Path, content: bytes) -> None:
    (tmp_path / FILE_NAME).write_bytes(content)
    _usable(load_preferences(tmp_path, "alice"))


@SHARED_FOLDER
@given(entry=ENTRIES | json_values())
def test_any_saved_entry_gives_usable_preferences(tmp_path: Path, entry: Any) -> None:
    (tmp_path / FILE_NAME).write_text(json.dumps({"alice": entry}), encoding="utf-8")
    _usable(load_preferences(tmp_path, "alice"))


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"disabled": 3}, NotificationPreferences()),
        ({"disabled": [["assigned"]]}, NotificationPreferences()),
        ({"min_priority": 9}, NotificationPreferences()),
        ({"min_priority": True}, NotificationPreferences()),
        (
            {"quiet_from": "22:00+01:00", "quiet_until": "07:00"},
            NotificationPreferences(quiet_from=time(22, 0), quiet_until=time(7, 0)),
        ),
        ({"paused_until": "2026-01-05T10:00:00"}, NotificationPreferences()),
    ],
)
def test_a_damaged_entry_falls_back_to_the_default_for_that_setting(
    tmp_path: Path, entry: dict[str, Any], expected: NotificationPreferences
) -> None:
    (tmp_path / FILE_NAME).write_text(json.dumps({"alice": entry}), encoding="utf-8")
    assert load_preferences(tmp_path, "alice") == expected


def test_a_deeply_nested_file_gives_the_defaults(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_text('{"alice": ' + "[" * 100_000, encoding="utf-8")
    assert load_preferences(tmp_path, "alice") == NotificationPreferences()
