"""Benchmark of diffing.diff_texts against Python difflib (line level) on the corpus.

Usage: .venv/bin/python bench/diff.py [CORPUS_DIR]

Times every consecutive version pair of corpus/histories/<slug>/ these ways:

* ``in-order``: pairs diffed in history order in one process, as the pipeline and a
  backfill do (sentence splits and plain texts cached and reused by the next pair);
* ``cold``: the per-text caches (sentence splits, plain texts) cleared before each pair,
  as for a one-off diff (``policywatch diff SLUG``, the web diff page); wall-clock median,
  90th percentile and max, and the CPU-time median (less noisy on a shared machine);
* ``difflib``: Python difflib's ``unified_diff`` over lines, the baseline;
* ``fresh process``: for two pairs per history, a new Python process imports diffing and
  times its first ``diff_texts`` call (also building pysbd's segmenter and regexes).

Then a synthetic 1 MB policy pair (real policy paragraphs from every history, about 2 % of
its paragraphs edited, some moved), cold and warm.
Targets: median <= 20 ms per real pair; 1 MB pair <= 1 s.
"""

from __future__ import annotations

import difflib
import random
import statistics
import subprocess
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


def timed_both(func, *args) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Wall-clock and CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    func(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


FRESH_SCRIPT = """
import sys, time
sys.path.insert(0, sys.argv[1])
start = time.perf_counter()
from diffing import diff_texts
imported = time.perf_counter()
old, new = (open(path, encoding="utf-8").read() for path in sys.argv[2:4])
begin, cpu = time.perf_counter(), time.process_time()
diff_texts(old, new)
print(imported - start, time.perf_counter() - begin, time.process_time() - cpu)
"""


def fresh_process(old: Path, new: Path) -> tuple[float, float, float]:
    """(import seconds, first-diff wall and CPU seconds) measured inside a new Python process."""
    root = str(Path(__file__).resolve().parent.parent)
    out = subprocess.run([sys.executable, "-c", FRESH_SCRIPT, root, str(old), str(new)],
                         check=True, capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1]), float(out[2])


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
    all_cpu: list[float] = []
    all_lib: list[float] = []
    fresh: list[float] = []
    fresh_cpu: list[float] = []
    imports: list[float] = []
    for folder in histories:
        files = sorted(folder.glob("*.md"))
        texts = [f.read_text(encoding="utf-8") for f in files]
        pairs = list(zip(texts, texts[1:]))
        clear_caches()
        seq = [timed(diff_texts, a, b) for a, b in pairs]
        cold, cpu = [], []
        for a, b in pairs:
            clear_caches()
            wall, used = timed_both(diff_texts, a, b)
            cold.append(wall)
            cpu.append(used)
        lib = [timed(difflib_lines, a, b) for a, b in pairs]
        for k in sorted({len(pairs) // 3, 2 * len(pairs) // 3}):
            took_import, took_diff, took_cpu = fresh_process(files[k], files[k + 1])
            imports.append(took_import)
            fresh.append(took_diff)
            fresh_cpu.append(took_cpu)
        all_seq += seq
        all_cold += cold
        all_cpu += cpu
        all_lib += lib
        size = statistics.median(len(t) for t in texts) / 1000
        rows.append((folder.name, len(pairs), size, seq, cold, cpu, lib))

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:8.1f}"

    def p90(values: list[float]) -> str:
        return f"{sorted(values)[int(0.9 * (len(values) - 1))] * 1000:8.1f}"

    print("per version pair, milliseconds; in-order = history diffed in order in one process,"
          " cold = caches cleared before each pair")
    print(f"{'history':34} {'pairs':>5} {'KB':>6} {'in-order':>8} {'cold med':>8} {'cold p90':>8} "
          f"{'cold max':>8} {'cold cpu':>8} {'difflib':>8}")
    for name, n, size, seq, cold, cpu, lib in rows:
        print(f"{name:34} {n:5d} {size:6.0f} {ms(seq)} {ms(cold)} {p90(cold)} {max(cold) * 1000:8.1f} "
              f"{ms(cpu)} {ms(lib)}")
    print(f"{'ALL (median over pairs)':34} {len(all_seq):5d} {'':6} {ms(all_seq)} {ms(all_cold)} {p90(all_cold)} "
          f"{max(all_cold) * 1000:8.1f} {ms(all_cpu)} {ms(all_lib)}")
    print(f"fresh process, first diff after import ({len(fresh)} pairs): median {ms(fresh).strip()} ms "
          f"(cpu {ms(fresh_cpu).strip()} ms), max {max(fresh) * 1000:.1f} ms "
          f"(import diffing: median {ms(imports).strip()} ms, not counted)")
    print(f"target: median <= 20 ms per real pair -> in-order {ms(all_seq).strip()} ms, "
          f"cold {ms(all_cold).strip()} ms (cpu {ms(all_cpu).strip()} ms), "
          f"fresh process {ms(fresh).strip()} ms (cpu {ms(fresh_cpu).strip()} ms), "
          f"difflib lines {ms(all_lib).strip()} ms")

    old, new = synthetic_pair(corpus)
    clear_caches()
    cold_1mb, cold_1mb_cpu = timed_both(diff_texts, old, new)
    warm_1mb = timed(diff_texts, old, new)
    report = diff_texts(old, new)
    lib_1mb = timed(difflib_lines, old, new)
    print()
    print(f"synthetic pair {len(old) / 1e6:.2f} MB / {len(new) / 1e6:.2f} MB: "
          f"cold {cold_1mb:.2f} s (cpu {cold_1mb_cpu:.2f} s), warm {warm_1mb:.2f} s, difflib lines {lib_1mb:.2f} s; "
          f"changes {len(report.changes)} ({report.summary.added} added, {report.summary.removed} removed, "
          f"{report.summary.modified} modified, {report.summary.moved} moved)")
    print("target: 1 MB pair <= 1 s (cold)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS)
