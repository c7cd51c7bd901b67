"""Where a policy lived: ``urls``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from policywatch.cli.context import app_context

if TYPE_CHECKING:
    from policywatch.cli.context import AppContext
    from policywatch.checking.corpus import CorpusProgress


def urls(
    ctx: typer.Context,
    slug: str,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """Every URL a policy had (moves, redirects), with its first and last capture."""
    from policywatch.checking.moves import policy_urls
    from policywatch.cli.output import print_json, when
    archive = app_context(ctx).archive
    policy = archive.policy(slug)
    found = policy_urls(archive, policy)
    if as_json:
        print_json([u.to_dict() for u in found])
        return
    from rich.table import Table
    from policywatch.cli.output import console
    table = Table("url", "source", "first capture", "last capture", "captures", "current",
                  "homepage capture")
    for u in found:
        table.add_row(u.url, str(u.source), when(u.first), when(u.last), str(u.captures),
                      "yes" if u.current else "", u.homepage_capture or "-")
    console.print(table)


def corpus(
    ctx: typer.Context,
    domains_file: Annotated[Path, typer.Argument(metavar="DOMAINS_FILE", help="Domains, one "
                            "a line (# comments); - reads stdin.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Corpus folder: "
                      "DIR/DOMAIN/YYYY-MM-DD.md, DIR/index.jsonl, DIR/no-policy.jsonl.")],
    from_: Annotated[str | None, typer.Option("--from", help="Oldest capture: YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    to: Annotated[str | None, typer.Option(help="Newest capture: YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    every: Annotated[str, typer.Option(help="One homepage and policy capture per interval: 6mo, 1y, 30d, 2w (d, w, mo, y).")] = "6mo",
    distributed: Annotated[bool, typer.Option("--distributed", help="Queue one job per domain "
                           "for `policywatch worker` processes (PostgreSQL), wait for them "
                           "and export what they found.")] = False,
    wait: Annotated[bool, typer.Option("--wait/--no-wait", help="With --distributed: wait "
                    "until every job has run (--no-wait: queue, export what is finished, "
                    "return; run again to resume).")] = True,
) -> None:
    """Build a research corpus: each domain's policy from its archived homepages, every
    URL it had, as seed files plus an index; resumable (a re-run skips finished domains)."""
    import asyncio
    import sys

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from policywatch.cli.commands.archiving import _bound
    from policywatch.checking.corpus import CorpusProgress, build_corpus, read_domains
    from policywatch.errors import UsageError
    from policywatch.cli.output import err_console
    from policywatch.checking.wayback_client import make_wayback_client
    app = app_context(ctx)
    start, end = _bound(from_, end=False), _bound(to, end=True)
    if start and end and start > end:
        raise UsageError(f"--from {from_} is after --to {to}")
    from policywatch.intervals import sampling_period
    sampling_period(every)  # UsageError naming the grammar, before any work
    if str(domains_file) == "-":
        domains = read_domains(sys.stdin)
    elif not domains_file.is_file():
        raise UsageError(f"no such file: {domains_file}")
    else:
        domains = read_domains(domains_file.read_text(encoding="utf-8-sig").splitlines())
    if not domains:
        raise UsageError(f"no domains in {domains_file}")

    if distributed:
        result = _distributed(app, domains, output, start, end, every, wait)
        _report(result)
        if result.failed:
            raise typer.Exit(1)
        return

    async def run() -> CorpusProgress:
        async with make_wayback_client(app.settings) as client:
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TextColumn("{task.fields[counts]}"), TimeRemainingColumn(),
                          console=err_console, transient=False) as bar:
                task = bar.add_task("domains", total=len(domains), counts="")

                def show(p: CorpusProgress, domain: str) -> None:
                    bar.update(task, completed=p.done,
                               counts=f"{p.captures} captures, {p.files} files; {domain}")
                return await build_corpus(app.archive, client, domains, output, from_=start,
                                          to=end, every=every, on_progress=show)

    _report(asyncio.run(run()))


def _report(result: CorpusProgress) -> None:
    for domain, reason in result.no_policy:
        typer.echo(f"no policy  {domain}: {reason}", err=True)
    for domain in result.failed:
        typer.echo(f"failed  {domain}: its job failed or was cancelled (see `policywatch "
                   "queue-shell`); a re-run queues it again", err=True)
    if result.pending:
        typer.echo(f"{result.pending} domain(s) still queued: run the same command again "
                   "to export them once the workers are done", err=True)
    typer.echo(result.line())


def _distributed(app: AppContext, domains: list[str], output: Path, start: str | None,
                 end: str | None, every: str, wait: bool) -> CorpusProgress:
    """``corpus --distributed``: see ``policywatch.distributed.corpus``."""
    import asyncio

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from policywatch.distributed.app import conninfo
    from policywatch.distributed.corpus import build_distributed
    from policywatch.cli.output import err_console

    conninfo(app.settings.database_url)  # PostgreSQL only: one line before any output

    async def run() -> CorpusProgress:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.fields[counts]}"), TimeRemainingColumn(),
                      console=err_console, transient=False) as bar:
            task = bar.add_task("domains", total=len(domains), counts="queueing")

            def show(p: CorpusProgress) -> None:
                bar.update(task, completed=p.done,
                           counts=f"{p.pending} queued, {p.captures} captures fetched, "
                                  f"{p.files} files, {len(p.failed)} failed")
            return await build_distributed(app.settings, app.archive, domains, output,
                                           from_=start, to=end, every=every, wait=wait,
                                           on_progress=show)
    try:
        return asyncio.run(run())
    except KeyboardInterrupt:
        typer.echo("stopped waiting: the jobs stay queued; run the same command again to "
                   "export what the workers finish", err=True)
        raise typer.Exit(130) from None


def register(app: typer.Typer) -> None:
    app.command()(urls)
    app.command()(corpus)
