"""Live updates across workstations (the watcher bridge) and presence (who else has it open)."""
