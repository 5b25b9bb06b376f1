from app.services.incidents import IncidentCommands, IncidentDraft
from app.services.context import ServiceContext


def test_opening_an_incident_numbers_it_and_derives_priority(ctx: ServiceContext) -> None:
    incident = IncidentCommands(ctx).open(IncidentDraft(title="Mail down", impact=1, urgency=1))
    assert incident.number == "INC0000001"
    assert incident.priority == 1
