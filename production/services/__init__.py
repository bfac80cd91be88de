"""Public production services: `from production.services import record_batch_production`.

Each module lists its public functions in `__all__`; this package re-exports them all.
"""

from production.services.inventory import *  # noqa: F403
from production.services.inventory import __all__ as _inventory
from production.services.recipe_tree import *  # noqa: F403
from production.services.recipe_tree import __all__ as _recipe_tree

__all__ = [*_inventory, *_recipe_tree]
