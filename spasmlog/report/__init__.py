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

from spasmlog.report.build import parse_date, render_index, render_person, restrict, write_report

__all__ = ["parse_date", "render_index", "render_person", "restrict", "write_report"]
