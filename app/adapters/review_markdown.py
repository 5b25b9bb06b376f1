"""The post-incident review as Markdown: for a wiki, a ticket, or (through Qt's text document)
a PDF. Pure: a draft in, text out."""

from __future__ import annotations

from datetime import datetime, tzinfo

from app.domain.goodwill import made_and_owed
from app.domain.review import ReviewDraft, format_minutes

HEADINGS = (
    "Summary",
    "Impact",
    "Key events",
    "Communication",
    "Vendor escalations",
    "Making it right",
    "What went well",
    "What to improve",
    "Action items",
)


def review_markdown(draft: ReviewDraft, tz: tzinfo | None = None) -> str:
    """`tz`: the zone times are shown in; the computer's local zone when None."""

    def at(moment: datetime | None) -> str:
        return "–" if moment is None else moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")

    zone = draft.impact.opened_at.astimezone(tz).strftime("%Z") or "local time"
    impact, comms = draft.impact, draft.communication
    lines = [
        f"# Post-incident review: {draft.number} {_inline(draft.title)}",
        "",
        "*Blameless: this review is about what happened and what the system let happen, "
        f"not about who. Times are {zone}.*",
        "",
        f"- Priority: P{draft.priority}",
        f"- Commander: {_inline(draft.commander) or '–'}",
        f"- Communications lead: {_inline(draft.comms_lead) or '–'}",
        "",
        "## Summary",
        "",
        _block(draft.summary),
        "",
        "## Impact",
        "",
        f"- Duration: {format_minutes(impact.duration_minutes)} "
        f"(opened {at(impact.opened_at)}, declared major {at(impact.declared_at)}, "
        f"resolved {at(impact.resolved_at)})",
        f"- Services affected: {', '.join(impact.services) or '–'}",
        f"- Calls: {impact.calls} from {impact.callers} distinct callers",
        f"- Callbacks: {impact.callbacks_done} of {impact.callbacks_wanted} done",
        "",
        "## Key events",
        "",
    ]
    lines += _table(
        ("Time", "Who", "What"),
        [
            (at(e.at), e.actor, e.summary + (" (pinned)" if e.pinned else ""))
            for e in draft.key_events
        ],
    )
    lines += [
        "",
        "## Communication",
        "",
        f"- Updates sent: {len(comms.updates)}",
        f"- Time to first update: {format_minutes(comms.first_update_minutes)}",
        f"- Cadence: every {format_minutes(comms.update_every_minutes)}; on time "
        f"{_percent(comms.on_time_percent)}",
        f"- Longest silence: {format_minutes(comms.longest_silence_minutes)}",
        f"- ETA against reality: {_eta_verdict(comms.eta_error_minutes)}",
        "",
    ]
    lines += _table(
        ("Sent", "Audience", "ETA given", "What happened"),
        [
            (at(u.at), u.audience, at(u.eta), ("Final: " if u.final else "") + u.headline)
            for u in comms.updates
        ],
    )
    if comms.eta_changes:
        lines += ["", "How the ETA moved:", ""]
        lines += [f"- {at(c.at)}: ETA {at(c.eta)}" for c in comms.eta_changes]
        lines.append(f"- Actually resolved: {at(impact.resolved_at)}")
    lines += ["", "## Vendor escalations", ""]
    lines += _table(
        ("Vendor", "Reference", "Escalated", "Vendor ETA", "State"),
        [
            (
                v.vendor,
                v.reference or "–",
                at(v.escalated_at),
                at(v.vendor_eta) + (" (missed)" if v.missed_eta else ""),
                v.state,
            )
            for v in draft.vendors
        ],
    )
    made, owed = made_and_owed(draft.gestures)
    lines += [
        "",
        "## Making it right",
        "",
        f"Goodwill gestures to the people affected: {len(made)} made, {len(owed)} still owed.",
        "",
    ]
    lines += _table(
        ("Gesture", "To whom", "Owner", "Due", "Status"),
        [
            (
                g.kind.label + (f" ({g.details})" if g.details and not g.from_call else ""),
                g.to_whom,
                g.owner or "–",
                g.due_on.isoformat() if g.due_on else "–",
                g.status.label + (f" {at(g.settled_at)}" if g.settled_at else ""),
            )
            for g in (*made, *owed)
        ],
    )
    lines += [
        "",
        "## What went well",
        "",
        _block(draft.edits.went_well) or "*Not written yet.*",
        "",
        "## What to improve",
        "",
        _block(draft.edits.to_improve) or "*Not written yet.*",
        "",
        "## Action items",
        "",
    ]
    lines += _table(
        ("Done", "Action", "Owner", "Due"),
        [
            (
                "yes" if i.done else "no",
                i.text,
                i.owner or "–",
                i.due_on.isoformat() if i.due_on else "–",
            )
            for i in draft.edits.action_items
        ],
    )
    if draft.resolution or draft.cause:
        lines += ["", "---", ""]
        if draft.resolution:
            lines.append(f"Resolution: {_inline(draft.resolution)}")
        if draft.cause:
            lines += ["", f"Believed cause: {_inline(draft.cause)}"]
    return "\n".join(lines) + "\n"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    if not rows:
        return ["*None.*"]
    out = [_row(header), _row(tuple("---" for _ in header))]
    out += [_row(r) for r in rows]
    return out


def _row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _cell(text: str) -> str:
    return _inline(text).replace("|", "\\|") or " "


def _inline(text: str) -> str:
    return " ".join(text.split())


def _block(text: str) -> str:
    # Paragraphs kept; a line starting with '#' would become a heading, so escape it.
    return "\n".join(
        ("\\" + line) if line.lstrip().startswith("#") else line
        for line in text.strip().splitlines()
    )


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:g} %"


def _eta_verdict(error: float | None) -> str:
    if error is None:
        return "no ETA was given"
    if error > 0:
        return f"resolved {format_minutes(error)} later than the last ETA"
    if error < 0:
        return f"resolved {format_minutes(-error)} earlier than the last ETA"
    return "resolved exactly at the last ETA"
