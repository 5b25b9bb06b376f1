"""Who and what there is: agents, teams, services, callers and the reference data forms need."""
