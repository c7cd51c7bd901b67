"""Extraction fidelity and speed on the shared corpus, beside two baselines (noise: bench/noise.py).

Usage: ``.venv/bin/python bench/extraction.py [--corpus PATH] [--pages DIR ...]
[--no-corpus] [--no-baselines] [--worst N] [--check]``

``--pages DIR`` (repeatable) adds a folder of saved pages (``*.html``; URL from the
page's ``<base href>`` or a browser's "saved from url" comment, else its file URL), timed
the same way; such pages have no reference, so only speed is reported for them.

Corpora and references:

- Princeton pairs: reference = the pair's ``.md`` (Readability + html2text), header line
  dropped. Every extractor's output gets ``# <title>`` first, as the reference pipeline does.
- OTA snapshots: every version whose snapshot body is included; reference = that version's
  ``.md``. Our ``# title`` line is dropped (OTA has none). Skipped, per the corpus README:
  Microsoft Copilot versions before the 2026-01-30 upgrade (their selectors matched only
  the heading block). Buffer (several documents on one page, OTA selects the privacy
  sections) and Le Chat before 2025-12-15 (mistral.ai/terms/, several documents,
  selector ``#privacy-policy``) are multi-document pages: they are reported in their own
  row, once without selectors and once with OTA's ``select``/``remove``. References of
  fewer than 40 words (Le Chat's "Redirecting to legal.mistral.ai" stub) are skipped: we
  answer NotAPolicy there, which is right.

Metrics: token precision / recall / F1 over the multiset of lowercase ``\\w+`` tokens
(link targets ``](...)`` removed on both sides: the Princeton reference resolved relative
links against web.archive.org; OTA's literal ``<br>`` inside table cells is a space); mean
over pages. "lines" = share of the reference's
non-blank lines (whitespace-trimmed) found verbatim in the output. pages/s over all pages,
in process CPU time, extractors interleaved page by page (the machine is shared).

Speed, per page set: policywatch ``extract_policy`` on the body bytes; trafilatura as a
user calls it, ONE ``trafilatura.extract(html, url=..., output_format="markdown",
include_links=True, include_formatting=True, include_tables=True)`` call on the decoded
text (for scoring only, its title is read afterwards by ``extract_metadata``, untimed);
and the floor, ``lxml.html.document_fromstring`` of the decoded text alone (no
extractor parses faster). Decoding the body is timed with trafilatura and the floor.
Speeds are given over all pages and, where a set holds PDF bodies (OTA's Fruitz stream),
over its HTML and PDF pages apart: trafilatura reads HTML only, so the speed target
compares the HTML pages.
On OTA, repeated lines of 40+ characters count once on both sides: Le Chat's page (and
so OTA's reference) holds the whole statement twice.

Version noise over the OTA snapshot streams is measured by ``bench/noise.py``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import unquote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.errors import ExtractionError  # noqa: E402
from crawler.extract import extract_policy  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
WORD = re.compile(r"\w+")
LINK_TARGET = re.compile(r"\]\([^)]*\)")
HTML_BREAK = re.compile(r"<br\s*/?>", re.I)    # OTA writes line breaks in table cells so
MULTI_DOCUMENT = {"buffer-privacy-policy"}
LECHAT_MOVE = "20251215"
LECHAT_PRE_MOVE_SELECT = "#privacy-policy"     # from the corpus README; not in meta.json
COPILOT_UPGRADE = "20260130"
MIN_REFERENCE_WORDS = 40


@dataclass
class Page:
    """One benchmark page: body, URL, reference text and how to compare."""

    corpus: str
    name: str
    body: bytes
    url: str
    reference: str
    keep_title: bool
    group: str
    select: str | None = None
    remove: str | None = None


@dataclass
class Scores:
    """Accumulated scores of one extractor on one group of pages."""

    p: list[float] = field(default_factory=list)
    r: list[float] = field(default_factory=list)
    f: list[float] = field(default_factory=list)
    lines: list[float] = field(default_factory=list)
    failures: int = 0
    count: int = 0              # pages timed
    seconds: float = 0.0
    pdf_pages: int = 0          # of the pages timed, PDF bodies (trafilatura reads HTML only)
    pdf_seconds: float = 0.0
    worst: list[tuple[float, str]] = field(default_factory=list)


def tokens(text: str) -> Counter[str]:
    text = HTML_BREAK.sub(" ", LINK_TARGET.sub("]", text))
    return Counter(WORD.findall(text.lower()))


def once(text: str) -> str:
    """Drop repeated long lines (a page or a reference holding the document twice)."""
    seen: set[str] = set()
    kept = []
    for line in text.split("\n"):
        key = line.strip()
        if len(key) >= 40:
            if key in seen:
                continue
            seen.add(key)
        kept.append(line)
    return "\n".join(kept)


def prf(reference: str, candidate: str, *, dedupe: bool = False) -> tuple[float, float, float]:
    if dedupe:
        reference, candidate = once(reference), once(candidate)
    ref, cand = tokens(reference), tokens(candidate)
    common = sum((ref & cand).values())
    p = common / max(1, sum(cand.values()))
    r = common / max(1, sum(ref.values()))
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def verbatim_lines(reference: str, candidate: str) -> float:
    ref = [ln.strip() for ln in reference.split("\n") if ln.strip()]
    have = {ln.strip() for ln in candidate.split("\n")}
    return sum(ln in have for ln in ref) / max(1, len(ref))


def drop_first_line(text: str) -> str:
    return text.split("\n", 1)[1] if "\n" in text else ""


# --- corpora -----------------------------------------------------------------------------


def princeton_pages(corpus: Path) -> list[Page]:
    pages = []
    for line in (corpus / "princeton" / "index.jsonl").read_text().splitlines():
        row = json.loads(line)
        url = unquote(row["wayback_url"].split("id_/", 1)[1])
        ref = (corpus / "princeton" / row["md"]).read_text(encoding="utf-8")
        ref = ref.split("\n", 2)[2] if ref.startswith(">") else ref
        body = (corpus / "princeton" / row["html"]).read_bytes()
        pages.append(Page("princeton", row["domain"], body, url, ref, True, "princeton"))
    return pages


def ota_pages(corpus: Path) -> list[Page]:
    pages = []
    for folder in sorted((corpus / "ota").iterdir()):
        if not folder.is_dir():
            continue
        meta = json.loads((folder / "meta.json").read_text())
        snapshots = [json.loads(x) for x in (folder / "snapshots.jsonl").read_text().splitlines()]
        urls = {s["file"]: s["url"] for s in snapshots if s.get("file")}
        for line in (folder / "versions.jsonl").read_text().splitlines():
            version = json.loads(line)
            snap = version.get("snapshot_file")
            if not snap or not (folder / snap).exists():
                continue
            stamp = version["snapshot_timestamp"]
            slug = folder.name
            if slug.startswith("microsoft-copilot") and stamp < COPILOT_UPGRADE:
                continue
            multi = slug in MULTI_DOCUMENT or (slug.startswith("le-chat")
                                               and stamp < LECHAT_MOVE)
            select, remove = _declaration(meta, stamp) if multi else (None, None)
            body = gzip.decompress((folder / snap).read_bytes())
            ref = (folder / version["file"]).read_text(encoding="utf-8")
            if len(WORD.findall(ref)) < MIN_REFERENCE_WORDS:
                continue        # e.g. a "Redirecting to ..." stub recorded as a version
            pages.append(Page("ota", f"{slug}@{stamp}", body, urls.get(snap, meta["url"]),
                              ref, False, "ota-multi" if multi else "ota", select, remove))
    return pages


BASE_HREF = re.compile(rb"<base\s[^>]*?href\s*=\s*[\"']?(https?://[^\"'\s>]+)", re.I)
SAVED_FROM = re.compile(rb"<!--\s*saved from url=\(\d+\)(https?://\S+?)\s*-->", re.I)


def folder_pages(folder: Path) -> list[Page]:
    """Every ``*.html`` of a folder of saved pages (no reference: speed only).

    URL: the page's ``<base href>`` or a browser's "saved from url" comment, else its file URL.
    """
    pages = []
    for path in sorted(folder.glob("*.html")):
        body = path.read_bytes()
        head = body[:200_000]
        match = BASE_HREF.search(head) or SAVED_FROM.search(head[:4096])
        url = match.group(1).decode("ascii", "replace") if match else path.resolve().as_uri()
        pages.append(Page("pages", path.name, body, url, "", True, "pages"))
    return pages


def _declaration(meta: dict, stamp: str) -> tuple[str | None, str | None]:
    """OTA's select/remove CSS in force at ``stamp`` (string selectors only)."""
    if meta.get("url", "").startswith("https://legal.mistral.ai") and stamp < LECHAT_MOVE:
        return LECHAT_PRE_MOVE_SELECT, None
    entry = meta.get("declaration")
    for past in meta.get("declaration_history") or []:
        until = (past.get("validUntil") or past.get("ValidUntil") or "").replace("-", "")
        if until and stamp[:8] < until[:8]:
            entry = past
            break
    if not entry:
        return None, None

    def css(value: object) -> str | None:
        items = value if isinstance(value, list) else [value] if value else []
        strings = [x for x in items if isinstance(x, str)]
        return ", ".join(strings) or None

    return css(entry.get("select")), css(entry.get("remove"))


# --- extractors ---------------------------------------------------------------------------


def ours(page: Page, *, selectors: bool = False) -> str:
    extracted = extract_policy(page.body, url=page.url,
                               select=page.select if selectors else None,
                               remove=page.remove if selectors else None)
    return extracted.text


def readability_html2text(page: Page) -> str:
    import html2text
    from readability import Document

    doc = Document(page.body.decode("utf-8", "replace"), url=page.url)
    conv = html2text.HTML2Text(baseurl=page.url, bodywidth=0)
    conv.unicode_snob = True
    return f"# {doc.title()}\n\n" + conv.handle(doc.summary(html_partial=True))


def trafilatura_md(page: Page) -> str:
    """One ``extract()`` call, as a user makes it (the title is added untimed, in score)."""
    import trafilatura

    html = page.body.decode("utf-8", "replace")
    return trafilatura.extract(html, url=page.url, output_format="markdown",
                               include_links=True, include_formatting=True,
                               include_tables=True) or ""


def trafilatura_title(page: Page) -> str:
    """trafilatura's title for the page, for scoring only (not timed)."""
    import trafilatura

    meta = trafilatura.extract_metadata(page.body.decode("utf-8", "replace"))
    return (meta.title if meta else "") or ""


def lxml_floor(page: Page) -> str:
    """Parsing alone: what any lxml-based extractor pays before doing anything."""
    import lxml.html

    lxml.html.document_fromstring(page.body.decode("utf-8", "replace"))
    return ""


TRAFILATURA = "trafilatura (1 call)"
FLOOR = "lxml parse (floor)"


def score(pages: list[Page], runs: list[tuple[str, Callable[[Page], str]]],
          worst: int) -> dict[str, dict[str, Scores]]:
    """Scores per extractor and page group. Extractors run interleaved page by page and
    are timed in process CPU time, so a busy machine slows them all alike. Pages without
    a reference (``--pages``) are timed only."""
    import lxml.html  # noqa: F401  (imported before timing starts)

    results: dict[str, dict[str, Scores]] = {name: {} for name, _ in runs}
    for page in pages:
        for name, run in runs:
            sc = results[name].setdefault(page.group, Scores())
            start = time.process_time()
            try:
                out = run(page)
            except ExtractionError:
                out = ""
                sc.failures += 1
            except Exception:       # a baseline's own crash (readability on odd markup)
                if name.startswith("policywatch"):
                    raise
                out = ""
                sc.failures += 1
            spent = time.process_time() - start
            sc.count += 1
            sc.seconds += spent
            if page.body.lstrip()[:5] == b"%PDF-":
                sc.pdf_pages += 1
                sc.pdf_seconds += spent
            if not page.reference:
                continue
            if name == TRAFILATURA:
                out = f"# {trafilatura_title(page)}\n\n{out}"
            cand = out if page.keep_title else drop_first_line(out)
            p, r, f = prf(page.reference, cand, dedupe=page.corpus == "ota")
            sc.p.append(p)
            sc.r.append(r)
            sc.f.append(f)
            sc.lines.append(verbatim_lines(page.reference, cand))
            sc.worst.append((f, page.name))
    for groups in results.values():
        for sc in groups.values():
            sc.worst = sorted(sc.worst)[:worst]
    return results


# --- report --------------------------------------------------------------------------------


def mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--no-corpus", action="store_true", help="only the --pages folders")
    parser.add_argument("--pages", type=Path, action="append", default=[],
                        help="a folder of saved *.html pages (speed only); repeatable")
    parser.add_argument("--no-baselines", action="store_true",
                        help="skip readability and trafilatura (the lxml floor still runs)")
    parser.add_argument("--worst", type=int, default=3)
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a target below is missed (for CI)")
    args = parser.parse_args()
    results: dict[str, float] = {}

    sets: list[tuple[str, list[Page]]] = []
    if not args.no_corpus:
        sets.append(("corpus", princeton_pages(args.corpus) + ota_pages(args.corpus)))
    for folder in args.pages:
        if not folder.is_dir():
            raise SystemExit(f"extraction: no folder {folder}")
        found = folder_pages(folder)
        if not found:
            raise SystemExit(f"extraction: no *.html pages in {folder}")
        sets.append((str(folder), found))
    extractors: list[tuple[str, Callable[[Page], str]]] = [("policywatch", ours)]
    if not args.no_baselines:
        extractors += [("readability+html2text", readability_html2text),
                       (TRAFILATURA, trafilatura_md)]
    extractors.append((FLOOR, lxml_floor))

    speed_rows: list[tuple[str, int, dict[str, float]]] = []
    for label, pages in sets:
        scored = score(pages, extractors, args.worst)
        speed_rows.append((label, len(pages), _speeds(scored, pdf=None)))
        pdfs = sum(p.body.lstrip()[:5] == b"%PDF-" for p in pages)
        if pdfs:
            speed_rows.append((f"{label}, HTML pages", len(pages) - pdfs,
                               _speeds(scored, pdf=False)))
            speed_rows.append((f"{label}, PDF pages", pdfs, _speeds(scored, pdf=True)))
        if label == "corpus":
            report_fidelity(pages, scored, extractors, args, results)
            html = _speeds(scored, pdf=False)
            if html.get(TRAFILATURA):
                results["speed vs trafilatura"] = html["policywatch"] / html[TRAFILATURA]

    print("\nspeed, pages/s (process CPU time, interleaved page by page):\n")
    names = [n for n, _ in extractors if n != "readability+html2text"] + \
        [n for n, _ in extractors if n == "readability+html2text"]
    print("| pages | n | " + " | ".join(names) + " | policywatch / trafilatura |")
    print("|---|---|" + "---|" * len(names) + "---|")
    for label, n, speeds in speed_rows:
        ratio = f"{speeds['policywatch'] / speeds[TRAFILATURA]:.1f}x" \
            if speeds.get(TRAFILATURA) else "-"
        print(f"| {label} | {n} | " + " | ".join(f"{speeds.get(x, 0.0):.1f}" for x in names)
              + f" | {ratio} |")
    failed = report_targets(results)
    if args.check and failed:
        raise SystemExit(1)


def _speeds(scored: dict[str, dict[str, Scores]], *, pdf: bool | None) -> dict[str, float]:
    """pages/s of each extractor over all pages (``pdf=None``), HTML or PDF pages only."""
    speeds = {}
    for name, groups in scored.items():
        if pdf is None:
            pages = sum(g.count for g in groups.values())
            seconds = sum(g.seconds for g in groups.values())
        elif pdf:
            pages = sum(g.pdf_pages for g in groups.values())
            seconds = sum(g.pdf_seconds for g in groups.values())
        else:
            pages = sum(g.count - g.pdf_pages for g in groups.values())
            seconds = sum(g.seconds - g.pdf_seconds for g in groups.values())
        if pages and seconds:
            speeds[name] = pages / seconds
    return speeds


def report_fidelity(pages: list[Page], scored: dict[str, dict[str, Scores]],
                    extractors: list[tuple[str, Callable[[Page], str]]],
                    args: argparse.Namespace, results: dict[str, float]) -> None:
    """The fidelity table on the corpus (pages with references)."""
    print(f"pages: {len(pages)} ({sum(p.corpus == 'princeton' for p in pages)} Princeton, "
          f"{sum(p.corpus == 'ota' for p in pages)} OTA versions)\n")
    header = f"| {'corpus':<22} | {'extractor':<24} | {'n':>3} | {'P':>5} | {'R':>5} | " \
             f"{'F1':>5} | {'lines':>5} | {'fail':>4} | {'pages/s':>7} |"
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    worst_report: list[str] = []
    scored["policywatch + OTA selectors"] = score(
        [p for p in pages if p.group == "ota-multi"],
        [("policywatch + OTA selectors", lambda p: ours(p, selectors=True))],
        args.worst)["policywatch + OTA selectors"]
    names = [extractors[0][0], "policywatch + OTA selectors"] + \
        [n for n, _ in extractors[1:] if n != FLOOR]
    for name in names:
        groups = scored[name]
        for group in ("princeton", "ota", "ota-multi"):
            if group not in groups:
                continue
            sc = groups[group]
            pps = len(sc.f) / sc.seconds if sc.seconds else 0.0
            lines = f"{mean(sc.lines):5.3f}" if group == "princeton" else "    -"
            print(f"| {group:<22} | {name:<24} | {len(sc.f):>3} | {mean(sc.p):5.3f} | "
                  f"{mean(sc.r):5.3f} | {mean(sc.f):5.3f} | {lines} | {sc.failures:>4} | "
                  f"{pps:7.1f} |")
            if name == "policywatch":
                results[f"{group} F1"] = mean(sc.f)
                results[f"{group} lines"] = mean(sc.lines)
                worst_report.append(f"  {group}: " + ", ".join(
                    f"{n} {f:.3f}" for f, n in sc.worst))
    print("worst pages (policywatch F1):")
    print("\n".join(worst_report))


# Targets from issues 3, 11 and 14 (the pinned baseline this bench checks against); the
# speed target counts trafilatura as one extract() call, on the corpus pages.
TARGETS: dict[str, tuple[float, str]] = {
    "princeton F1": (0.99, ">="),
    "princeton lines": (0.95, ">="),
    "ota F1": (0.99, ">="),
    "speed vs trafilatura": (3.0, ">="),
}


def report_targets(results: dict[str, float]) -> bool:
    """Print each target beside its measured value; True when one is missed."""
    print("\ntargets:")
    failed = False
    for key, (limit, op) in TARGETS.items():
        if key not in results:
            continue
        value = results[key]
        ok = value >= limit if op == ">=" else value <= limit
        failed |= not ok
        print(f"  {key:<22} {value:8.3f} {op} {limit:<5} {'ok' if ok else 'MISSED'}")
    return failed


if __name__ == "__main__":
    main()
