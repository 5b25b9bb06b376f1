"""A call-logging process for the hard-kill tests: it logs calls through the outbox, exactly as
the console's call form does, and prints `ACK <client uuid>` only after each save returned (the
moment the console shows "saved"). The test kills it with SIGKILL mid-stream.

    python -m tests.app.services.offline.outbox_driver DATABASE_URL OUTBOX_FILE
"""

from __future__ import annotations

import sys
from pathlib import Path

from app.adapters.outbox_store import OutboxStore
from app.db.engine import open_database
from app.domain.clock import SystemClock
from app.services.calls.drafts import new_client_uuid
from app.services.calls.dto import CallDraft
from app.services.context import ServiceContext
from app.services.directory.reads import sign_in
from app.services.offline.operations import LogCall
from app.services.offline.outbox import Kept, Outbox


def main(url: str, outbox_file: str) -> None:
    db = open_database(url)
    ctx = ServiceContext(db=db, clock=SystemClock(), actor=sign_in(db, "admin.alice", "Alice"))
    outbox = Outbox(ctx, OutboxStore(Path(outbox_file)))
    print("READY", flush=True)
    number = 0
    while True:
        number += 1
        draft = CallDraft(new_client_uuid(), caller_name=f"Caller {number}", symptom="No email")
        outcome = outbox.submit(LogCall(draft))
        where = "outbox" if isinstance(outcome, Kept) else "database"
        print(f"ACK {draft.client_uuid} {where}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
