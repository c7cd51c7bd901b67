"""Bulk watch-list commands: ``import FILE`` and ``export-list``."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from policywatch.cli.context import app_context
from policywatch.errors import UsageError

if TYPE_CHECKING:
    from policywatch.services.watchlists import Rejected, WatchEntry
    from policywatch.settings import Settings
    from storage import NewPolicy


async def _discover_all(settings: Settings, entries: list[WatchEntry], *,
                        ignore_robots: bool) -> tuple[list[WatchEntry], list[Rejected]]:
    """Replace homepage entries by their discovered policy URL (concurrently)."""
    import asyncio

    from crawler import CrawlerError
    from policywatch.checking.homepage import discover_policy_url
    from policywatch.services.watchlists import Rejected, WatchEntry
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
        # The homepage is kept, as `add DOMAIN` keeps it: where a move is looked for.
        found.append(WatchEntry(entry.line, hit.url, entry.name, entry.schedule,
                                entry.select, entry.remove, homepage=entry.url,
                                homepage_reason=hit.reason))

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
    """Track every policy of a watch list in one transaction: a file with invalid lines adds
    nothing (they are listed; exit code 2); duplicates are skipped and reported."""
    import asyncio

    from policywatch.services.watchlists import Rejected, Rules, WatchEntry, read_watch_list
    from policywatch.cli.output import print_json
    from storage import NewPolicy
    app = app_context(ctx)
    settings = app.settings
    rules = Rules(min_interval=settings.min_interval,
                  addresses=None if settings.allow_private_addresses else settings.address_policy())
    rejected: list[Rejected] = []
    undiscovered: list[Rejected] = []
    skipped: list[tuple[int, str, str]] = []
    added: list[str] = []
    urls: dict[int, str] = {}  # line -> URL of rows not yet stored (for skip reports)

    def pairs(rows: Iterable[WatchEntry | Rejected]) -> Iterator[tuple[int, NewPolicy]]:
        homepages: list[WatchEntry] = []

        def discovered() -> Iterator[tuple[int, NewPolicy]]:
            found, failed = asyncio.run(_discover_all(settings, homepages,
                                                      ignore_robots=ignore_robots))
            undiscovered.extend(failed)
            homepages.clear()
            for entry in found:
                urls[entry.line] = entry.url
                yield entry.line, entry.to_new_policy()

        for row in rows:
            if isinstance(row, Rejected):
                rejected.append(row)
            elif row.is_homepage and not as_given:
                homepages.append(row)
                if len(homepages) >= settings.concurrency * 4:
                    yield from discovered()
            elif not rejected:  # once a line is invalid nothing is kept: just read on
                urls[row.line] = row.url
                yield row.line, row.to_new_policy()
        if homepages and not rejected:
            yield from discovered()

    def on_added(line: int, slug: str) -> None:
        urls.pop(line, None)
        if as_json:  # a text report only counts them
            added.append(slug)

    def on_skipped(line: int, reason: str) -> None:
        skipped.append((line, urls.pop(line, ""), reason))

    with _open_watch_list(file) as stream:
        watch = read_watch_list(_progress(stream), rules)
        count, kept = app.archive.import_policies(
            pairs(watch.rows), keep=lambda: not rejected, on_added=on_added,
            on_skipped=on_skipped)
    _progress_done()
    rejected.sort(key=lambda r: r.line)
    undiscovered.sort(key=lambda r: r.line)
    if as_json:
        print_json({
            "format": watch.format,
            "added": added if kept else [],
            "duplicates": [{"line": line, "url": url, "reason": reason}
                           for line, url, reason in (skipped if kept else [])],
            "invalid": [{"line": r.line, "text": r.text, "reason": r.reason} for r in rejected],
            "undiscovered": [{"line": r.line, "text": r.text, "reason": r.reason}
                             for r in undiscovered],
        })
        if not kept:
            raise typer.Exit(2)
        return
    for r in rejected:
        typer.echo(f"invalid {r.describe()}", err=True)
    if not kept:
        raise UsageError(f"{len(rejected)} invalid line(s) in {file}: nothing imported "
                         "(fix or remove them and run again)")
    for line, url, reason in skipped:
        typer.echo(f"skipped line {line}: {reason} ({url})", err=True)
    for r in undiscovered:
        typer.echo(f"not found {r.describe()}", err=True)
    typer.echo(f"{count} added, {len(skipped)} duplicates skipped, "
               f"{len(undiscovered)} without a policy link ({watch.format} format)")


@contextmanager
def _open_watch_list(file: str) -> Iterator[Iterable[str]]:
    """The lines of FILE (or stdin for ``-``), read as they are needed; one-line errors."""
    if file == "-":
        yield _decoded(sys.stdin, "stdin")
        return
    path = Path(file)
    if not path.is_file():
        raise UsageError(f"no such file: {file}")
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise UsageError(f"cannot read {file}: {exc.strerror or exc}") from None
    with handle:
        yield _decoded(handle, file)


def _decoded(lines: Iterable[str], name: str) -> Iterator[str]:
    try:
        yield from lines
    except UnicodeDecodeError:
        raise UsageError(f"{name} is not UTF-8 text") from None


_PROGRESS_EVERY = 10_000


def _progress(lines: Iterable[str]) -> Iterator[str]:
    """Pass lines through, telling a terminal how far the import got."""
    if not sys.stderr.isatty():
        yield from lines
        return
    for number, line in enumerate(lines, 1):
        if number % _PROGRESS_EVERY == 0:
            sys.stderr.write(f"\rimporting: {number:,} lines read")
            sys.stderr.flush()
        yield line


def _progress_done() -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()


def export_list(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to FILE "
                      "instead of stdout.")] = None,
) -> None:
    """Write the watch list as CSV (url,name,every,select,remove), readable by `import`."""
    from policywatch.services.watchlists import export_csv
    policies = app_context(ctx).archive.policies()
    text = export_csv(policies)
    if output is None:
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    typer.echo(f"{len(policies)} polic{'ies' if len(policies) != 1 else 'y'} written to {output}",
               err=True)


def register(app: typer.Typer) -> None:
    app.command("import")(import_list)
    app.command("export-list")(export_list)
