"""What every command needs: settings and the archive, opened on first use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:  # imported when used: `policywatch --help` must not load SQLAlchemy
    from policywatch.settings import Settings
    from storage import Archive


@dataclass
class AppContext:
    """Settings, loaded and checked on first use (so `COMMAND --help` needs no pydantic),
    plus a lazily opened archive (the schema is upgraded when it opens)."""

    load_settings: Callable[[], Settings]
    _settings: Settings | None = field(default=None, repr=False)
    _archive: Archive | None = field(default=None, repr=False)

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

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()
            self._archive = None


def app_context(ctx: typer.Context) -> AppContext:
    """The AppContext stored by the CLI callback."""
    obj = ctx.find_root().obj
    assert isinstance(obj, AppContext)
    return obj
