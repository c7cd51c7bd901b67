"""What every command needs: settings and the archive, opened on first use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:  # imported when used: `policywatch --help` must not load SQLAlchemy
    from policywatch.settings import Settings
    from storage import Archive
    from storage.quickread import QuickReader


@dataclass
class AppContext:
    """Settings, loaded and checked on first use (so `COMMAND --help` needs no pydantic),
    plus a lazily opened archive (the schema is upgraded when it opens)."""

    load_settings: Callable[[], Settings]
    database: str | None = None  # --db
    _settings: Settings | None = field(default=None, repr=False)
    _archive: Archive | None = field(default=None, repr=False)
    _reader: QuickReader | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = self.load_settings()
        return self._settings

    @property
    def archive(self) -> Archive:
        if self._archive is None:
            from storage import Archive

            self._archive = Archive.open(self.settings.database_url)
        return self._archive

    @property
    def reader(self) -> Archive | QuickReader:
        """Read-only access for commands run in loops (`list`, `show`): on a SQLite database
        whose schema is current, the stdlib reader (no SQLAlchemy, and of the settings only
        the database location); otherwise the archive. A missing SQLite file is NotFound,
        never created."""
        if self._reader is None and self._archive is None:
            from policywatch.locations import database_url
            from storage.quickread import open_reader

            url = self._settings.database_url if self._settings else database_url(self.database)
            if url is not None:
                self._reader = open_reader(url)
        return self._reader or self.archive

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._archive is not None:
            self._archive.close()
            self._archive = None


def app_context(ctx: typer.Context) -> AppContext:
    """The AppContext stored by the CLI callback."""
    obj = ctx.find_root().obj
    assert isinstance(obj, AppContext)
    return obj
