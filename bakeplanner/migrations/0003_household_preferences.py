"""Households choose their unit system, locale and time zone (docs/units-and-locale.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bakeplanner", "0002_form_submission"),
    ]

    operations = [
        migrations.AddField(
            model_name="household",
            name="locale",
            field=models.CharField(
                choices=[
                    ("en-US", "English (United States)"),
                    ("en-GB", "English (United Kingdom)"),
                    ("de-DE", "German (Germany)"),
                    ("fr-FR", "French (France)"),
                ],
                default="en-US",
                db_default="en-US",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="household",
            name="time_zone",
            field=models.CharField(blank=True, default="", db_default="", max_length=64),
        ),
        migrations.AddField(
            model_name="household",
            name="unit_system",
            field=models.CharField(
                choices=[
                    ("metric", "Metric (g, kg, ml, l)"),
                    ("us", "US customary (oz, lb, tsp, tbsp, cups, quarts)"),
                ],
                default="metric",
                db_default="metric",
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="household",
            constraint=models.CheckConstraint(
                condition=models.Q(("unit_system__in", ["metric", "us"])),
                name="household_unit_system_valid",
            ),
        ),
    ]
