"""The noise benchmark's logic on two real streams of the shared corpus (extended test).

Mektoube (French; consent preference centres of several vendors come and go) and Coffee
Meets Bagel (a "Terms, Privacy & Copyright" page before the policy got its own page) fed
capture by capture as a backfill would: the history holds no more versions than the
curated record allows and misses at most one real change.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIG_CORPUS = Path(os.environ.get("POLICYWATCH_CORPUS", REPO.parent / "shared" / "corpus"))


def _noise_module():
    spec = importlib.util.spec_from_file_location("bench_noise", REPO / "bench" / "noise.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module         # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.extended
@pytest.mark.parametrize("slug", ["mektoube-privacy-policy", "coffee-meets-bagel-privacy-policy"])
def test_real_streams_make_no_phantom_versions(slug: str) -> None:
    folder = BIG_CORPUS / "ota" / slug
    if not folder.is_dir():
        pytest.skip(f"corpus not found at {BIG_CORPUS} (set POLICYWATCH_CORPUS)")
    stream = _noise_module().measure(folder)
    assert stream.judged <= stream.limit, stream
    assert len(stream.missed) <= 1, stream.missed
    assert sum(stream.phantoms.values()) <= 1, stream.phantoms
    assert stream.checked >= 3          # the stream really has changes to find
