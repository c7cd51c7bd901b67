"""Real histories: consecutive versions diff without error and the report round-trips."""

from __future__ import annotations

import json
from pathlib import Path

from diffing import apply_changes, diff_texts, normalize, render, segment

PAIRS_PER_HISTORY = 6


def _slugs(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "histories").iterdir() if p.is_dir())


def test_every_history_round_trips(corpus: Path) -> None:
    slugs = _slugs(corpus)
    assert len(slugs) >= 10
    checked = 0
    for slug in slugs:
        files = sorted((corpus / "histories" / slug).glob("*.md"))
        step = max(1, (len(files) - 1) // PAIRS_PER_HISTORY)
        for k in range(0, len(files) - 1, step)[:PAIRS_PER_HISTORY]:
            old, new = files[k].read_text(encoding="utf-8"), files[k + 1].read_text(encoding="utf-8")
            report = diff_texts(old, new, old_meta={"file": files[k].name}, new_meta={"file": files[k + 1].name})
            if report.language_changed:
                # allstate's history switches to its Spanish statement and back: one flag,
                # no clause changes (tests/diffing/test_languages.py checks it).
                assert report.changes == () and report.has_changes, (slug, files[k].name)
                assert report.old_language != report.new_language
                render(report, "text")
                checked += 1
                continue
            before, expected = segment(old, against=new), segment(new, against=old)
            rebuilt = apply_changes(before, report)
            assert [(c.kind == "heading", normalize(c.text, c.kind)) for c in rebuilt] == [
                (c.kind == "heading", normalize(c.text, c.kind)) for c in expected], (slug, files[k].name)
            # Each file of a history is a version recorded because the text changed: the
            # report never calls two of them identical, and it lists changes exactly when
            # the clauses read differently (otherwise the difference is formatting only).
            clauses_differ = [(c.kind, normalize(c.text, c.kind)) for c in before] != [
                (c.kind, normalize(c.text, c.kind)) for c in expected]
            assert not report.identical, (slug, files[k].name)
            assert bool(report.changes) == clauses_differ, (slug, files[k].name)
            assert report.formatting_only == (not clauses_differ), (slug, files[k].name)
            json.loads(render(report, "json"))
            assert "<script" not in render(report, "html").lower() or "&lt;script" in render(report, "html").lower()
            render(report, "text", color=True)
            checked += 1
    assert checked >= 60
