"""Golden outputs of ``extract_policy``: record them once, then check a change keeps them.

Usage::

    .venv/bin/python bench/golden.py save /tmp/golden.json.gz [--corpus DIR] [--pages DIR ...]
    .venv/bin/python bench/golden.py compare /tmp/golden.json.gz [--corpus DIR] [--pages DIR ...]

Pages: every Princeton ``.html`` of the corpus, every included OTA snapshot body (URL from
``snapshots.jsonl``, content type from its ``mimetype``; multi-document pages also once
with OTA's ``select``/``remove``, as ``bench/extraction.py`` runs them), and every
``*.html`` of each ``--pages`` folder (URL from ``<base href>`` or a "saved from"
comment, else a file URL). ``--no-corpus`` leaves the corpus out.

Each output is stored as its text, identity, note, or the error's reason. ``compare``
prints how many pages are byte-identical, shows the first differences as a unified diff,
and exits 1 when any page differs.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import json
import sys
import time
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.extraction import REPO, _declaration, folder_pages, LECHAT_MOVE, MULTI_DOCUMENT  # noqa: E402
from crawler.errors import ExtractionError  # noqa: E402
from crawler.extract import extract_policy  # noqa: E402

Job = tuple[str, bytes, str, str, "str | None", "str | None"]   # key, body, url, type, select, remove


def corpus_jobs(corpus: Path) -> Iterator[Job]:
    """Princeton pages, then every included OTA body (and multi-document ones with selectors)."""
    princeton = corpus / "princeton"
    if (princeton / "index.jsonl").exists():
        from urllib.parse import unquote
        for line in (princeton / "index.jsonl").read_text().splitlines():
            row = json.loads(line)
            url = unquote(row["wayback_url"].split("id_/", 1)[1])
            yield (f"princeton/{row['html']}", (princeton / row["html"]).read_bytes(), url,
                   "text/html", None, None)
    root = corpus / "ota"
    if not root.is_dir():
        return
    for folder in sorted(root.iterdir()):
        if not (folder / "snapshots.jsonl").exists():
            continue
        meta = json.loads((folder / "meta.json").read_text())
        seen: set[str] = set()
        for line in (folder / "snapshots.jsonl").read_text().splitlines():
            snap = json.loads(line)
            file = snap.get("file")
            if not file or file in seen or not (folder / file).exists():
                continue
            seen.add(file)
            body = gzip.decompress((folder / file).read_bytes())
            kind = snap.get("mimetype") or "text/html"
            key = f"ota/{folder.name}/{file}"
            yield key, body, snap["url"], kind, None, None
            stamp = snap["timestamp"]
            if folder.name in MULTI_DOCUMENT or (folder.name.startswith("le-chat")
                                                 and stamp < LECHAT_MOVE):
                select, remove = _declaration(meta, stamp)
                if select or remove:
                    yield key + "#selectors", body, snap["url"], kind, select, remove


def folder_jobs(folder: Path) -> Iterator[Job]:
    for page in folder_pages(folder):
        yield f"pages/{folder.name}/{page.name}", page.body, page.url, "text/html", None, None


def run(jobs: Iterator[Job]) -> tuple[dict[str, dict], float]:
    """Every job's output, and the CPU seconds spent in ``extract_policy``."""
    out: dict[str, dict] = {}
    spent = 0.0
    for key, body, url, kind, select, remove in jobs:
        start = time.process_time()
        try:
            got = extract_policy(body, url=url, content_type=kind, select=select, remove=remove)
            row = {"text": got.text, "identity": got.identity, "title": got.title,
                   "note": got.note}
        except ExtractionError as exc:
            row = {"error": exc.reason}
        spent += time.process_time() - start
        out[key] = row
    return out, spent


def compare(old: dict[str, dict], new: dict[str, dict], *, show: int) -> int:
    """Print a summary and the first ``show`` diffs; return the number of differing pages."""
    keys = sorted(set(old) | set(new))
    differing = [k for k in keys if old.get(k) != new.get(k)]
    identity_only = [k for k in differing if old.get(k, {}).get("text") == new.get(k, {}).get("text")]
    print(f"pages: {len(keys)}, identical: {len(keys) - len(differing)}, differing: "
          f"{len(differing)} (text identical, other fields differ: {len(identity_only)})")
    for key in differing[:show]:
        a, b = old.get(key, {}), new.get(key, {})
        print(f"\n=== {key}")
        if "text" not in a or "text" not in b:
            print(f"  before: {a.get('error', 'missing') if 'text' not in a else 'text'}; "
                  f"after: {b.get('error', 'missing') if 'text' not in b else 'text'}")
            continue
        for field in ("title", "note", "identity"):
            if a.get(field) != b.get(field):
                print(f"  {field}: {a.get(field)!r} -> {b.get(field)!r}")
        diff = difflib.unified_diff(a["text"].split("\n"), b["text"].split("\n"),
                                    "before", "after", lineterm="", n=1)
        for i, line in enumerate(diff):
            if i >= 40:
                print("  ...")
                break
            print("  " + repr(line)[1:-1])
    return len(differing)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=("save", "compare"))
    parser.add_argument("file", type=Path)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--no-corpus", action="store_true")
    parser.add_argument("--pages", type=Path, action="append", default=[],
                        help="a folder of saved *.html pages; repeatable")
    parser.add_argument("--show", type=int, default=5, help="diffs to print (compare)")
    args = parser.parse_args()

    def jobs() -> Iterator[Job]:
        if not args.no_corpus:
            yield from corpus_jobs(args.corpus)
        for folder in args.pages:
            yield from folder_jobs(folder)

    outputs, spent = run(jobs())
    print(f"extracted {len(outputs)} pages in {spent:.1f} s CPU")
    if args.action == "save":
        with gzip.open(args.file, "wt", encoding="utf-8") as fh:
            json.dump(outputs, fh, ensure_ascii=False, sort_keys=True)
        print(f"saved to {args.file}")
        return
    with gzip.open(args.file, "rt", encoding="utf-8") as fh:
        before = json.load(fh)
    if compare(before, outputs, show=args.show):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
