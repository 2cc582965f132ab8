"""spasmlog: validate muscle-spasm logs and find, honestly, what is associated with more or fewer spasms."""

from spasmlog.errors import LogValidationError, SpasmlogError
from spasmlog.io.read import read_log
from spasmlog.log import Log
from spasmlog.validation import validate_tables

__all__ = ["Log", "LogValidationError", "SpasmlogError", "read_log", "validate_tables"]
__version__ = "0.1.0"
