"""The report: a self-contained HTML page per person (and a caseload index), printable on A4.

``spasmlog report PATH`` on the command line, :func:`write_report` in Python. A page holds its CSS and its
charts (inline SVG, drawn by :mod:`spasmlog.plots`), makes no request to any other host and needs no
JavaScript. Its sections, by ``id``: ``who``, ``headline``, ``trend``, ``calendar``, ``body-map``,
``associations``, ``interventions``, ``intake``, ``notes`` (when notes were written on days with spasms),
``data-quality`` and ``about-numbers``; the caseload index has ``caseload``, ``caseload-chart`` and
``about-numbers``. A log with no spasm data at all says so in ``headline`` and leaves out the spasm numbers,
charts and tests.

Every number comes from the analysis functions' result tables or is counted from the daily table, and
every sentence about an association from :func:`spasmlog.findings`; the Jinja2 templates escape all
user text (person ids, notes, intervention names, file names).
"""

from typing import TYPE_CHECKING

from spasmlog._lazy import attach

if TYPE_CHECKING:  # the real imports, for type checkers; at run time each name is imported on first use
    from spasmlog.report.build import parse_date, render_index, render_person, restrict, write_report

__all__ = ["parse_date", "render_index", "render_person", "restrict", "write_report"]

_MODULES: dict[str, str] = {
    "parse_date": "spasmlog.report.build",
    "render_index": "spasmlog.report.build",
    "render_person": "spasmlog.report.build",
    "restrict": "spasmlog.report.build",
    "write_report": "spasmlog.report.build",
}
"""Each public name → the module that defines it, imported on first use (one place to update when code moves)."""

if not TYPE_CHECKING:  # hidden from type checkers: with it, any misspelt attribute would pass as Any
    __getattr__, __dir__ = attach(__name__, _MODULES)
