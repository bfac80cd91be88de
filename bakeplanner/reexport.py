"""Re-export the public functions of every module in a services package."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any


def reexport(package_name: str, package_path: list[str], namespace: dict[str, Any]) -> list[str]:
    """Import each module of the package and copy the names in its `__all__`."""
    exported: list[str] = []
    for info in sorted(pkgutil.iter_modules(package_path), key=lambda i: i.name):
        module = importlib.import_module(f"{package_name}.{info.name}")
        for name in getattr(module, "__all__", []):
            if name in namespace and namespace[name] is not getattr(module, name):
                raise ImportError(f"{package_name}: two modules export {name!r}")
            namespace[name] = getattr(module, name)
            exported.append(name)
    return exported
