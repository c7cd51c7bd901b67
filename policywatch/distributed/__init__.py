"""Scale-out mode: PostgreSQL as the shared store, procrastinate workers running the jobs.

One scheduler (``policywatch run --distributed``) queues due checks; any number of
``policywatch worker`` processes, on any machines, run them. Rate limits towards the
Wayback Machine and per-host politeness limits hold for the whole deployment.
"""

from policywatch.distributed.app import conninfo, ensure_schema, make_app
from policywatch.distributed.enqueue import (
    CheckDispatcher,
    Enqueued,
    enqueue_due_checks,
    enqueue_many,
    enqueue_one,
    queue_jobs,
)
from policywatch.distributed.errors import NotPostgres, QueueUnavailable
from policywatch.distributed.limits import HostSlots, PostgresRateLimiter
from policywatch.distributed.runtime import WorkerRuntime
from policywatch.distributed.central_scheduler import run_distributed_scheduler
from policywatch.distributed.tasks import BACKFILL, CHECK, QUEUE_NAMES, RECOVER, REEXTRACT
from policywatch.distributed.worker import run_worker

__all__ = [
    "BACKFILL",
    "CHECK",
    "CheckDispatcher",
    "Enqueued",
    "HostSlots",
    "NotPostgres",
    "PostgresRateLimiter",
    "QUEUE_NAMES",
    "QueueUnavailable",
    "RECOVER",
    "REEXTRACT",
    "WorkerRuntime",
    "conninfo",
    "enqueue_due_checks",
    "enqueue_many",
    "enqueue_one",
    "ensure_schema",
    "make_app",
    "queue_jobs",
    "run_distributed_scheduler",
    "run_worker",
]
