"""`python -m tests.policywatch.crash_after_commit ARGS`: the policywatch CLI with a crash point.

The kill -9 test runs `policywatch run` through this module: it installs a
``Delivery.before_send`` hook that SIGKILLs the process right after an alert's transaction
committed and before anything is sent, then hands over to the real CLI.
"""

from __future__ import annotations

import os
import signal

from policywatch.alerts.delivery import Delivery
from policywatch.cli import main


def _crash() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    Delivery.before_send = staticmethod(_crash)
    main()
