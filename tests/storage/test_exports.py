"""storage's exports load on first use; the table, the typing imports and __all__ agree."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.lazy_exports import check_lazy_exports


def test_lazy_exports_match_the_typing_imports() -> None:
    check_lazy_exports("storage")


@pytest.mark.slow
def test_importing_a_light_module_loads_no_sqlalchemy() -> None:
    probe = ("import sys, storage.quickread, storage.errors; "
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'sqlmodel', 'alembic'}))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.strip() == "[]"
