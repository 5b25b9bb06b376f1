"""The review's Markdown export: every section under its heading, with the figures."""

from __future__ import annotations

from datetime import UTC, date

from app.adapters.review_markdown import HEADINGS, review_markdown
from app.domain.clock import ManualClock
from app.domain.review import ActionItem, ReviewEdits
from app.services.context import ServiceContext
from app.services.reports.post_incident_review import PostIncidentReviews
from tests.app.services.reports.review_support import resolve_outage


def test_the_markdown_has_every_heading_and_the_figures(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    resolved = resolve_outage(ctx, clock)
    reviews = PostIncidentReviews(ctx)
    owner = resolved.outage.commander.agent_id
    text = "Agree an update slot | with Microsoft"
    item = ActionItem(None, text, owner, "", date(2026, 1, 12), False)
    draft = reviews.save(
        resolved.incident_id, 0, ReviewEdits("Quick first update.", "Long silence.", (item,))
    )
    text = review_markdown(draft, UTC)
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings == list(HEADINGS)
    assert text.startswith("# Post-incident review: INC0000001 Email down for all users\n")
    assert "- Duration: 1 h 40 min (opened 2026-01-05 09:00" in text
    assert "resolved 2026-01-05 10:40)" in text
    assert "- Calls: 3 from 2 distinct callers" in text
    assert "- Updates sent: 4" in text
    assert "- Longest silence: 45 min" in text
    assert "- ETA against reality: resolved 10 min later than the last ETA" in text
    assert "- 2026-01-05 10:10: ETA 2026-01-05 10:30" in text
    assert "| Microsoft | MS-4711 | 2026-01-05 09:25 | 2026-01-05 09:45 (missed) | Open |" in text
    assert "| no | Agree an update slot \\| with Microsoft | Sam Okafor | 2026-01-12 |" in text
    assert "Tenant policy rolled back by Microsoft (pinned)" in text
    assert "Quick first update." in text


def test_an_unwritten_review_says_so(ctx: ServiceContext, clock: ManualClock) -> None:
    resolved = resolve_outage(ctx, clock)
    text = review_markdown(PostIncidentReviews(ctx).draft(resolved.incident_id), UTC)
    went_well = text.split("## What went well\n\n", 1)[1]
    assert went_well.startswith("*Not written yet.*")
    assert text.split("## Action items\n\n", 1)[1].startswith("*None.*")
