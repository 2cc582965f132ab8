"""The printable calendar of a plan: every day of the plan once, with what to do, escaped and offline."""

from __future__ import annotations

import re

from spasmlog.analysis.experiments import plan_experiment
from spasmlog.report.experiment_calendar import calendar_html, write_calendar


def test_each_planned_day_appears_once_with_its_arm(tmp_path) -> None:
    plan = plan_experiment(None, change="Étirements <mollet>", against="marche & repos", pairs=2, block_days=7,
                           washout_days=2, start="2030-01-28", seed=4)  # fmt: skip
    page = calendar_html(plan.periods)
    cells = re.findall(r'<td class="(on|off|washout)">', page)
    assert cells.count("on") == 14 and cells.count("off") == 14 and cells.count("washout") == 6
    assert "Étirements &lt;mollet&gt;" in page and "<mollet>" not in page
    assert "marche &amp; repos" in page
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert "January 2030" in page and "March 2030" in page  # spans three months
    path = write_calendar(plan.periods, tmp_path / "cal.html", statement="With your usual…")
    assert "With your usual…" in path.read_text(encoding="utf-8")
