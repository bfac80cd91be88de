"""Public events services: every module's `__all__` is re-exported here, so callers write
`from events.services import <function>` whatever the module split inside."""

from bakeplanner.reexport import reexport

__all__ = reexport(__name__, __path__, globals())
