"""Rebuild this fixture from the full corpus: ``python tests/data/corpus/build.py [FULL]``.

FULL defaults to ``$POLICYWATCH_CORPUS`` or ``../shared/corpus``. The selection below is
what the default tests and ``make demo`` read; see README.md beside this file.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]

# OTA documents whose snapshot streams the tests replay. For each: how many of its first
# versions keep their body (None: all), and whether the body fetched just before each kept
# version and the first A/B/A run (a body that comes back) are kept too. The first and the
# last recorded bodies and the latest version's body are always kept.
STREAMS: dict[str, tuple[int | None, bool]] = {
    "uptimerobot-privacy-policy": (None, False),     # make demo, Wayback client and extraction
    "le-chat-privacy-policy": (None, True),          # CLI spine, backfill, A/B/A replays
    "buffer-privacy-policy": (None, False),          # alerts and scheduler: a small real change
    "perplexity-privacy-policy": (3, False),         # its 2nd -> 3rd version is formatting-only
    "open-collective-privacy-policy": (0, False),    # latest version only
    "microsoft-copilot-privacy-policy": (0, False),  # latest version only
}
# Other OTA documents: their declaration (meta.json) and, for these, the latest body only
# (policy-link discovery on real policy pages).
LATEST_ONLY = ["finya-privacy-policy", "lex-privacy-policy", "mektoube-privacy-policy",
               "coffee-meets-bagel-privacy-policy", "lovoo-privacy-policy"]
# Text histories: slug -> which files (None: all; an int n: the last n; a list: indexes).
HISTORIES: dict[str, object] = {
    "criteo-privacy-policy": None,
    "telegram-privacy-policy": list(range(10)) + [-1],
    "zoosk-privacy-policy": [-1],
    "usa.gov-privacy-policy": 7,      # 7 files: 6 consecutive pairs for the diff round trip
    "hsbc-privacy-policy": 7,
    "w3schools-privacy-policy": 7,
    "simpli.fi-privacy-policy": 7,
    "disqus-privacy-policy": 7,
    "airbnb-privacy-policy": 7,
    "allstate-privacy-policy": 7,
    "we-heart-it-privacy-policy": 7,
}
PRINCETON_FIRST = 10                       # the first pairs in name order ...
PRINCETON_ALSO = ["x-cart.com", "boardhost.com", "ab.com"]   # ... and these, by domain


def jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def stream_files(folder: Path, first_versions: int | None, around: bool) -> set[str]:
    rows = [r for r in jsonl(folder / "snapshots.jsonl") if r.get("file")]
    versions = jsonl(folder / "versions.jsonl")
    files = [r["file"] for r in rows]
    changes = [v for v in versions if v["kind"] in ("first", "change")]
    chosen = [v for v in changes[:first_versions] + versions[-1:] if v.get("snapshot_file") in files]
    keep = {files[-1]} if first_versions == 0 else {files[0], files[-1]}
    for v in chosen:
        keep.add(v["snapshot_file"])
    if around:  # the body fetched just before the first change
        i = files.index(changes[1]["snapshot_file"])
        keep.add(files[i - 1])
    if around:  # A/B/A: the first body that comes back after others, and every body between
        first_seen: dict[str, int] = {}
        for i, r in enumerate(rows):
            j = first_seen.setdefault(r["sha1"], i)
            if j < i - 1:
                keep.update(files[j:i + 1])
                break
    return keep


def copy_ota(full: Path, out: Path, slug: str, stream: tuple[int | None, bool] | None) -> None:
    src, dst = full / "ota" / slug, out / "ota" / slug
    (dst / "snapshots").mkdir(parents=True)
    shutil.copyfile(src / "meta.json", dst / "meta.json")
    rows = jsonl(src / "snapshots.jsonl")
    if stream is None:
        keep = {max((r["file"] for r in rows if r.get("file", "") and r["file"].endswith(".html.gz")))}
    else:
        keep = stream_files(src, *stream)
    write_jsonl(dst / "snapshots.jsonl", [r for r in rows if r.get("file") in keep])
    versions = jsonl(src / "versions.jsonl")
    write_jsonl(dst / "versions.jsonl", versions)
    for name in keep:
        shutil.copyfile(src / name, dst / name)
    if stream is not None and versions:      # the latest text, the reference for extraction tests
        (dst / "versions").mkdir()
        shutil.copyfile(src / versions[-1]["file"], dst / versions[-1]["file"])


def main() -> None:
    default = Path(os.environ.get("POLICYWATCH_CORPUS", REPO.parent / "shared" / "corpus"))
    full = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    out = HERE
    for part in ("ota", "histories", "princeton"):
        shutil.rmtree(out / part, ignore_errors=True)
    for folder in sorted((full / "ota").iterdir()):
        if folder.name in STREAMS:
            copy_ota(full, out, folder.name, STREAMS[folder.name])
        elif folder.name in LATEST_ONLY:
            copy_ota(full, out, folder.name, None)
        else:
            (out / "ota" / folder.name).mkdir(parents=True)
            shutil.copyfile(folder / "meta.json", out / "ota" / folder.name / "meta.json")
    index = []
    for row in jsonl(full / "histories" / "index.jsonl"):
        slug = row["slug"]
        if slug not in HISTORIES:
            continue
        files = sorted((full / "histories" / slug).glob("*.md"))
        pick = HISTORIES[slug]
        if isinstance(pick, int):
            chosen = files[-pick:]
        elif isinstance(pick, list):
            chosen = sorted({files[i] for i in pick})
        else:
            chosen = files
        (out / "histories" / slug).mkdir(parents=True)
        for f in chosen:
            shutil.copyfile(f, out / "histories" / slug / f.name)
        index.append({**row, "count": len(chosen), "truncated": len(chosen) < row["versions_total"]})
    write_jsonl(out / "histories" / "index.jsonl", index)
    rows = jsonl(full / "princeton" / "index.jsonl")
    names = sorted(r["domain"] for r in rows)[:PRINCETON_FIRST] + PRINCETON_ALSO
    (out / "princeton").mkdir()
    kept = [r for r in rows if r["domain"] in names]
    for r in kept:
        shutil.copyfile(full / "princeton" / r["html"], out / "princeton" / r["html"])
        shutil.copyfile(full / "princeton" / r["md"], out / "princeton" / r["md"])
    write_jsonl(out / "princeton" / "index.jsonl", kept)


if __name__ == "__main__":
    main()
