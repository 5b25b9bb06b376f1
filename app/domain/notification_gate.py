"""What reaches the desktop: the agent's preferences, quiet hours, pause, and no storms.

Every fresh notice goes to the notification centre; the gate decides which become pop-ups.
A rule switched off or below the minimum priority stays quiet. During quiet hours or a pause,
pop-ups are held, not lost: they come out when it ends (as one summary if there are several).
More than `burst_limit` pop-ups within `burst_window` collapse into one summary: a bulk
reassignment or forty linked calls make one pop-up, not forty.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta

from app.domain.notification_rules import Notice, NoticeKind

PAUSE_LENGTH = timedelta(hours=1)
BURST_LIMIT = 3
BURST_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class NotificationPreferences:
    disabled: frozenset[NoticeKind] = frozenset()
    min_priority: int = 5  # notify for priorities 1..min_priority; 5: every priority
    quiet_from: time | None = None  # local time; quiet hours may cross midnight
    quiet_until: time | None = None
    sound: bool = True
    paused_until: datetime | None = None

    def enabled(self, kind: NoticeKind) -> bool:
        return kind not in self.disabled

    def wanted(self, notice: Notice) -> bool:
        if not self.enabled(notice.kind):
            return False
        return notice.priority is None or notice.priority <= self.min_priority

    def quiet_at(self, local_now: datetime) -> bool:
        """Inside quiet hours at this local time (a naive or aware local datetime)."""
        start, end = self.quiet_from, self.quiet_until
        if start is None or end is None or start == end:
            return False
        moment = local_now.time().replace(tzinfo=None)
        if start < end:
            return start <= moment < end
        return moment >= start or moment < end  # e.g. 22:00 to 07:00

    def paused_at(self, now: datetime) -> bool:
        return self.paused_until is not None and now < self.paused_until

    def paused_for_an_hour(self, now: datetime) -> NotificationPreferences:
        return replace(self, paused_until=now + PAUSE_LENGTH)


@dataclass(frozen=True)
class Popup:
    """One desktop notification to show."""

    title: str
    body: str
    incident_id: int | None  # where clicking it leads; None for a summary of several
    major: bool
    loud: bool
    notices: tuple[Notice, ...]

    @property
    def summary(self) -> bool:
        return len(self.notices) > 1


def _in_sentence(label: str) -> str:
    """'New P1 or P2 incident' -> 'new P1 or P2 incident'; 'SLA breached' stays as it is."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def summarise(notices: Iterable[Notice]) -> Popup:
    """One pop-up for several notices: "12 notifications: 8 assigned to you, 4 SLA at risk"."""
    group = tuple(notices)
    if len(group) == 1:
        n = group[0]
        return Popup(n.title, n.body, n.incident_id, n.major, n.loud, group)
    counts = Counter(n.kind for n in group)
    parts = [f"{count} × {_in_sentence(kind.label)}" for kind, count in counts.most_common()]
    incidents = {n.incident_id for n in group}
    only = next(iter(incidents)) if len(incidents) == 1 else None
    return Popup(
        title=f"Calmdesk: {len(group)} notifications",
        body="; ".join(parts) + ". Open the notification centre for the list.",
        incident_id=only,
        major=any(n.major for n in group),
        loud=any(n.loud for n in group),
        notices=group,
    )


@dataclass
class NotificationGate:
    """Turns fresh notices into pop-ups, honouring preferences, quiet hours, pause and bursts."""

    burst_limit: int = BURST_LIMIT
    burst_window: timedelta = BURST_WINDOW
    held: list[Notice] = field(default_factory=list)  # quiet hours or pause: shown afterwards
    _recent: deque[datetime] = field(default_factory=deque)  # pop-ups shown, for bursts
    _burst: list[Notice] = field(default_factory=list)  # over the limit: one summary later
    _burst_since: datetime | None = None

    def offer(
        self,
        notices: Iterable[Notice],
        prefs: NotificationPreferences,
        now: datetime,
        local_now: datetime,
    ) -> list[Popup]:
        """Pop-ups to show now for these fresh notices (and any held ones now released).
        Call it with no notices on a timer, so held and collapsed notices come out on time."""
        wanted = [n for n in notices if prefs.wanted(n)]
        if prefs.paused_at(now) or prefs.quiet_at(local_now):
            self.held.extend(wanted)
            return []
        pending, self.held = [*self.held, *wanted], []
        while self._recent and now - self._recent[0] >= self.burst_window:
            self._recent.popleft()
        popups: list[Popup] = []
        if self._burst_since is not None:
            self._burst.extend(pending)
            pending = []
            if now - self._burst_since >= self.burst_window:
                if self._burst:
                    popups.append(summarise(self._burst))
                self._burst, self._burst_since = [], None
        if pending:
            if len(self._recent) + len(pending) <= self.burst_limit:
                popups.extend(summarise([n]) for n in pending)
            elif len(pending) > 1:
                # A storm in one go: one summary now; whatever follows within the window joins
                # a second summary at its end.
                popups.append(summarise(pending))
                self._burst_since = now
            else:  # a trickle past the limit: collect it into one summary at the window's end
                self._burst, self._burst_since = pending, now
        self._recent.extend(now for _ in popups)
        return popups
