"""briefing_parser: press-conference pages to a validated, lossless `Briefing`."""

from .convert import PageResult, convert, convert_to
from .errors import ParseError
from .parse import ParseOptions, parse
from .schema import SCHEMA_VERSION, Briefing

__version__ = "0.1.0"
__all__ = [
    "SCHEMA_VERSION", "Briefing", "PageResult", "ParseError", "ParseOptions", "__version__", "convert",
    "convert_to", "parse",
]
