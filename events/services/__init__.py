"""Public events services: `from events.services import get_shopping_list`.

Each module lists its public functions in `__all__`; this package re-exports them all.
"""

__all__: list[str] = []
