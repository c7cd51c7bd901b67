"""Which version a number or a date names: the rule the ``Archive`` and the light SQLite
reader (``storage.quickread``) share, over their ``version_count`` and ``versions``."""

from __future__ import annotations

from datetime import datetime

from storage.errors import NotFound
from storage.records import VersionRecord


class VersionLookup:
    """``version(number)`` and ``version_at(when)`` for a store that counts and lists versions."""

    def version_count(self, policy_id: int, *, until: datetime | None = None) -> int:
        raise NotImplementedError

    def versions(self, policy_id: int, *, limit: int | None = None, offset: int = 0,
                 with_text: bool = True) -> list[VersionRecord]:
        raise NotImplementedError

    def version(self, policy_id: int, number: int) -> VersionRecord:
        """Version ``number`` (1-based; negative counts from the newest); raises NotFound."""
        count = self.version_count(policy_id)
        if count == 0:
            raise NotFound("no version yet: nothing was captured as the policy so far "
                           "(`policywatch check` or `backfill` records one)")
        if number < 0:
            number = count + number + 1
        # Checked against the count before it reaches SQL: 99999999999999999999 is no offset.
        if not 1 <= number <= count:
            raise NotFound(f"no version {number}")
        found = self.versions(policy_id, limit=1, offset=number - 1)
        if not found:
            raise NotFound(f"no version {number}")
        return found[0]

    def version_at(self, policy_id: int, when: datetime) -> VersionRecord:
        """The version in force at ``when`` (the last one captured at or before it)."""
        count = self.version_count(policy_id, until=when)
        if count == 0:
            raise NotFound(f"no version captured on or before {when:%Y-%m-%d}")
        return self.version(policy_id, count)
