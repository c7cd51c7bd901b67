"""Bulk watch-list commands: ``import FILE`` and ``export-list``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from policywatch.context import app_context
from policywatch.errors import UsageError

if TYPE_CHECKING:
    from policywatch.importing import Rejected, WatchEntry
    from policywatch.settings import Settings


async def _discover_all(settings: Settings, entries: list[WatchEntry], *,
                        ignore_robots: bool) -> tuple[list[WatchEntry], list[Rejected]]:
    """Replace homepage entries by their discovered policy URL (concurrently)."""
    import asyncio

    from crawler import CrawlerError
    from policywatch.discovery import discover_policy_url
    from policywatch.importing import Rejected, WatchEntry
    limit = asyncio.Semaphore(settings.concurrency)
    found: list[WatchEntry] = []
    failed: list[Rejected] = []

    async def one(entry: WatchEntry) -> None:
        async with limit:
            try:
                hit = await discover_policy_url(settings, entry.url, ignore_robots=ignore_robots)
            except CrawlerError as exc:
                failed.append(Rejected(entry.line, entry.url, f"no policy found: {exc}"))
                return
        found.append(WatchEntry(entry.line, hit.url, entry.name, entry.schedule,
                                entry.select, entry.remove))

    await asyncio.gather(*(one(e) for e in entries))
    return found, failed


def import_list(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE", help="Watch list: URLs/domains one "
                    "per line, CSV (url,name,every,select,remove) or an Open Terms Archive "
                    "declaration (JSON); - reads stdin.")],
    as_given: Annotated[bool, typer.Option("--as-given", help="Track homepages/domains as "
                        "given instead of discovering their privacy-policy link.")] = False,
    ignore_robots: Annotated[bool, typer.Option("--ignore-robots",
                             help="Ignore robots.txt while discovering policy links.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Track every policy of a watch list in one transaction; duplicates and bad lines are reported."""
    import asyncio

    from policywatch.importing import parse_watch_list
    from policywatch.output import print_json
    app = app_context(ctx)
    if file == "-":
        text = sys.stdin.read()
    else:
        path = Path(file)
        if not path.is_file():
            raise UsageError(f"no such file: {file}")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise UsageError(f"{file} is not UTF-8 text") from None
    watch = parse_watch_list(text)
    entries, rejected = watch.entries, list(watch.rejected)
    homepages = [e for e in entries if e.is_homepage] if not as_given else []
    if homepages:
        found, failed = asyncio.run(_discover_all(app.settings, homepages,
                                                  ignore_robots=ignore_robots))
        entries = sorted([e for e in entries if as_given or not e.is_homepage] + found,
                         key=lambda e: e.line)
        rejected += failed
    added, skipped = app.archive.add_policies([e.to_item() for e in entries])
    rejected.sort(key=lambda r: r.line)
    if as_json:
        print_json({
            "format": watch.format,
            "added": [p.slug for p in added],
            "duplicates": [{"line": item["line"], "url": item["url"], "reason": reason}
                           for item, reason in skipped],
            "invalid": [{"line": r.line, "text": r.text, "reason": r.reason} for r in rejected],
        })
        return
    for item, reason in skipped:
        typer.echo(f"skipped line {item['line']}: {reason} ({item['url']})", err=True)
    for r in rejected:
        typer.echo(f"invalid {r.describe()}", err=True)
    typer.echo(f"{len(added)} added, {len(skipped)} duplicates skipped, "
               f"{len(rejected)} invalid lines ({watch.format} format)")


def export_list(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to FILE "
                      "instead of stdout.")] = None,
) -> None:
    """Write the watch list as CSV (url,name,every,select,remove), readable by `import`."""
    from policywatch.importing import export_csv
    policies = app_context(ctx).archive.policies()
    text = export_csv(policies)
    if output is None:
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    typer.echo(f"{len(policies)} policies written to {output}", err=True)


def register(app: typer.Typer) -> None:
    app.command("import")(import_list)
    app.command("export-list")(export_list)
