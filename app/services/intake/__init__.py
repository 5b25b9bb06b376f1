"""Monitoring alerts: the intake service's writes (one incident per alert group, repeats,
recoveries, flapping) and the reads that mark alert-born incidents in the queue and war room."""
