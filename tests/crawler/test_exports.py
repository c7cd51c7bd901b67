"""crawler's exports load on first use; the table, the typing imports and __all__ agree."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.lazy_exports import check_lazy_exports


@pytest.mark.parametrize("package", ["crawler", "crawler.extract"])
def test_lazy_exports_match_the_typing_imports(package: str) -> None:
    check_lazy_exports(package)


@pytest.mark.slow
def test_the_seed_header_loads_without_the_extractor() -> None:
    probe = ("import sys; from crawler import compose_document, render_header; "
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'httpx', 'lxml', 'html2text', 'bs4'}))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.strip() == "[]"
