# Django's autodiscovery imports this package; each module registers its models.
from production.admin import catalogue, runs  # noqa: F401
