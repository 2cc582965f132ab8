"""The log format: the pandera models of the four tables and the reference intakes."""

from spasmlog.logformat.schemas import TABLES, Daily, Interventions, People, Spasms, field_specs

__all__ = ["TABLES", "Daily", "Interventions", "People", "Spasms", "field_specs"]
