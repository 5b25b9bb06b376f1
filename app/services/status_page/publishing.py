"""Building the status page's files and publishing them.

`build` gives the files (same data, same bytes); `publish_to` writes them to a folder or an
HTTP address. The console's re-publishing after each change runs these off its UI thread."""

from __future__ import annotations

from dataclasses import dataclass

from app.adapters.status_page_targets import publish_files
from app.domain.status_page import incidents_document, summary, to_json
from app.domain.status_page_html import render_atom, render_html
from app.services.context import ServiceContext
from app.services.status_page.reads import read_facts
from app.services.status_page.settings import PageSettings, load_settings

INDEX = "index.html"
SUMMARY = "api/v2/summary.json"
INCIDENTS = "api/v2/incidents.json"
HISTORY = "history.atom"


@dataclass(frozen=True)
class PageFiles:
    settings: PageSettings
    files: tuple[tuple[str, bytes], ...]  # (relative path, bytes), index.html last

    def file(self, name: str) -> bytes:
        return dict(self.files)[name]


def build(ctx: ServiceContext) -> PageFiles:
    """The page's files from the data as it is now."""
    now = ctx.clock.now()
    with ctx.db.read() as session:
        settings = load_settings(session)
        facts = read_facts(session, settings, now)
    return PageFiles(
        settings,
        (
            (SUMMARY, to_json(summary(facts, now))),
            (INCIDENTS, to_json(incidents_document(facts, now))),
            (HISTORY, render_atom(facts, now)),
            (INDEX, render_html(facts, now)),
        ),
    )


def publish_to(target: str, page: PageFiles) -> None:
    """Write the files to a folder or an http(s) address; raises PublishFailed."""
    publish_files(target, page.files)
