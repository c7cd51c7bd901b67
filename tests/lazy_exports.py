"""Checks for packages whose ``__init__`` loads each exported name on first use (PEP 562)."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from types import ModuleType


def typing_imports(package: ModuleType) -> dict[str, str]:
    """Name -> submodule of the imports under ``if TYPE_CHECKING:`` (what type checkers read)."""
    tree = ast.parse(inspect.getsource(package))
    block = next(node for node in tree.body if isinstance(node, ast.If)
                 and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
    prefix = f"{package.__name__}."
    return {alias.asname or alias.name: node.module.removeprefix(prefix)
            for node in block.body if isinstance(node, ast.ImportFrom) and node.module
            for alias in node.names}


def check_lazy_exports(name: str) -> None:
    """The lazy table, the typing imports and ``__all__`` name the same things, and each
    name resolves to the object its module defines under that name, even once every
    submodule is imported (a submodule named like an export must not hide it)."""
    package = importlib.import_module(name)
    for submodule in pkgutil.iter_modules(package.__path__, f"{name}."):
        if not submodule.name.endswith(".migrations"):
            importlib.import_module(submodule.name)
    lazy = dict(package._MODULE_OF)
    assert lazy == typing_imports(package)
    assert sorted(lazy) == sorted(package.__all__)
    for export, module in lazy.items():
        assert getattr(package, export) is getattr(importlib.import_module(f"{name}.{module}"),
                                                   export), export
