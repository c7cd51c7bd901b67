"""Scale-out mode: PostgreSQL as the shared store, procrastinate workers running the jobs.

One scheduler (``policywatch run --distributed``, ``central_scheduler.py``) queues due
checks; any number of ``policywatch worker`` processes (``worker.py``, ``tasks.py``,
``runtime.py``), on any machines, run them. Rate limits towards the Wayback Machine and
per-host politeness limits hold for the whole deployment (``limits.py``).

Import the module you need: queueing a job (``enqueue.py``, ``jobs.py``, ``app.py``) loads
nothing of the worker, so this package's ``__init__`` re-exports nothing.
"""
