"""What every command needs: settings and the archive, opened on first use."""

from __future__ import annotations

from dataclasses import dataclass, field

import typer

from policywatch.settings import Settings
from storage import Archive


@dataclass
class AppContext:
    """Settings plus a lazily opened archive (the schema is upgraded when it opens)."""

    settings: Settings
    _archive: Archive | None = field(default=None, repr=False)

    @property
    def archive(self) -> Archive:
        if self._archive is None:
            self._archive = Archive.open(self.settings.database_url)
        return self._archive

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()
            self._archive = None


def app_context(ctx: typer.Context) -> AppContext:
    """The AppContext stored by the CLI callback."""
    obj = ctx.find_root().obj
    assert isinstance(obj, AppContext)
    return obj
