from django.apps import AppConfig


class BakeplannerConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bakeplanner"
    verbose_name = "Households"
