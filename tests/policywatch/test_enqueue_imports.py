"""Queueing a job (what `backfill --distributed` and `reextract --distributed` do) loads
nothing of the worker: jobs are queued by name, the tasks live with the worker."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

WORKER_MODULES = ("policywatch.distributed.tasks", "policywatch.distributed.runtime",
                  "policywatch.distributed.worker", "policywatch.distributed.limits")

PROGRAM = """
import json, sys
from policywatch.settings import Settings
from policywatch.distributed.app import make_app
from policywatch.distributed.enqueue import _deferrer, queue_jobs
from policywatch.distributed.jobs import BACKFILL, QUEUES
import policywatch.cli.commands.archiving, policywatch.cli.commands.extracting

app = make_app(Settings(database_url="postgresql://nobody@127.0.0.1:9/none"))
deferrer = _deferrer(app, BACKFILL, 7)
job = deferrer.make_new_job(policy_id=7)
print(json.dumps({"loaded": sorted(m for m in sys.modules if m.startswith("policywatch.")),
                  "job": [job.task_name, job.queue, job.lock, job.queueing_lock],
                  "queue": QUEUES[BACKFILL]}))
"""


@pytest.mark.slow
def test_the_enqueue_path_imports_no_worker_module() -> None:
    done = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True,
                          timeout=120, check=True)
    seen = json.loads(done.stdout)
    assert "policywatch.distributed.enqueue" in seen["loaded"]
    assert [m for m in WORKER_MODULES if m in seen["loaded"]] == []
    # The job carries what the registered task would have given it: queue and both locks.
    assert seen["job"] == ["policywatch.backfill", "backfills", "policy:7", "backfill:7"]


def test_the_worker_registers_the_tasks_the_enqueuer_names() -> None:
    from procrastinate import App
    from procrastinate.testing import InMemoryConnector

    from policywatch.distributed.jobs import CORPUS, KINDS, QUEUES, RECOVER
    from policywatch.distributed.tasks import register_tasks
    from policywatch.settings import Settings

    app = App(connector=InMemoryConnector())
    register_tasks(app, Settings(database_url="sqlite://"))
    assert {name: app.tasks[name].queue for name in (*KINDS, CORPUS, RECOVER)} == QUEUES
