"""Write one household, whole, as a household file (docs/household-file.md)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bakeplanner.models import Household
from bakeplanner.names import name_key
from bakeplanner.tx import unit_of_work
from tooling.household_file import write_household_file


def find_household(text: str) -> Household:
    """A household by its name (as the naming rule compares names) or its id."""
    wanted = name_key(text)
    for household in Household.objects.all():
        if name_key(household.name) == wanted:
            return household
    if text.isdigit():
        found = Household.objects.filter(pk=int(text)).first()
        if found is not None:
            return found
    raise CommandError(f"There is no household named {text!r}.")


class Command(BaseCommand):
    help = (
        "Write a household (catalogue, stock, recipes, events, runs and every history) to a "
        "JSON file that import_household loads on any BakePlanner."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--household", required=True, help="The household's name or id.")
        parser.add_argument("--output", required=True, help="The file to write, or - for stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        household = find_household(options["household"].strip())
        output = options["output"]
        if output == "-":
            with unit_of_work(household, read_only=True) as tx:
                write_household_file(tx, sys.stdout)
            return
        target = Path(output)
        if target.is_dir():
            raise CommandError(f"{output} is a folder: name the file to write.")
        # Written beside the target and moved into place, so a failed export leaves no
        # half-written file under the name asked for.
        partial = target.with_name(target.name + ".part")
        try:
            with partial.open("w", encoding="utf-8") as stream:
                with unit_of_work(household, read_only=True) as tx:
                    counts = write_household_file(tx, stream)
            os.replace(partial, target)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror or exc}.") from None
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(
            f"Wrote the household {household.name!r} to {output}: "
            f"{sum(counts.values())} rows in {len(counts)} tables."
        )
