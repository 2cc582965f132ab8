"""The printable calendar of a plan: every day of the plan once, with what to do, escaped and offline."""

from __future__ import annotations

import re

import pandas as pd

from spasmlog.analysis.experiments import plan_experiment
from spasmlog.logformat.schemas import MAX_BLOCK_DAYS, MAX_PLANNED_PAIRS, MAX_WASHOUT_DAYS
from spasmlog.report.experiment_calendar import calendar_html, write_calendar

MONTH_ROOM_MM = 195  # of A4's 277 mm inside 10 mm margins: the rest is the heading, the day numbers and the foot
SMALLEST_ROW_MM = 3.4  # still holds a 5 pt OFF


def _layout(page: str) -> tuple[float, list[int], float]:
    """The row height (mm), the months on each printed page and the cell font (pt), read from the page itself."""
    row = float(re.search(r"--row: ([0-9.]+)mm", page).group(1))
    font = float(re.search(r"--cell-font: ([0-9.]+)pt", page).group(1))
    tables = re.split(r'<table class="planner', page)[1:]
    return row, [table.split("</table>")[0].count('<tr class="month">') for table in tables], font


def test_each_planned_day_appears_once_with_its_arm(tmp_path) -> None:
    plan = plan_experiment(None, change="Étirements <mollet>", against="marche & repos", pairs=2, block_days=7,
                           washout_days=2, start="2030-01-28", seed=4)  # fmt: skip
    page = calendar_html(plan.periods)
    cells = re.findall(r'<td class="(on|off|washout)"[ >]', page)
    assert cells.count("on") == 14 and cells.count("off") == 14 and cells.count("washout") == 6
    assert "Étirements &lt;mollet&gt;" in page and "<mollet>" not in page
    assert "marche &amp; repos" in page
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert "January 2030" in page and "March 2030" in page  # spans three months
    path = write_calendar(plan.periods, tmp_path / "cal.html", statement="With your usual…")
    assert "With your usual…" in path.read_text(encoding="utf-8")


def test_the_longest_plan_fits_one_a4_page() -> None:
    plan = plan_experiment(None, change="magnesium", pairs=MAX_PLANNED_PAIRS, block_days=MAX_BLOCK_DAYS,
                           washout_days=MAX_WASHOUT_DAYS, start="2030-01-31", seed=1, n_sim=1)  # fmt: skip
    page = calendar_html(plan.periods)
    assert "@page { size: A4 portrait; margin: 10mm; }" in page
    row, months, font = _layout(page)
    assert months == [56]  # 1,666 days from 31 January: 56 calendar months, one table
    assert row * months[0] <= MONTH_ROOM_MM and row >= SMALLEST_ROW_MM and font >= 5
    assert "runs to" not in page and 'class="planner next"' not in page
    cells = re.findall(r'<td class="(on|off|washout)"[ >]', page)
    assert (cells.count("on"), cells.count("off")) == (20 * 28, 20 * 28) and cells.count("washout") == 39 * 14


def test_a_short_plan_gets_roomy_rows_with_weekdays() -> None:
    plan = plan_experiment(None, change="stretching", pairs=2, block_days=7, start="2030-03-04", seed=2)
    page = calendar_html(plan.periods)
    row, months, font = _layout(page)
    assert months == [2] and row == 11 and font == 6.5  # "OFF" fits a day's 5.3 mm column
    march = re.search(r'<tr class="month"><th class="m">March 2030</th>(.*?)</tr>', page).group(1)
    cells = re.findall(r"<td[^>]*>.*?</td>", march)
    monday = r'<td class="(on|off)" data-monday><span class="wd">Mo</span>O.*'  # 4 March 2030, the first day
    assert len(cells) == 31 and re.fullmatch(monday, cells[3])
    assert cells[2] == '<td class="outside"><span class="wd">Su</span></td>'  # 3 March: before the plan


def test_a_longer_hand_made_table_says_it_runs_to_a_second_page() -> None:
    plan = plan_experiment(None, change="x", pairs=2, block_days=7, washout_days=0, start="2030-01-01", seed=3)
    periods = plan.periods.copy()
    periods.loc[periods.index[-1], "end"] = pd.Timestamp("2035-06-30")  # edited by hand: 66 months
    page = calendar_html(periods)
    row, months, _ = _layout(page)
    assert months == [57, 9] and row * 57 <= MONTH_ROOM_MM
    assert "the calendar runs to 2 pages (57 months a page)" in page
    assert page.count('class="planner next"') == 1  # the second table starts a new page
