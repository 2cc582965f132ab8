"""The log format: the facts of the four tables, their pandera models, and the reference intakes.

The models are imported on first use (PEP 562, :mod:`spasmlog._lazy`): a module that only needs the plain
facts (:mod:`~spasmlog.logformat.factors`, :mod:`~spasmlog.logformat.schemas`) does not pay for pandera.
"""

from typing import TYPE_CHECKING

from spasmlog._lazy import attach

if TYPE_CHECKING:  # the real imports, for type checkers; at run time each name is imported on first use
    from spasmlog.logformat.models import Daily, Experiments, Interventions, People, Spasms
    from spasmlog.logformat.schemas import TABLES, field_specs

__all__ = ["TABLES", "Daily", "Experiments", "Interventions", "People", "Spasms", "field_specs"]

_MODULES: dict[str, str] = {
    **dict.fromkeys(["TABLES", "field_specs"], "spasmlog.logformat.schemas"),
    **dict.fromkeys(["Daily", "Experiments", "Interventions", "People", "Spasms"], "spasmlog.logformat.models"),
}
"""Each public name → the module that defines it, imported on first use (one place to update when code moves)."""

if not TYPE_CHECKING:  # hidden from type checkers: with it, any misspelt attribute would pass as Any
    __getattr__, __dir__ = attach(__name__, _MODULES)
