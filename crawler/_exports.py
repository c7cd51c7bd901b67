"""Exported names that load their module on first use (PEP 562), for crawler's package faces.

``crawler`` and ``crawler.extract`` list which module holds each exported name; the
package's ``__getattr__`` imports that module the first time the name is asked for and
keeps the value, so importing the package costs nothing until a name is used.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping


def module_of(sources: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Name -> module, from module -> names."""
    return {name: module for module, names in sources.items() for name in names}


def lazy_getattr(package: str, modules: Mapping[str, str]) -> Callable[[str], object]:
    """The ``__getattr__`` of ``package`` that loads each name from ``modules[name]``."""
    def __getattr__(name: str) -> object:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)
        return value
    return __getattr__
