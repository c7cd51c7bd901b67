"""Version noise: how many versions policywatch makes from real snapshot streams.

Usage: ``.venv/bin/python bench/noise.py [--corpus DIR] [--stream SLUG ...] [--check]``

``DIR`` is any folder of Open Terms Archive-style streams (``DIR/ota/<slug>/`` or
``DIR/<slug>/``, each with ``snapshots.jsonl``, ``snapshots/`` and ``versions.jsonl`` as
described in the shared corpus README); default ``../shared/corpus``.

Every included body of a stream is extracted in capture order exactly as a new user's
``policywatch backfill`` would (no per-stream selectors; A/B/A repeats included), and a
version is counted whenever the text's identity (``crawler.extract`` ``identity``, the
rule the archive's timeline uses) differs from the previous version's. Every version
counts, formatting-only ones too: they are what a reader of the history sees.

Beside it: the curated versions (OTA's ``first`` + ``change``), the curated changes we
missed (our identity at OTA's change snapshot equals ours at the included snapshot just
before it; OTA changes that only touch link targets, whitespace or Cloudflare's email
placeholder, or only images, are "cosmetic" and not expected), and each of our versions that OTA did not
see change, with the reason read off the diff: ``title`` (first line only), ``space``,
``link`` (link targets only), ``markup``, ``widget`` (only short control-like lines
came or went), ``block`` (a block of text came or went: an overlay, another document),
``text`` (other wording). Versions after OTA's last curated version (OTA stopped
recording) are listed as ``later`` and not judged.

Targets (issue 11): per stream, versions up to the end of the curated record <= 1.15 x
curated + 1, and at most one missed change. ``--check`` exits 1 when one is missed.
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.errors import ExtractionError  # noqa: E402
from crawler.extract import extract_policy  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
LINK_TARGET = re.compile(r"\]\([^)]*\)")
MARKUP = re.compile(r"[*_#>|`\\\[\]-]+")
# Cloudflare's e-mail placeholder (brackets and escapes dropped first), with any letters
# the page wrote next to it ("pr[email protected]" is "privacy@..."), or a plain address.
CF_PLACEHOLDER = re.compile(
    r"[\w.+-]*email(?:\s|\xa0|&#160;)*protected\w*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
BRACKETS = re.compile(r"[\[\]\\]")
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")    # images are not text (the extractor drops them)
WIDGET_LINE_WORDS = 4
RATIO = 1.15


@dataclass
class Stream:
    """What the benchmark measured on one stream."""

    slug: str
    fed: int = 0
    curated: int = 0
    ours: int = 0
    checked: int = 0
    cosmetic: int = 0
    missed: list[str] = field(default_factory=list)
    phantoms: Counter[str] = field(default_factory=Counter)
    later: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def limit(self) -> float:
        return RATIO * self.curated + 1

    @property
    def judged(self) -> int:
        """Our versions up to the end of the curated record (the ones a target can judge)."""
        return self.ours - self.later

    @property
    def ok(self) -> bool:
        return self.judged <= self.limit and len(self.missed) <= 1


def streams_in(corpus: Path) -> list[Path]:
    """Stream folders under ``corpus`` (``corpus/ota/*`` or ``corpus/*``)."""
    root = corpus / "ota" if (corpus / "ota").is_dir() else corpus
    return sorted(p for p in root.iterdir() if (p / "snapshots.jsonl").exists())


def _jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _norm_curated(text: str) -> str:
    text = BRACKETS.sub("", LINK_TARGET.sub("", IMAGE.sub("", text)))
    return " ".join(CF_PLACEHOLDER.sub("EMAIL", text).split())


def reason(old: str, new: str) -> str:
    """Why two consecutive texts differ, read off the diff (see module doc)."""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    if old_lines[1:] == new_lines[1:]:
        return "title"
    if " ".join(old.split()) == " ".join(new.split()):
        return "space"
    if " ".join(LINK_TARGET.sub("]", old).split()) == " ".join(LINK_TARGET.sub("]", new).split()):
        return "link"
    if " ".join(MARKUP.sub(" ", LINK_TARGET.sub("]", old)).split()) == \
            " ".join(MARKUP.sub(" ", LINK_TARGET.sub("]", new)).split()):
        return "markup"
    before, after = Counter(l.strip() for l in old_lines[1:] if l.strip()), \
        Counter(l.strip() for l in new_lines[1:] if l.strip())
    changed = list((before - after).elements()) + list((after - before).elements())
    if changed and all(len(MARKUP.sub(" ", LINK_TARGET.sub("]", l)).split()) <= WIDGET_LINE_WORDS
                       for l in changed):
        return "widget"
    gone, came = before - after, after - before
    if not gone or not came:
        return "block"
    return "text"


def measure(folder: Path) -> Stream:
    """Feed one stream's included bodies in order; count versions and judge each one."""
    result = Stream(folder.name)
    snapshots = _jsonl(folder / "snapshots.jsonl")
    versions = _jsonl(folder / "versions.jsonl")
    curated = [v for v in versions if v.get("kind") in ("first", "change")]
    result.curated = len(curated)
    last_curated = max((v["snapshot_timestamp"] for v in curated), default="")
    curated_texts = {v["file"]: (folder / v["file"]).read_text(encoding="utf-8")
                     for v in curated if (folder / v["file"]).exists()}
    # OTA's version in force at a time: the last curated version at or before it.
    in_force = sorted((v["snapshot_timestamp"], v["file"]) for v in curated)

    def curated_at(stamp: str) -> str | None:
        current = None
        for when, file in in_force:
            if when > stamp:
                break
            current = file
        return _norm_curated(curated_texts[current]) if current in curated_texts else None

    cache: dict[str, tuple[str, str] | None] = {}
    fed: list[tuple[str, tuple[str, str] | None]] = []    # (timestamp, (identity, text))
    start = time.process_time()
    for snap in snapshots:
        file = snap.get("file")
        if not file or not (folder / file).exists():
            continue
        if file not in cache:
            body = gzip.decompress((folder / file).read_bytes())
            try:
                extracted = extract_policy(body, url=snap["url"],
                                           content_type=snap.get("mimetype") or "text/html")
                cache[file] = (extracted.identity, extracted.text)
            except ExtractionError as exc:
                cache[file] = None
                result.failures[exc.reason] += 1
        fed.append((snap["timestamp"], cache[file]))
    result.seconds = time.process_time() - start
    result.fed = len(fed)

    previous: tuple[str, str, str] | None = None        # (identity, text, timestamp)
    for stamp, got in fed:
        if got is None or (previous is not None and got[0] == previous[0]):
            continue
        result.ours += 1
        if previous is not None:
            if stamp > last_curated:
                result.later += 1
            elif curated_at(stamp) == curated_at(previous[2]):
                result.phantoms[reason(previous[1], got[1])] += 1
        previous = (got[0], got[1], stamp)

    # Curated changes: did our identity change at that snapshot?
    position = {stamp: i for i, (stamp, _) in enumerate(fed)}
    for before, version in zip(curated, curated[1:]):
        i = position.get(version["snapshot_timestamp"])
        if version["kind"] != "change" or i is None or i == 0:
            continue
        if _norm_curated(curated_texts.get(before["file"], "")) == \
                _norm_curated(curated_texts.get(version["file"], "")):
            result.cosmetic += 1
            continue
        result.checked += 1
        ours_then, ours_before = fed[i][1], fed[i - 1][1]
        if ours_then is not None and ours_before is not None and ours_then[0] == ours_before[0]:
            result.missed.append(version["snapshot_timestamp"])
    return result


def report(results: list[Stream]) -> bool:
    """Print the table and totals; True when every stream meets the targets."""
    print("| stream | fed | curated | ours (judged) | limit | missed / checked | cosmetic | "
          "phantoms (reason) | later | not a policy | s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        phantoms = ", ".join(f"{k} {v}" for k, v in r.phantoms.most_common()) or "-"
        failures = ", ".join(f"{k} {v}" for k, v in r.failures.most_common()) or "-"
        missed = f"{len(r.missed)} / {r.checked}" + (f" ({', '.join(r.missed)})" if r.missed else "")
        print(f"| {r.slug}{'' if r.ok else ' **MISSED**'} | {r.fed} | {r.curated} | {r.ours} ({r.judged}) | "
              f"{r.limit:.1f} | {missed} | {r.cosmetic} | {phantoms} | {r.later} | {failures} | "
              f"{r.seconds:.1f} |")
    curated = sum(r.curated for r in results)
    ours = sum(r.ours for r in results)
    phantoms = sum(sum(r.phantoms.values()) for r in results)
    missed = sum(len(r.missed) for r in results)
    ok = all(r.ok for r in results)
    judged = sum(r.judged for r in results)
    print(f"\nall: {len(results)} streams, {ours} versions ({judged} within the curated "
          f"records) for {curated} curated ({judged / max(1, curated):.2f}x), {phantoms} phantom, "
          f"{sum(r.later for r in results)} after the curated record ends, {missed} missed; "
          f"streams within target: {sum(r.ok for r in results)}/{len(results)}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--stream", action="append", default=[],
                        help="only these stream folders (by name); repeatable")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"noise: no folder of streams at {args.corpus}")
    folders = [f for f in streams_in(args.corpus) if not args.stream or f.name in args.stream]
    if not folders:
        raise SystemExit(f"noise: no streams found under {args.corpus}")
    ok = report([measure(f) for f in folders])
    if args.check and not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
