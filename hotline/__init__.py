"""hotline: notices, FAQ and inquiry desk for a personal-data breach.

The map of the package is docs/architecture.md.
"""

from .app import create_app
from .config import PROJECT_ROOT

__all__ = ["PROJECT_ROOT", "create_app"]
