"""Setting a desk up: team databases, connection checks, who is at this workstation, the sample."""
