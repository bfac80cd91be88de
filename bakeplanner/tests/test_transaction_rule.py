"""Callers own the transaction; services require its context (docs/transactions.md)."""

from __future__ import annotations

import ast
import inspect

import pytest
from django.db import connection, transaction

from bakeplanner.errors import TransactionRequired
from bakeplanner.households import create_household
from bakeplanner.tests.service_catalog import (
    SERVICE_PACKAGES,
    dummy_call,
    public_functions,
    service_files,
)
from bakeplanner.tx import Tx, _Scope, unit_of_work

SERVICES = sorted(public_functions())
SERVICE_IDS = [name for name, _ in SERVICES]


def test_every_service_package_exports_something():
    assert {name.rsplit(".", 2)[0] for name in SERVICE_IDS} == set(SERVICE_PACKAGES)


@pytest.mark.parametrize(("name", "func"), SERVICES, ids=SERVICE_IDS)
def test_first_parameter_is_tx_without_default(name, func):
    params = list(inspect.signature(func).parameters.values())
    assert params, f"{name} takes no parameters"
    first = params[0]
    assert first.name == "tx"
    assert first.default is inspect.Parameter.empty
    assert first.kind == first.POSITIONAL_OR_KEYWORD


@pytest.mark.parametrize(("name", "func"), SERVICES, ids=SERVICE_IDS)
def test_service_is_reexported_by_its_package(name, func):
    import importlib

    package = importlib.import_module(name.rsplit(".", 2)[0])
    assert getattr(package, func.__name__) is func


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("name", "func"), SERVICES, ids=SERVICE_IDS)
def test_service_refuses_a_tx_whose_block_has_exited(name, func):
    household = create_household("Closed Family")
    with unit_of_work(household) as tx:
        pass
    with pytest.raises(TransactionRequired):
        dummy_call(func, tx)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("name", "func"), SERVICES, ids=SERVICE_IDS)
def test_service_refuses_to_run_with_no_transaction_open(name, func):
    household = create_household("Loose Family")
    assert not connection.in_atomic_block
    loose = Tx("default", household, None, "loose", False, _Scope(connection=connection))
    with pytest.raises(TransactionRequired):
        dummy_call(func, loose)


@pytest.mark.django_db(transaction=True)
def test_tx_from_one_block_is_refused_inside_another_atomic_block():
    household = create_household("Nested Family")
    with unit_of_work(household) as old:
        pass
    with transaction.atomic():
        with pytest.raises(TransactionRequired):
            old.require()


@pytest.mark.django_db(transaction=True)
def test_unit_of_work_commits_on_success_and_rolls_back_on_error():
    from production.models import Recipe

    household = create_household("Commit Family")
    with unit_of_work(household) as tx:
        Recipe.objects.create(household=tx.household, name="Kept")
    with pytest.raises(RuntimeError):
        with unit_of_work(household) as tx:
            Recipe.objects.create(household=tx.household, name="Dropped")
            raise RuntimeError("boom")
    assert list(Recipe.objects.values_list("name", flat=True)) == ["Kept"]


@pytest.mark.django_db(transaction=True)
def test_units_of_work_do_not_nest():
    household = create_household("Durable Family")
    with unit_of_work(household):
        with pytest.raises(RuntimeError):
            with unit_of_work(household):
                pass


def test_tx_objects_is_scoped_to_household(household, outsider_household):
    from production.models import Recipe

    Recipe.objects.create(household=household, name="Ours")
    Recipe.objects.create(household=outsider_household, name="Theirs")
    with unit_of_work(household) as tx:
        assert [r.name for r in tx.objects(Recipe)] == ["Ours"]


# --- Static architecture test --------------------------------------------------------------

FORBIDDEN_CALLS = {"atomic", "commit", "rollback", "set_autocommit", "savepoint_rollback"}


def _violations(source: str) -> list[str]:
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            target = node.func
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            if name in FORBIDDEN_CALLS:
                found.append(f"line {node.lineno}: calls {name}()")
            for keyword in node.keywords:
                if keyword.arg == "using" and isinstance(keyword.value, ast.Constant):
                    found.append(
                        f"line {node.lineno}: names the database alias {keyword.value.value!r}"
                    )
            if name == "using" and node.args and isinstance(node.args[0], ast.Constant):
                found.append(f"line {node.lineno}: names the database alias {node.args[0].value!r}")
        if isinstance(node, ast.ImportFrom) and node.module in {
            "django.db",
            "django.db.transaction",
        }:
            for alias in node.names:
                if alias.name in {"connection", "connections", "transaction"}:
                    found.append(f"line {node.lineno}: imports {alias.name} from {node.module}")
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "django.db.transaction":
                    found.append(f"line {node.lineno}: imports django.db.transaction")
        if isinstance(node, ast.Attribute) and node.attr in {"connection", "connections"}:
            if isinstance(node.value, ast.Name) and node.value.id in {"db", "django"}:
                found.append(f"line {node.lineno}: reads the global {node.attr}")
    return found


@pytest.mark.parametrize("path", service_files(), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_services_never_own_a_transaction_or_a_connection(path):
    assert _violations(path.read_text()) == []


def test_static_check_catches_the_things_it_forbids():
    bad = (
        "from django.db import transaction, connection\n"
        "def f(tx):\n"
        "    with transaction.atomic():\n"
        "        X.objects.using('default').all()\n"
        "        Y.save(using='other')\n"
        "    connection.commit()\n"
    )
    assert len(_violations(bad)) == 6
