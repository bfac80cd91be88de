"""Finds every service module and public service function, for the rule tests."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

SERVICE_PACKAGES = ("production.services", "events.services")


def service_modules() -> Iterator[ModuleType]:
    for package_name in SERVICE_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.iter_modules(package.__path__):
            yield importlib.import_module(f"{package_name}.{info.name}")


def service_files() -> list[Path]:
    files = []
    for package_name in SERVICE_PACKAGES:
        package = importlib.import_module(package_name)
        files.extend(sorted(Path(package.__path__[0]).glob("*.py")))
    return files


def public_functions() -> Iterator[tuple[str, Callable[..., object]]]:
    for module in service_modules():
        for name in getattr(module, "__all__", []):
            func = getattr(module, name)
            if inspect.isfunction(func):
                yield f"{module.__name__}.{name}", func


def dummy_call(func: Callable[..., object], tx: object) -> None:
    """Call with `tx` and placeholder arguments; a guarded service refuses before using them."""
    args = []
    kwargs = {}
    params = list(inspect.signature(func).parameters.values())[1:]
    for param in params:
        if param.default is not inspect.Parameter.empty:
            continue
        if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            args.append(1)
        elif param.kind == param.KEYWORD_ONLY:
            kwargs[param.name] = 1
    func(tx, *args, **kwargs)
