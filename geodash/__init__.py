"""geodash: a neighbourhood dashboard for Soziale Stadt planning."""

from geodash.errors import DataError, GeodashError, SpecError
from geodash.workspace import default_workspace, load_workspace

__version__ = "0.1.0"

__all__ = [
    "DataError",
    "GeodashError",
    "SpecError",
    "default_workspace",
    "load_workspace",
    "__version__",
]
