"""Live updates across workstations: the change hub every view subscribes to, the watcher bridge
that wakes it, the offline outbox, and presence (who else has it open)."""
