"""A round of checks (``Pipeline.check_many``): what it reads up front, what it writes together.

Before the first fetch, the round reads the last live snapshot of every policy in it
(``Archive.live_states``: one query per chunk of ids, not one per check). A check that
finds what that snapshot holds (304 Not Modified, or the same body) of a healthy policy
records nothing but a check row and the policy's status; those rows are written by group
commit: the first such check starts a transaction at once, the ones that arrive while it
commits go together in the next. Each check still waits for its own row to commit before
it reports, so what is printed is recorded, and a check whose policy moved on meanwhile
(a newer live snapshot, marked broken) is told so and recorded one by one as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

from storage import Archive, LiveState, Outcome, PolicyRecord, UnchangedCheck

MAX_BATCH = 500  # checks per transaction


class UnchangedWriter:
    """Group commit of unchanged checks (``Archive.record_unchanged``)."""

    def __init__(self, archive: Archive) -> None:
        self._archive = archive
        self._pending: list[tuple[UnchangedCheck, asyncio.Future[bool]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def record(self, check: UnchangedCheck) -> bool:
        """Record ``check`` with the others pending; False when it must be recorded alone."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending.append((check, future))
        if self._flusher is None:
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
                try:
                    recorded = await asyncio.to_thread(self._archive.record_unchanged,
                                                       [check for check, _ in batch])
                except Exception as exc:  # each check's own caller handles it (retries)
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for check, future in batch:
                    if not future.done():
                        future.set_result(check.policy_id in recorded)
        finally:
            self._flusher = None


class CheckRound:
    """The state a round's checks share: last live snapshots read up front, the writer."""

    def __init__(self, archive: Archive, states: dict[int, LiveState], unfetched: int = 0) -> None:
        self._states = states
        self._writer = UnchangedWriter(archive)
        self.unfetched = unfetched  # policies never fetched live: their pages are all new

    @classmethod
    async def start(cls, archive: Archive, policies: Sequence[PolicyRecord]) -> CheckRound:
        states = await asyncio.to_thread(archive.live_states, [p.id for p in policies])
        return cls(archive, states, sum(1 for p in policies if p.id not in states))

    def last(self, policy: PolicyRecord) -> LiveState | None:
        """The policy's last live snapshot when the round started (None: never fetched)."""
        return self._states.get(policy.id)

    async def unchanged(self, policy: PolicyRecord, outcome: Outcome, *,
                        started_at: datetime) -> bool:
        """Record a check that found the last live snapshot again (``outcome``: 304 or
        the same body); False when it is not that simple (no text, broken, moved on)."""
        state = self._states.get(policy.id)
        if state is None or not state.has_text or policy.broken_since is not None:
            return False
        return await self._writer.record(UnchangedCheck(
            policy.id, state.snapshot_id, outcome, started_at, policy.url))
