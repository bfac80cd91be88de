"""Event and package names are compared by a casefolded key of their normalised form
(bakeplanner/names.py).

Adds `name_key`, normalises the names already stored and fills their keys, then moves the
unique constraints from `Lower("name")` to the keys. Recipient names are normalised too
(they have no uniqueness rule, so no key).

Existing events or packages whose names become equal under the new rule (say "Noël" and
"NOËL") are not an error: in each household the row with the lowest id keeps its name and
each later one gets " (2)", " (3)" … appended, so the migration never stops on a duplicate.
An event's slug is left as it is: links and file names made from it keep working.
"""

from django.db import migrations, models

from bakeplanner.names import KEY_MAX_LENGTH, normalize_name, unique_names

NAME_MAX_LENGTH = 120


def fill_keys(apps, schema_editor):
    for model_name in ("Event", "Package"):
        model = apps.get_model("events", model_name)
        rows = model.objects.values_list("pk", "household_id", "name")
        for pk, (name, key) in unique_names(rows, max_length=NAME_MAX_LENGTH).items():
            model.objects.filter(pk=pk).update(name=name, name_key=key)
    recipient = apps.get_model("events", "Recipient")
    for pk, name, household_name in recipient.objects.values_list("pk", "name", "household_name"):
        clean, clean_household = normalize_name(name), normalize_name(household_name)
        if (clean, clean_household) != (name, household_name):
            recipient.objects.filter(pk=pk).update(name=clean, household_name=clean_household)


def _key_field():
    return models.CharField(default="", editable=False, max_length=KEY_MAX_LENGTH)


class Migration(migrations.Migration):
    dependencies = [
        ("bakeplanner", "0001_initial"),
        ("events", "0002_initial"),
        ("production", "0002_name_keys"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="event", name="event_name_unique_ci"),
        migrations.RemoveConstraint(model_name="package", name="package_name_unique_ci"),
        migrations.AddField(
            model_name="event", name="name_key", field=_key_field(), preserve_default=False
        ),
        migrations.AddField(
            model_name="package", name="name_key", field=_key_field(), preserve_default=False
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.UniqueConstraint(
                fields=("household", "name_key"),
                name="event_name_key_unique",
                violation_error_message="An event with this name already exists.",
            ),
        ),
        migrations.AddConstraint(
            model_name="package",
            constraint=models.UniqueConstraint(
                fields=("household", "name_key"),
                name="package_name_key_unique",
                violation_error_message="A package with this name already exists.",
            ),
        ),
    ]
