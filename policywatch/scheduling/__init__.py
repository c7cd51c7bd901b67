"""Checking on schedule: the schedule grammar (``schedules.py``) and the unattended
``policywatch run`` loop (``scheduler.py``)."""
