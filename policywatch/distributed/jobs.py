"""The jobs of a deployment by name: task names, their queues and their locks.

What an enqueuer needs and nothing of the worker: the CLI and the scheduler queue jobs by
name (``App.configure_task``) without importing the tasks, the pipeline they run or the
worker runtime; the worker registers the tasks under the same names (``tasks.py``).
"""

from __future__ import annotations

CHECK = "policywatch.check"
BACKFILL = "policywatch.backfill"
REEXTRACT = "policywatch.reextract"
RECOVER = "policywatch.recover_stalled"
CORPUS = "policywatch.corpus"  # one domain of `corpus --distributed` (distributed/corpus.py)

QUEUES = {CHECK: "checks", BACKFILL: "backfills", REEXTRACT: "reextracts", CORPUS: "corpus",
          RECOVER: "maintenance"}
QUEUE_NAMES = tuple(sorted(set(QUEUES.values())))
KINDS = {CHECK: "check", BACKFILL: "backfill", REEXTRACT: "reextract"}


def policy_lock(policy_id: int) -> str:
    """At most one job touches a policy at a time, across the deployment."""
    return f"policy:{policy_id}"


def queueing_lock(kind: str, policy_id: int) -> str:
    """At most one job of each kind waits in the queue per policy."""
    return f"{kind}:{policy_id}"
