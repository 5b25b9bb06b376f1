"""A caller is found by number however it is written: in the call form's type-ahead, in the
contact picker and for an incoming call. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from app.db.models import Contact
from app.services.calls.commands import CallCommands
from app.services.calls.dto import ContactDraft
from app.services.calls.reads import CallReads
from app.services.context import ServiceContext
from app.services.directory.reads import Directory

SPELLINGS = ["+44 20 7946 0000", "020 7946 0000", "0044-20-7946-0000", "tel:+44-20-7946-0000"]


@pytest.fixture
def london(ctx: ServiceContext) -> ServiceContext:
    return replace(ctx, phone_region="GB")


@pytest.mark.parametrize("saved_as", SPELLINGS[:3])
def test_a_number_saved_one_way_is_found_written_every_other_way(
    london: ServiceContext, saved_as: str
) -> None:
    commands = CallCommands(london)
    ruth = commands.create_contact(ContactDraft(name="Ruth Adeyemi", phone=saved_as))
    commands.create_contact(ContactDraft(name="Ruth Adams", phone="020 7946 9999"))
    reads = CallReads(london)
    for typed in SPELLINGS:
        assert [c.id for c in reads.callers_by_number(typed)] == [ruth.id], typed
    # The type-ahead puts the caller whose number it is first, ahead of name matches.
    assert reads.find_callers("020 7946 0000")[0].id == ruth.id
    assert reads.find_callers("0044-20-7946-0000")[0].id == ruth.id
    assert [r.id for r in Directory(london).find_contacts("0044 20 7946 0000")] == [ruth.id]
    with london.db.read() as session:
        stored = session.scalar(select(Contact.phone_e164).where(Contact.id == ruth.id))
    assert stored == "+442079460000"
    assert ruth.phone == saved_as  # the number is kept as it was written


def test_a_mobile_number_finds_its_caller_too(london: ServiceContext) -> None:
    with london.db.write() as session:
        session.add(
            Contact(
                name="Ken Ito",
                phone="+44 20 7946 1111",
                phone_e164="+442079461111",
                mobile="07700 900123",
                mobile_e164="+447700900123",
            )
        )
    assert [c.name for c in CallReads(london).callers_by_number("+44 7700 900 123")] == ["Ken Ito"]


def test_without_a_region_only_international_numbers_match_across_spellings(
    ctx: ServiceContext,
) -> None:
    CallCommands(ctx).create_contact(ContactDraft(name="Ruth", phone="+44 20 7946 0000"))
    reads = CallReads(ctx)
    assert [c.name for c in reads.callers_by_number("tel:+442079460000")] == ["Ruth"]
    assert reads.callers_by_number("020 7946 0000") == []  # no region to read it with


def test_text_that_is_no_number_matches_no_caller_by_number(london: ServiceContext) -> None:
    CallCommands(london).create_contact(ContactDraft(name="Ruth", phone="020 7946 0000"))
    reads = CallReads(london)
    assert reads.callers_by_number("Ruth") == []
    assert reads.callers_by_number("") == []
    assert [c.name for c in reads.find_callers("Ruth")] == ["Ruth"]
