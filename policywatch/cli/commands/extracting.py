"""Extraction commands: ``extract`` (preview/convert pages) and ``reextract`` (rebuild history)."""

from __future__ import annotations

from datetime import UTC, datetime
import re
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import typer

from policywatch.cli.commands.history import parse_day
from policywatch.cli.context import app_context
from policywatch.errors import UsageError

_SAVED_FROM = re.compile(rb"<!--\s*saved from url=\(\d+\)(https?://\S+?)\s*-->", re.I)
_WAYBACK_IN_COMMENT = re.compile(rb"<!--.{0,400}?(https?://web\.archive\.org/web/\d{4,14}[a-z_]*/\S+?)[)\s]",
                                 re.I | re.S)


def page_url_of(body: bytes) -> str | None:
    """The address a saved page names itself: ``<base href>``, a browser's "saved from url"
    comment, or a Wayback capture URL in a leading comment (as corpus files carry)."""
    from bs4 import BeautifulSoup
    head = body[:200_000]
    base = BeautifulSoup(head, "lxml").find("base", href=True)
    href = str(base["href"]).strip() if base else ""
    if href.startswith(("http://", "https://")):
        return href
    for pattern in (_SAVED_FROM, _WAYBACK_IN_COMMENT):
        match = pattern.search(head[:4096])
        if match:
            return match.group(1).decode("ascii", "replace")
    return None


def _read_input(item: str, respect_robots: bool) -> tuple[bytes, str | None, str | None, str | None]:
    """(body, url, content type, charset) of a file path or an http(s) URL."""
    import asyncio

    from policywatch.checking.pipeline import make_fetcher
    if item.startswith(("http://", "https://")):
        async def fetch() -> tuple[bytes, str | None, str | None, str | None]:
            from policywatch.settings import Settings

            async with make_fetcher(Settings(), respect_robots=respect_robots) as fetcher:
                page = await fetcher.fetch(item)
            return page.body, page.final_url, page.content_type, page.charset
        return asyncio.run(fetch())
    path = Path(item)
    if not path.is_file():
        raise UsageError(f"no such file: {item}")
    body = path.read_bytes()
    kind = "application/pdf" if body.startswith(b"%PDF") or path.suffix.lower() == ".pdf" else "text/html"
    return body, None, kind, None


def extract(
    inputs: Annotated[list[str], typer.Argument(metavar="FILE_OR_URL...", help="Saved pages or URLs.")],
    url: Annotated[str | None, typer.Option(help="The page's original URL (default: its <base href> "
                   "or 'saved from url' comment).")] = None,
    captured_at: Annotated[str | None, typer.Option("--captured-at", help="Capture date YYYY-MM-DD for the header.")] = None,
    wayback: Annotated[bool, typer.Option("--wayback", help="Use the Wayback Machine header.")] = False,
    select: Annotated[str | None, typer.Option(help="CSS selector(s) of the policy text.")] = None,
    remove: Annotated[str | None, typer.Option(help="CSS selector(s) to drop.")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write DIR/<stem>.md for each input.")] = None,
) -> None:
    """Print the seed-style markdown of pages (header included), or write them to a folder."""
    from crawler import CrawlerError
    if output is not None:
        output.mkdir(parents=True, exist_ok=True)
    elif len(inputs) > 1:
        raise UsageError("several inputs need -o DIR")
    failures = 0
    for item in inputs:
        try:
            document = _extract_one(item, url=url, captured_at=captured_at, wayback=wayback,
                                    select=select, remove=remove)
        except (CrawlerError, UsageError) as exc:
            if output is None:
                raise
            typer.echo(f"policywatch: error: {item}: {exc}", err=True)
            failures += 1
            continue
        if output is None:
            typer.echo(document, nl=False)
        else:
            stem = Path(urlsplit(item).path).stem or "index"
            (output / f"{stem}.md").write_text(document, encoding="utf-8")
    if failures:
        raise typer.Exit(1)


def _extract_one(item: str, *, url: str | None, captured_at: str | None, wayback: bool,
                 select: str | None, remove: str | None) -> str:
    from crawler import compose_document, extract_policy, render_header, split_wayback_url
    body, fetched_url, content_type, charset = _read_input(item, respect_robots=True)
    page_url = url or fetched_url or page_url_of(body)
    if not page_url:
        raise UsageError(f"{item}: no URL known for this page (no <base href>): give --url ORIGINAL_URL")
    # Seed files quote the original's scheme ("http%3A//"): accept that form too.
    archived = split_wayback_url(page_url.replace("%3A//", "://", 1))
    original = archived[1] if archived else page_url
    timestamp = archived[0].ljust(14, "0") if archived else None
    when = parse_day(captured_at).replace(hour=0, minute=0, second=0, microsecond=0) if captured_at else (
        datetime.strptime(timestamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC) if timestamp
        else datetime.now(UTC))
    if wayback and timestamp is None:
        timestamp = when.strftime("%Y%m%d%H%M%S")
    result = extract_policy(body, url=original, content_type=content_type or "text/html",
                            charset=charset, select=select, remove=remove)
    domain = (urlsplit(original).hostname or "").removeprefix("www.")
    header = render_header(domain=domain, captured_at=when, url=original,
                           source="wayback" if (wayback or archived) else "live",
                           wayback_timestamp=timestamp)
    return compose_document(header, result.text)


def reextract(
    ctx: typer.Context,
    slugs: Annotated[list[str] | None, typer.Argument(metavar="[SLUG]...")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every policy.")] = False,
    distributed: Annotated[bool, typer.Option("--distributed", help="Queue one job per policy "
                           "for `policywatch worker` processes (PostgreSQL) instead.")] = False,
) -> None:
    """Re-run the current extractor on stored snapshots and rebuild version histories (no alerts)."""
    from policywatch.checking.reextract import reextract_policy
    archive = app_context(ctx).archive
    if all_ == bool(slugs):
        raise UsageError("name policy slugs or use --all")
    policies = archive.iter_policies() if all_ else iter([archive.policy(s) for s in slugs or []])
    if distributed:
        from policywatch.distributed.enqueue import queue_jobs
        from policywatch.distributed.jobs import REEXTRACT

        typer.echo(queue_jobs(app_context(ctx).settings, REEXTRACT,
                              [p.id for p in policies]).line("re-extraction"))
        return
    for policy in policies:
        typer.echo(f"{policy.slug}  {reextract_policy(archive, policy).line()}")


def register(app: typer.Typer) -> None:
    app.command()(extract)
    app.command()(reextract)
