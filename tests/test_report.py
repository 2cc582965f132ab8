"""The HTML report: sections, numbers equal to the result tables, escaping, self-containment, caseload index,
period, command line."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from markupsafe import escape

import spasmlog
from spasmlog.analysis.findings import factor_label
from spasmlog.cli import main
from spasmlog.errors import SpasmlogError
from spasmlog.report import parse_date, restrict, write_report

SAMPLES = Path(__file__).parents[1] / "sample_data"
PERSON_SECTIONS = [
    "who",
    "headline",
    "trend",
    "calendar",
    "body-map",
    "associations",
    "interventions",
    "intake",
    "data-quality",
    "about-numbers",
]
Write = Callable[..., Path]


def section(html: str, name: str) -> str:
    """The HTML of ``<section id="name">``."""
    match = re.search(rf'<section id="{name}">(.*?)</section>', html, re.DOTALL)
    assert match, f"no section {name!r}"
    return match.group(1)


def text(html: str) -> str:
    """Visible text with tags dropped and whitespace collapsed (entities kept as written)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def card(html: str, name: str) -> str:
    match = re.search(rf'<span class="value" id="{name}">(.*?)</span>', html)
    assert match, f"no headline {name!r}"
    return match.group(1)


@pytest.fixture(scope="module")
def alex(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Alex's report and the result tables computed here, independently of the report code."""
    page = write_report(SAMPLES / "alex", tmp_path_factory.mktemp("alex") / "alex.html")
    log = spasmlog.read_log(SAMPLES / "alex", errors="quarantine")
    daily = spasmlog.daily_table(log)
    return {
        "html": page.read_text(encoding="utf-8"),
        "daily": daily,
        "summary": spasmlog.caseload_summary(daily).iloc[0],
        "rates": spasmlog.rate_ratios(daily),
        "effects": spasmlog.intervention_effect(daily),
    }


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(SAMPLES / "clinic", tmp_path_factory.mktemp("clinic") / "out")


# ---------------------------------------------------------------------------------------------------------------
# One person


def test_person_page_has_every_section(alex: dict[str, object]) -> None:
    html = str(alex["html"])
    for name in PERSON_SECTIONS:
        assert f'<section id="{name}">' in html
    assert html.count("<figure") >= 5  # trend, calendar, body map, effects, intake
    assert "Spasm report: alex" in html
    assert "female" in section(html, "who")


def test_headline_numbers_equal_the_result_tables(alex: dict[str, object]) -> None:
    html, daily, summary = str(alex["html"]), alex["daily"], alex["summary"]
    assert isinstance(daily, pd.DataFrame) and isinstance(summary, pd.Series)
    counts = daily["spasm_count"]
    assert card(html, "days-logged") == f"{summary['days_logged']:,}" == "704"
    assert card(html, "spasm-days") == f"{int((counts > 0).sum()):,}"
    assert card(html, "spasms-per-week") == f"{7 * counts.mean():.1f}"
    assert card(html, "change-ratio") == f"×{summary['change_ratio']:.2f}"
    change = text(section(html, "headline"))
    assert f"95% CI {summary['change_ci_low']:.2f} to {summary['change_ci_high']:.2f}" in change
    assert f"First 4 weeks: {summary['spasms_per_week_first']:.1f} spasms a week" in change
    assert f"last 4 weeks: {summary['spasms_per_week_last']:.1f}" in change


def test_association_sentences_and_table_are_the_findings(alex: dict[str, object]) -> None:
    html, rates = section(str(alex["html"]), "associations"), alex["rates"]
    assert isinstance(rates, pd.DataFrame)
    sentences = spasmlog.findings(rates)
    assert any("fewer spasms" in s for s in sentences)
    for sentence in sentences:
        assert str(escape(sentence)) in html
    found = rates[(rates["status"] == "ok") & (rates["p_adjusted"] <= 0.05)].sort_values("p_adjusted")
    table = re.search(r'<table id="association-table">(.*?)</table>', html, re.DOTALL)
    assert table
    rows = re.findall(r"<tr class=\"finding\">(.*?)</tr>", table.group(1), re.DOTALL)
    assert len(rows) == len(found) >= 1
    for row, (_, expected) in zip(rows, found.iterrows(), strict=True):
        cells = [text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]
        assert cells[0] == factor_label(expected["factor"])
        assert cells[3] == f"{expected['rate_ratio']:.2f}"
        assert cells[4] == f"{expected['ci_low']:.2f} to {expected['ci_high']:.2f}"
        assert cells[6] == str(int(expected["n"]))
    assert "causes" not in text(html)


def test_interventions_show_each_effect_and_its_sentence(alex: dict[str, object]) -> None:
    html, effects = section(str(alex["html"]), "interventions"), alex["effects"]
    assert isinstance(effects, pd.DataFrame)
    for sentence in spasmlog.findings(effects):
        assert str(escape(sentence)) in html
    table = re.search(r'<table id="intervention-effects">(.*?)</table>', html, re.DOTALL)
    assert table
    shown = text(table.group(1))
    for row in effects.itertuples():
        if row.status == "ok":
            assert f"{row.rate_ratio:.2f} ({row.ci_low:.2f} to {row.ci_high:.2f})" in shown
        else:
            assert str(escape(f"not estimated: {row.status}")) in shown
    assert "(6 single sessions)" in text(html)  # the monthly massages, grouped


def test_intake_table_is_the_median_percent_of_reference(alex: dict[str, object]) -> None:
    html, daily = section(str(alex["html"]), "intake"), alex["daily"]
    assert isinstance(daily, pd.DataFrame)
    rows = {
        text(cells[0]): [text(c) for c in cells]
        for cells in (
            re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL) for row in re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL)
        )
        if cells
    }
    assert rows["Magnesium"][4] == f"{daily['magnesium_pct'].median():.0f}%"
    assert rows["Magnesium"][3] == "320 mg/day"  # female, 36: RDA
    assert rows["Water from drinks"][4] == f"{daily['water_pct'].median():.0f}%"


def test_page_is_self_contained(alex: dict[str, object], clinic: Path) -> None:
    pages = [str(alex["html"])] + [p.read_text(encoding="utf-8") for p in sorted(clinic.parent.glob("*.html"))]
    for html in pages:
        lowered = html.lower()
        for reference in ('src="http', "src='http", 'href="http', "href='http", "@import", "<link", "<script"):
            assert reference not in lowered
        assert re.findall(r"""url\(\s*['"]?(?!#)""", html) == []  # only references within the page: url(#id)
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids))  # charts' clip paths, hatches and markers never collide
        assert "<img" not in lowered  # charts are inline SVG
        # the only web addresses left are XML namespace names inside the SVG (identifiers, never fetched)
        addresses = re.findall(r"""([\w:-]+)=["']https?://""", html)
        assert set(addresses) <= {"xmlns", "xmlns:xlink"}
        assert re.findall(r"https?://", re.sub(r"""[\w:-]+=["']https?://[^"']*["']""", "", html)) == []
        assert "@page { size: A4" in html


def test_messy_log_shows_quarantine_problems_and_conversions(tmp_path: Path) -> None:
    html = write_report(SAMPLES / "messy", tmp_path / "messy.html").read_text(encoding="utf-8")
    log = spasmlog.read_log(SAMPLES / "messy", errors="quarantine")
    quality = text(section(html, "data-quality"))
    assert f"{len(log.quarantine)} rows broke a rule" in quality
    assert f"Problems found ({len(log.problems)})" in quality
    assert "× 1000 (L to mL)" in quality
    assert "daily.csv:4" in quality and "&#39;lots&#39; is not a number" in section(html, "data-quality")
    daily = spasmlog.daily_table(log)
    assert f"{int((~daily['logged']).sum())} of {len(daily)} days in the span were not logged" in quality
    # too little data: said in words, never a confident number
    assert "The change was not estimated: logged span too short" in text(section(html, "headline"))
    assert "Not estimated:" in text(section(html, "associations"))


# ---------------------------------------------------------------------------------------------------------------
# User text is escaped


@pytest.fixture
def hostile_log(write: Write) -> Path:
    """A person whose notes, intervention name, dose and spasm notes are HTML, with 70 days of data."""
    rng = np.random.default_rng(7)
    days = pd.date_range("2025-03-01", periods=70, freq="D")
    lines = ["date,water_ml,sitting_h,notes"]
    for i, day in enumerate(days):
        note = "<script>alert(1)</script>" if i == 5 else ("fine & dandy" if i == 6 else "")
        lines.append(f"{day:%Y-%m-%d},{rng.integers(1000, 3000)},{rng.integers(2, 10)},{note}")
    write("me/daily.csv", "\n".join(lines) + "\n")
    spasms = ["start,body_region,side,notes"]
    for day in days[::3]:
        spasms.append(f"{day:%Y-%m-%d} 23:10,calf,left,<img src=x onerror=alert(3)>")
    spasms.append(f"{days[5]:%Y-%m-%d} 22:00,foot,right,")
    write("me/spasms.csv", "\n".join(spasms) + "\n")
    write(
        "me/interventions.csv",
        "name,kind,start,end,dose\n<script>alert(2)</script>,supplement,2025-04-01,,<b>300 mg</b>\n",
    )
    write(
        "me/provenance.csv",
        "date,column,source,file,detail\n"
        "2025-03-02,water_ml,cronometer,<i>dailysummary.csv</i>,\n"
        "2025-03-03,water_ml,cronometer,<i>dailysummary.csv</i>,\n"
        "2025-03-03,sleep_h,apple-health,export.zip,\n",
    )
    return write("me/people.csv", "person_id,sex,birth_year\nme,male,1990\n").parent


def test_user_text_is_escaped_everywhere(hostile_log: Path, tmp_path: Path) -> None:
    html = write_report(hostile_log, tmp_path / "me.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "<b>300" not in html and "<i>daily" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section(html, "notes")
    assert "&lt;img src=x onerror=alert(3)&gt;" in section(html, "notes")
    assert "fine &amp; dandy" in section(html, "notes")
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in section(html, "interventions")
    assert "&lt;b&gt;300 mg&lt;/b&gt;" in section(html, "interventions")
    assert "&lt;i&gt;dailysummary.csv&lt;/i&gt;" in section(html, "data-quality")


def test_person_ids_are_escaped_and_make_safe_file_names(write: Write, tmp_path: Path) -> None:
    lines = ["person_id,date,water_ml,spasm_count"]
    for person in ("<i>ann</i>", "bob"):
        for day in pd.date_range("2025-01-01", periods=40, freq="D"):
            lines.append(f"{person},{day:%Y-%m-%d},{1500 + day.day * 10},{day.day % 3}")
    log = write("team/daily.csv", "\n".join(lines) + "\n").parent
    index = write_report(log, tmp_path / "out")
    html = index.read_text(encoding="utf-8")
    assert "<i>" not in html and '<a href="i_ann_i.html">&lt;i&gt;ann&lt;/i&gt;</a>' in html
    page = (tmp_path / "out" / "i_ann_i.html").read_text(encoding="utf-8")
    assert "<i>" not in page and "Spasm report: &lt;i&gt;ann&lt;/i&gt;" in page
    assert "No spasm events with a body region were logged" in section(page, "body-map")  # daily counts only
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["bob.html", "i_ann_i.html", "index.html"]


def test_provenance_is_grouped_by_source_and_file(hostile_log: Path, tmp_path: Path) -> None:
    html = write_report(hostile_log, tmp_path / "me.html").read_text(encoding="utf-8")
    quality = section(html, "data-quality")
    table = re.search(r'<table id="provenance-table">(.*?)</table>', quality, re.DOTALL)
    assert table
    rows = [text(r) for r in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.DOTALL)][1:]
    assert rows == [
        "apple-health export.zip 1 sleep_h 2025-03-03 to 2025-03-03",
        "cronometer &lt;i&gt;dailysummary.csv&lt;/i&gt; 2 water_ml 2025-03-02 to 2025-03-03",
    ]
    assert "3 daily values came from app exports" in text(quality)


def test_a_log_without_imports_says_so(alex: dict[str, object]) -> None:
    assert "Nothing imported: every value was entered by hand." in section(str(alex["html"]), "data-quality")


# ---------------------------------------------------------------------------------------------------------------
# Several people


def test_caseload_index_links_to_a_page_per_person(clinic: Path) -> None:
    assert clinic.name == "index.html"
    html = clinic.read_text(encoding="utf-8")
    for name in ("caseload", "caseload-chart", "about-numbers"):
        assert f'<section id="{name}">' in html
    links = re.findall(r'<a href="([^"]+)">', section(html, "caseload"))
    assert len(links) == 12
    for link in links:
        assert not link.startswith("/") and ":" not in link  # relative: the folder can be moved or zipped
        page = (clinic.parent / link).read_text(encoding="utf-8")
        assert '<a href="index.html">' in page
        for name in PERSON_SECTIONS:
            assert f'<section id="{name}">' in page


def test_caseload_table_equals_caseload_summary(clinic: Path) -> None:
    summary = spasmlog.caseload_summary(spasmlog.daily_table(spasmlog.read_log(SAMPLES / "clinic")))
    html = section(clinic.read_text(encoding="utf-8"), "caseload")
    rows = re.findall(r"<tr>\s*<td><a(.*?)</tr>", html, re.DOTALL)
    assert len(rows) == len(summary)
    for row, (_, expected) in zip(rows, summary.iterrows(), strict=True):  # same order: most improved first
        shown = text("<a" + row)
        assert shown.startswith(str(expected["person_id"]) + " ")
        assert f"{expected['days_logged']} of {expected['days_in_span']} days" in shown
        assert f"{expected['spasms_per_week_first']:.1f} → {expected['spasms_per_week_last']:.1f}" in shown
        assert (
            f"{expected['change_ratio']:.2f} ({expected['change_ci_low']:.2f} to {expected['change_ci_high']:.2f})"
            in shown
        )


def test_person_page_in_caseload_equals_a_report_of_that_person(clinic: Path, tmp_path: Path) -> None:
    alone = write_report(SAMPLES / "clinic", tmp_path / "c05.html", person="c05").read_text(encoding="utf-8")
    within = (clinic.parent / "c05.html").read_text(encoding="utf-8")
    for name in ("headline", "associations", "interventions", "intake"):
        assert text(section(alone, name)) == text(section(within, name))


def test_several_people_need_a_folder(tmp_path: Path) -> None:
    with pytest.raises(SpasmlogError, match="holds 12 people, so the report is a folder"):
        write_report(SAMPLES / "clinic", tmp_path / "clinic.html")


# ---------------------------------------------------------------------------------------------------------------
# The period


def test_from_to_restricts_every_table(alex: dict[str, object], tmp_path: Path) -> None:
    html = write_report(SAMPLES / "alex", tmp_path / "w.html", start="2025-01-01", end="2025-06-20").read_text(
        encoding="utf-8"
    )
    log = spasmlog.read_log(SAMPLES / "alex")
    window = restrict(log, start=pd.Timestamp("2025-01-01"), end=pd.Timestamp("2025-06-20"))
    assert window.daily["date"].between("2025-01-01", "2025-06-20").all()
    assert window.spasms["start"].between("2025-01-01", "2025-06-21").all()
    assert set(window.interventions["name"]) == {"magnesium glycinate"}  # started 2024-12-30: overlaps
    daily = spasmlog.daily_table(window)
    who = text(section(html, "who"))
    assert f"{daily['date'].iloc[0]:%Y-%m-%d} to {daily['date'].iloc[-1]:%Y-%m-%d}" in who
    assert "Period asked for 2025-01-01 to 2025-06-20" in who
    assert card(html, "days-logged") == str(int(daily["logged"].sum()))
    assert card(html, "spasms-per-week") == f"{7 * daily['spasm_count'].mean():.1f}"
    assert int(card(html, "days-logged")) < int(card(str(alex["html"]), "days-logged"))
    # started two days before the period: nothing to compare it with, and the page says why
    assert "too few days before (0 &lt; 14)" in section(html, "interventions")


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2025-13-01", None, r"start \(--from\) date must be a day written YYYY-MM-DD"),
        ("yesterday", None, r"Got 'yesterday' instead"),
        (None, "2025/06/01", r"end \(--to\) date"),
        ("2025-06-01", "2025-01-01", r"starts \(2025-06-01\) after it ends \(2025-01-01\)"),
        ("2030-01-01", None, r"Nothing was logged between 2030-01-01 and the end"),
    ],
)
def test_bad_or_empty_period_is_a_clear_error(start: str | None, end: str | None, message: str, tmp_path: Path) -> None:
    with pytest.raises(SpasmlogError, match=message):
        write_report(SAMPLES / "alex", tmp_path / "x.html", start=start, end=end)
    assert not (tmp_path / "x.html").exists()


def test_parse_date_accepts_dates_and_timestamps() -> None:
    import datetime

    assert parse_date(datetime.date(2025, 3, 1), "start") == pd.Timestamp("2025-03-01")
    assert parse_date(pd.Timestamp("2025-03-01 14:30"), "start") == pd.Timestamp("2025-03-01")
    assert parse_date(" 2025-03-01 ", "start") == pd.Timestamp("2025-03-01")
    assert parse_date(None, "start") is None


def test_unknown_person_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SpasmlogError, match=r"No person 'c99' in this log; it holds: c01, c02"):
        write_report(SAMPLES / "clinic", tmp_path / "x.html", person="c99")


def test_a_log_object_is_accepted(tmp_path: Path) -> None:
    log = spasmlog.read_log(SAMPLES / "messy", errors="quarantine")
    page = write_report(log, tmp_path)  # an existing folder: report.html inside
    assert page == tmp_path / "report.html"
    assert "a log given in Python" in page.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------------
# Command line


def test_cli_writes_report_html_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["report", str(SAMPLES / "messy")]) == 0
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cli_writes_a_folder_for_several_people(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["report", str(SAMPLES / "clinic"), "--from", "2025-05-01", "--to", "2025-06-30"]) == 0
    assert "report/index.html" in capsys.readouterr().out
    pages = sorted(p.name for p in (tmp_path / "report").glob("*.html"))
    # clients whose logs start after June have nothing in the period
    assert "index.html" in pages and "c01.html" in pages and "c10.html" not in pages
    assert "Nothing logged in this period by: c09, c10, c11, c12." in (tmp_path / "report" / "index.html").read_text(
        encoding="utf-8"
    )


def test_cli_person_and_output(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "c03.html"
    assert main(["report", str(SAMPLES / "clinic"), "--person", "c03", "-o", str(out)]) == 0
    assert "Spasm report: c03" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "no/such/log"], "does not exist"),
        (["report", str(SAMPLES / "alex"), "--from", "2025-02-30"], "must be a day written YYYY-MM-DD"),
        (["report", str(SAMPLES / "alex"), "--to", "1999-01-01"], "Nothing was logged"),
        (["report", str(SAMPLES / "clinic"), "--person", "nobody"], "No person 'nobody'"),
    ],
)
def test_cli_errors_exit_2_without_traceback(args: list[str], message: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "spasmlog", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stderr.startswith("spasmlog: error: ")
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())  # nothing half-written
