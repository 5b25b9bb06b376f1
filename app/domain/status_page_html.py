"""The public status page as a static HTML page and an Atom feed of its updates.

The page needs no JavaScript and reads on a phone: one column, large type, headings for each
part, states written in words (with a symbol) and colours with strong contrast only as a help.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from xml.sax.saxutils import escape as xml_escape

from app.domain.services_state import ServiceState
from app.domain.status_page import (
    STATE_WORDS,
    PageFacts,
    PublicIncident,
    clock_words,
    incident_status,
    overall_status,
    page_updated_at,
    shown_incidents,
    stamp,
    update_status,
)

_SYMBOL = {
    ServiceState.OPERATIONAL: "✓",
    ServiceState.DEGRADED: "!",
    ServiceState.PARTIAL_OUTAGE: "!",
    ServiceState.MAJOR_OUTAGE: "✕",
    ServiceState.MAINTENANCE: "i",
}
_STATUS_WORDS = {
    "investigating": "Investigating",
    "identified": "Identified",
    "resolved": "Resolved",
}
_STYLE = """
body{margin:0;font:1.05rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:#1a1a1a;background:#fff}
main{max-width:46rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.3rem;margin:1.5rem 0 .5rem}
h3{font-size:1.1rem;margin:0 0 .25rem}
.overall{padding:.75rem 1rem;border:2px solid #1a1a1a;border-radius:.5rem;font-weight:700}
.services{list-style:none;padding:0;margin:0}
.services li{display:flex;justify-content:space-between;flex-wrap:wrap;gap:.5rem;
padding:.6rem 0;border-bottom:1px solid #767676}
.state{font-weight:700}
.operational{color:#0b6623}.degraded,.partial_outage{color:#8a4b00}
.major_outage{color:#a00000}.maintenance{color:#004c99}
article{border:1px solid #767676;border-radius:.5rem;padding:.75rem 1rem;margin:.75rem 0}
.meta{color:#3d3d3d;margin:0 0 .5rem}
ol.updates{list-style:none;padding:0;margin:0}
ol.updates li{border-top:1px solid #c4c4c4;padding:.5rem 0}
.body{white-space:pre-line;margin:.25rem 0 0}
footer{margin:2rem 0 1rem;color:#3d3d3d;font-size:.95rem}
a{color:#0645ad}
"""


def render_html(facts: PageFacts, now: datetime) -> bytes:
    _, description = overall_status(facts)
    shown = shown_incidents(facts.incidents, now)
    current = [i for i in shown if i.open]
    resolved = [i for i in shown if not i.open]
    e = escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(facts.name)}</title>",
        '<link rel="alternate" type="application/atom+xml" title="Incident history" '
        'href="history.atom">',
        f"<style>{_STYLE.strip()}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{e(facts.name)}</h1>",
        f'<p class="overall" role="status">{e(description)}</p>',
        '<section aria-labelledby="services"><h2 id="services">Services</h2>',
        '<ul class="services">',
    ]
    for service in facts.services:
        out.append(
            f'<li><span class="name">{e(service.name)}</span> '
            f'<span class="state {service.state.value}">'
            f'<span aria-hidden="true">{_SYMBOL[service.state]} </span>'
            f"{e(STATE_WORDS[service.state])}</span></li>"
        )
    if not facts.services:
        out.append("<li>No services are listed.</li>")
    out += ["</ul></section>", '<section aria-labelledby="current">']
    out.append('<h2 id="current">Current incidents</h2>')
    out += [_article(i) for i in current] or ["<p>No incidents are open.</p>"]
    out += ["</section>", '<section aria-labelledby="resolved">']
    out.append('<h2 id="resolved">Resolved in the last 14 days</h2>')
    out += [_article(i) for i in resolved] or ["<p>No incidents in the last 14 days.</p>"]
    out += [
        "</section>",
        "<footer>",
        f"<p>Last updated {e(clock_words(page_updated_at(facts)))}.</p>",
        '<p><a href="history.atom">Incident history (Atom feed)</a> · '
        '<a href="api/v2/summary.json">Summary (JSON)</a></p>',
        "</footer>",
        "</main>",
        "</body>",
        "</html>",
    ]
    return ("\n".join(out) + "\n").encode("utf-8")


def _article(incident: PublicIncident) -> str:
    e = escape
    status = _STATUS_WORDS[incident_status(incident)]
    lines = [
        f'<article aria-labelledby="{e(incident.number.lower())}">',
        f'<h3 id="{e(incident.number.lower())}">{e(incident.title)}</h3>',
        f'<p class="meta"><strong>{status}</strong> · started '
        f"{e(clock_words(incident.declared_at))}",
    ]
    if incident.resolved_at is not None:
        lines[-1] += f" · resolved {e(clock_words(incident.resolved_at))}"
    lines[-1] += "</p>"
    if incident.updates:
        lines.append('<ol class="updates" reversed>')
        for index in range(len(incident.updates) - 1, -1, -1):
            update = incident.updates[index]
            word = _STATUS_WORDS[update_status(update, incident.updates[:index])]
            lines.append(
                f"<li><strong>{word}</strong> · {e(clock_words(update.posted_at))}"
                f'<p class="body">{e(update.body)}</p></li>'
            )
        lines.append("</ol>")
    else:
        lines.append("<p>We are looking into it. The first update follows shortly.</p>")
    lines.append("</article>")
    return "\n".join(lines)


def render_atom(facts: PageFacts, now: datetime) -> bytes:
    """Every public update of the incidents shown, newest first."""
    x = xml_escape
    base = facts.url.rstrip("/")
    feed_id = f"{base}/history.atom" if base else "urn:calmdesk:status-page"
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
        f"<id>{x(feed_id)}</id>",
        f"<title>{x(facts.name)}: incident history</title>",
        f"<updated>{stamp(page_updated_at(facts))}</updated>",
        f"<author><name>{x(facts.name)}</name></author>",
    ]
    if base:
        out.append(f'<link rel="alternate" href="{x(base)}/"/>')
    entries: list[tuple[datetime, str, str]] = []
    for incident in shown_incidents(facts.incidents, now):
        for index, update in enumerate(incident.updates):
            word = _STATUS_WORDS[update_status(update, incident.updates[:index])]
            entry_id = f"{feed_id}#{incident.number.lower()}-{update.id}"
            entries.append(
                (
                    update.posted_at,
                    entry_id,
                    "\n".join(
                        [
                            "<entry>",
                            f"<id>{x(entry_id)}</id>",
                            f"<title>{x(word)}: {x(incident.title)}</title>",
                            f"<updated>{stamp(update.posted_at)}</updated>",
                            f"<published>{stamp(update.posted_at)}</published>",
                            f'<content type="text">{x(update.body)}</content>',
                            "</entry>",
                        ]
                    ),
                )
            )
    entries.sort(key=lambda item: (item[0], item[1]), reverse=True)
    out += [text for _, _, text in entries]
    out.append("</feed>")
    return ("\n".join(out) + "\n").encode("utf-8")
