"""Each services package lists its public names by hand; these tests keep that list honest."""

from __future__ import annotations

import importlib
import pkgutil
from collections import Counter
from types import ModuleType

import pytest

from bakeplanner.tests.service_catalog import SERVICE_PACKAGES


def _modules(package: ModuleType) -> list[ModuleType]:
    return [
        importlib.import_module(f"{package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
    ]


def _module_exports(package: ModuleType) -> list[tuple[ModuleType, str]]:
    return [(module, name) for module in _modules(package) for name in module.__all__]


@pytest.fixture(params=SERVICE_PACKAGES)
def package(request: pytest.FixtureRequest) -> ModuleType:
    return importlib.import_module(request.param)


def test_every_service_module_declares_all(package):
    assert [m.__name__ for m in _modules(package) if not hasattr(m, "__all__")] == []


def test_package_exports_exactly_the_modules_public_names(package):
    from_modules = {name for _, name in _module_exports(package)}
    assert set(package.__all__) == from_modules


def test_package_lists_no_name_twice(package):
    assert [name for name, n in Counter(package.__all__).items() if n > 1] == []


def test_no_two_modules_export_the_same_name(package):
    counts = Counter(name for _, name in _module_exports(package))
    assert [name for name, n in counts.items() if n > 1] == []


def test_each_exported_object_is_the_modules_own(package):
    wrong = [
        f"{module.__name__}.{name}"
        for module, name in _module_exports(package)
        if getattr(package, name, None) is not getattr(module, name)
    ]
    assert wrong == []
