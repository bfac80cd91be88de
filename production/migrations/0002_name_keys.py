"""Names are compared by a casefolded key of their normalised form (bakeplanner/names.py).

Adds `name_key` (and the product's `brand_key`), normalises the names already stored and
fills their keys, then moves the unique constraints from `Lower("name")` to the keys.

Existing rows whose names become equal under the new rule (say "Crème" and "CRÈME", or
"Ginger  Snaps" and "Ginger Snaps") are not an error: in each household (or recipe, for
baked items; ingredient and package size, for products) the row with the lowest id keeps
its name and each later one gets " (2)", " (3)" … appended, so the migration never stops
on a duplicate and no row is lost.
"""

from django.db import migrations, models

from bakeplanner.names import KEY_MAX_LENGTH, name_key, normalize_name, unique_names

NAME_MAX_LENGTH = 120

# (model, the field naming the scope a name is unique in)
NAMED = [
    ("ingredient", "household_id"),
    ("recipe", "household_id"),
    ("finishedunit", "recipe_id"),
    ("finishedgood", "household_id"),
]


def _save_names(model, names):
    for pk, (name, key) in names.items():
        model.objects.filter(pk=pk).update(name=name, name_key=key)


def fill_keys(apps, schema_editor):
    for model_name, scope in NAMED:
        model = apps.get_model("production", model_name)
        rows = model.objects.values_list("pk", scope, "name")
        _save_names(model, unique_names(rows, max_length=NAME_MAX_LENGTH))
    product = apps.get_model("production", "Product")
    rows = []
    for pk, ingredient_id, brand, name, quantity, unit in product.objects.values_list(
        "pk", "ingredient_id", "brand", "name", "package_quantity", "package_unit"
    ):
        brand = normalize_name(brand)
        product.objects.filter(pk=pk).update(brand=brand, brand_key=name_key(brand))
        rows.append((pk, (ingredient_id, name_key(brand), quantity, unit), name))
    _save_names(product, unique_names(rows, max_length=NAME_MAX_LENGTH))


def _key_field():
    return models.CharField(default="", editable=False, max_length=KEY_MAX_LENGTH)


class Migration(migrations.Migration):
    dependencies = [
        ("bakeplanner", "0001_initial"),
        ("production", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="finishedgood", name="finished_good_name_unique_ci"),
        migrations.RemoveConstraint(model_name="finishedunit", name="finished_unit_name_unique_ci"),
        migrations.RemoveConstraint(model_name="ingredient", name="ingredient_name_unique_ci"),
        migrations.RemoveConstraint(model_name="product", name="product_unique_per_ingredient"),
        migrations.RemoveConstraint(model_name="recipe", name="recipe_name_unique_ci"),
        migrations.AddField(
            model_name="finishedgood",
            name="name_key",
            field=_key_field(),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="finishedunit",
            name="name_key",
            field=_key_field(),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="ingredient",
            name="name_key",
            field=_key_field(),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="product",
            name="brand_key",
            field=_key_field(),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="product",
            name="name_key",
            field=_key_field(),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="recipe",
            name="name_key",
            field=_key_field(),
            preserve_default=False,
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="finishedgood",
            constraint=models.UniqueConstraint(
                fields=("household", "name_key"),
                name="finished_good_name_key_unique",
                violation_error_message="A gift box or tin with this name already exists.",
            ),
        ),
        migrations.AddConstraint(
            model_name="finishedunit",
            constraint=models.UniqueConstraint(
                fields=("recipe", "name_key"),
                name="finished_unit_name_key_unique",
                violation_error_message="The recipe already has a baked item with this name.",
            ),
        ),
        migrations.AddConstraint(
            model_name="ingredient",
            constraint=models.UniqueConstraint(
                fields=("household", "name_key"),
                name="ingredient_name_key_unique",
                violation_error_message="An ingredient with this name already exists.",
            ),
        ),
        migrations.AddConstraint(
            model_name="product",
            constraint=models.UniqueConstraint(
                fields=("ingredient", "brand_key", "name_key", "package_quantity", "package_unit"),
                name="product_unique_per_ingredient_key",
                violation_error_message="The ingredient already has this product.",
            ),
        ),
        migrations.AddConstraint(
            model_name="recipe",
            constraint=models.UniqueConstraint(
                fields=("household", "name_key"),
                name="recipe_name_key_unique",
                violation_error_message="A recipe with this name already exists.",
            ),
        ),
    ]
