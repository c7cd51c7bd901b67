"""``diff``: clause-level changes between two versions of a policy, or two markdown files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from policywatch.cli.context import app_context
from policywatch.errors import UsageError


def diff(
    ctx: typer.Context,
    slug: Annotated[str | None, typer.Argument(help="Policy slug (or use --files).")] = None,
    from_: Annotated[int | None, typer.Option("--from", help="Old version number (default: the one before --to).")] = None,
    to: Annotated[int | None, typer.Option("--to", help="New version number (default: the one after --from, else the newest).")] = None,
    files: Annotated[tuple[Path, Path] | None, typer.Option("--files", help="Compare two markdown files: OLD.md NEW.md.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, json or html.")] = "text",
) -> None:
    """Show what changed between two versions: added, removed, modified and moved clauses."""
    from diffing import FORMATS, diff_texts, render
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}: use one of {', '.join(sorted(FORMATS))}")
    if files:
        if slug:
            raise UsageError("give a slug or --files, not both")
        old_path, new_path = files
        for path in files:
            if not path.is_file():
                raise UsageError(f"no such file: {path}")
        report = diff_texts(old_path.read_text(encoding="utf-8"), new_path.read_text(encoding="utf-8"),
                            old_meta={"file": str(old_path)}, new_meta={"file": str(new_path)})
    else:
        if not slug:
            raise UsageError("name a policy slug, or use --files OLD.md NEW.md")
        from policywatch.services.compare import compare
        archive = app_context(ctx).archive
        report = compare(archive, archive.policy(slug), from_, to).report
    color = fmt == "text" and sys.stdout.isatty()
    typer.echo(render(report, fmt, color=color), nl=False)


def register(app: typer.Typer) -> None:
    app.command()(diff)
