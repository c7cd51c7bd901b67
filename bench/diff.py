"""Benchmark of diffing.diff_texts against Python difflib (line level) on the corpus.

Usage: .venv/bin/python bench/diff.py [CORPUS_DIR]

Times every consecutive version pair of corpus/histories/<slug>/ three ways:
``sequential`` (pairs diffed in history order in one process, as the pipeline and a
backfill do: each version's sentence split is cached and reused by the next pair),
``cold`` (sentence and markup caches cleared before each pair), and difflib's
``unified_diff`` over lines. Then a synthetic 1 MB policy pair (real policy paragraphs
from every history, about 2 % of its sentences edited, some moved), cold and warm.
Targets: median <= 20 ms per real pair; 1 MB pair <= 1 s.
"""

from __future__ import annotations

import difflib
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from diffing import diff_texts  # noqa: E402
from diffing.normalize import strip_markup  # noqa: E402
from diffing.sentences import split_sentences  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def clear_caches() -> None:
    """Forget cached sentence splits and plain texts."""
    split_sentences.cache_clear()
    strip_markup.cache_clear()


def timed(func, *args) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    func(*args)
    return time.perf_counter() - start


def difflib_lines(old: str, new: str) -> None:
    """Python difflib's line-level unified diff, consumed."""
    for _ in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm=""):
        pass


def synthetic_pair(corpus: Path, size: int = 1_000_000, seed: int = 7) -> tuple[str, str]:
    """About ``size`` characters of real policy paragraphs, and an edited copy."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    for folder in sorted((corpus / "histories").iterdir()):
        if folder.is_dir():
            latest = sorted(folder.glob("*.md"))[-1].read_text(encoding="utf-8")
            paragraphs += [p for p in latest.split("\n\n") if p.strip()]
    out: list[str] = []
    total = 0
    part = 0
    while total < size:
        part += 1
        for paragraph in [f"## Part {part}", *paragraphs]:
            if total >= size:
                break
            out.append(paragraph)
            total += len(paragraph) + 2
    old = "\n\n".join(out)
    edited = list(out)
    for _ in range(len(edited) // 50):
        k = rng.randrange(len(edited))
        action = rng.choice(("reword", "drop", "add", "move"))
        if action == "reword":
            words = edited[k].split(" ")
            words[rng.randrange(len(words))] = rng.choice(("ninety", "partners", "never", "always"))
            edited[k] = " ".join(words)
        elif action == "drop":
            del edited[k]
        elif action == "add":
            edited.insert(k, f"We may share data with {rng.randint(2, 999)} new partners for advertising.")
        else:
            edited.insert(rng.randrange(len(edited)), edited.pop(k))
    return old, "\n\n".join(edited)


def main(corpus: Path) -> None:
    histories = sorted(p for p in (corpus / "histories").iterdir() if p.is_dir())
    rows = []
    all_seq: list[float] = []
    all_cold: list[float] = []
    all_lib: list[float] = []
    for folder in histories:
        texts = [f.read_text(encoding="utf-8") for f in sorted(folder.glob("*.md"))]
        pairs = list(zip(texts, texts[1:]))
        clear_caches()
        seq = [timed(diff_texts, a, b) for a, b in pairs]
        cold = []
        for a, b in pairs:
            clear_caches()
            cold.append(timed(diff_texts, a, b))
        lib = [timed(difflib_lines, a, b) for a, b in pairs]
        all_seq += seq
        all_cold += cold
        all_lib += lib
        size = statistics.median(len(t) for t in texts) / 1000
        rows.append((folder.name, len(pairs), size, seq, cold, lib))

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:8.1f}"

    print(f"{'history':34} {'pairs':>5} {'KB':>6} {'seq med':>8} {'cold med':>8} {'cold max':>8} {'difflib':>8}  (ms)")
    for name, n, size, seq, cold, lib in rows:
        print(f"{name:34} {n:5d} {size:6.0f} {ms(seq)} {ms(cold)} {max(cold) * 1000:8.1f} {ms(lib)}")
    print(f"{'ALL':34} {len(all_seq):5d} {'':6} {ms(all_seq)} {ms(all_cold)} {max(all_cold) * 1000:8.1f} {ms(all_lib)}")
    print(f"target: median <= 20 ms per real pair -> sequential {ms(all_seq).strip()} ms, cold {ms(all_cold).strip()} ms")

    old, new = synthetic_pair(corpus)
    clear_caches()
    cold_1mb = timed(diff_texts, old, new)
    warm_1mb = timed(diff_texts, old, new)
    report = diff_texts(old, new)
    lib_1mb = timed(difflib_lines, old, new)
    print()
    print(f"synthetic pair {len(old) / 1e6:.2f} MB / {len(new) / 1e6:.2f} MB: "
          f"cold {cold_1mb:.2f} s, warm {warm_1mb:.2f} s, difflib lines {lib_1mb:.2f} s; "
          f"changes {len(report.changes)} ({report.summary.added} added, {report.summary.removed} removed, "
          f"{report.summary.modified} modified, {report.summary.moved} moved)")
    print("target: 1 MB pair <= 1 s")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS)
