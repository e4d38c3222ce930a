"""briefing_parser: press-conference pages to a validated, lossless `Briefing`."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .batch import PageResult, convert, convert_to
    from .errors import ParseError
    from .export import read_table
    from .pipeline import ParseOptions, parse
    from .registry import build_registry
    from .schema import SCHEMA_VERSION, Briefing, Registry
    from .viewer import view

__version__ = "0.1.0"
__all__ = [
    "SCHEMA_VERSION", "Briefing", "PageResult", "ParseError", "ParseOptions", "Registry", "__version__",
    "build_registry", "convert", "convert_to", "parse", "read_table", "view",
]
# Public names and the module each lives in. They load on first use (PEP 562): pydantic is slow to
# import (bench_parse prints the import time), and `briefing-parser --help` should not wait for it.
_EXPORTS = {
    "PageResult": ".batch", "convert": ".batch", "convert_to": ".batch", "ParseError": ".errors",
    "read_table": ".export", "ParseOptions": ".pipeline", "parse": ".pipeline", "build_registry": ".registry",
    "SCHEMA_VERSION": ".schema", "Briefing": ".schema", "Registry": ".schema", "view": ".viewer",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
