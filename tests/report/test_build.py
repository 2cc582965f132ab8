"""The HTML report: sections, numbers equal to the result tables, escaping, self-containment, caseload index,
period, command line."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from markupsafe import escape

import spasmlog
from spasmlog.analysis.decision import PRIMARY_HYPOTHESES, decide_together
from spasmlog.analysis.findings import factor_label
from spasmlog.analysis.sessions import session_interventions
from spasmlog.cli import main
from spasmlog.errors import ParameterError, SpasmlogError
from spasmlog.report import parse_date, restrict, write_report

SAMPLES = Path(__file__).parents[2] / "sample_data"
PERSON_SECTIONS = [
    "who",
    "headline",
    "trend",
    "calendar",
    "body-map",
    "associations",
    "interventions",
    "sessions",
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


def decided(daily: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """What one report states, computed here with the analysis functions: rate ratios, the interventions that
    last and the sessions (single-day interventions), decided together as one budget."""
    sessions = session_interventions(daily)
    lasting = [c for c in daily.columns if c.startswith("on_") and c not in sessions and daily[c].fillna(0).any()]
    rates, effects, visits = decide_together(
        [
            spasmlog.rate_ratios(daily),
            spasmlog.intervention_effect(daily, intervention=lasting),
            spasmlog.session_effect(daily, sessions=sessions),
        ]
    )
    return {"rates": rates, "effects": effects, "sessions": visits}


@pytest.fixture(scope="module")
def alex(sample_report: Callable[[str], Path]) -> dict[str, object]:
    """Alex's report and the result tables computed here, independently of the report code."""
    page = sample_report("alex")
    log = spasmlog.read_log(SAMPLES / "alex", errors="quarantine")
    daily = spasmlog.daily_table(log)
    return {
        "html": page.read_text(encoding="utf-8"),
        "daily": daily,
        "summary": spasmlog.caseload_summary(daily).iloc[0],
        **decided(daily),
    }


@pytest.fixture(scope="module")
def clinic(sample_report: Callable[[str], Path]) -> Path:
    return sample_report("clinic")


# ---------------------------------------------------------------------------------------------------------------
# One person


def test_person_page_has_every_section(alex: dict[str, object]) -> None:
    html = str(alex["html"])
    for name in PERSON_SECTIONS:
        assert f'<section id="{name}">' in html
    assert html.count("<figure") >= 6  # trend, calendar, body map, forest, lag profile of the findings, intake
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


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A person with a strong planted water effect, so that the report has findings to state."""
    from spasmlog.simulate import Effect

    folder = tmp_path_factory.mktemp("planted")
    water = Effect("water_ml", lag=1, per=500, rate_ratio=0.6)
    sim = spasmlog.simulate(1, 730, start="2024-01-01", seed=5, effects=[water])
    sim.log.write(folder / "log")
    page = write_report(folder / "log", folder / "planted.html")
    daily = spasmlog.daily_table(spasmlog.read_log(folder / "log"))
    return {"html": page.read_text(encoding="utf-8"), **decided(daily)}


def test_association_sentences_and_table_are_the_findings(planted: dict[str, object]) -> None:
    html, rates = section(str(planted["html"]), "associations"), planted["rates"]
    assert isinstance(rates, pd.DataFrame)
    assert '<figure class="forest">' in html and '<figure class="lag_profile">' in html
    sentences = spasmlog.findings(
        rates, how_long=False
    )  # decided with the interventions and sessions: the page's one budget
    stated = [s for s in sentences if not s.startswith(("No clear association", "Not estimated"))]
    assert any("fewer spasms" in s for s in stated)
    for sentence in stated:
        assert f'<li class="found">{escape(sentence)}</li>' in html
    found = rates[(rates["status"] == "ok") & (rates["p_adjusted"] <= 0.05)]
    found = found.sort_values(["p_adjusted", "p_value"], kind="stable")
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
    # the monthly massages are sessions, judged in their own section, not as an intervention that lasts
    assert set(effects["intervention"]) == {"on_calf_stretching_programme", "on_magnesium_glycinate"}
    for sentence in spasmlog.findings(effects):
        if sentence.startswith("No clear association with "):  # said in the page's terms: one budget
            names = sentence.removeprefix("No clear association with ").split(" (")[0]
            sentence = f"No clear change with {names} (corrected together with everything on this page)."
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


def strongest(rows: pd.DataFrame) -> pd.Series:
    """The row that stands for a hypothesis: the smallest adjusted p-value, ties by the p-value."""
    return rows.sort_values(["p_adjusted", "p_value"], kind="stable").iloc[0]


def body_rows(html: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table id="{table_id}"[^>]*>.*?<tbody>(.*?)</tbody>', html, re.DOTALL)
    assert table, f"no table {table_id!r}"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.DOTALL)
    return [[text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)] for row in rows]


def test_forest_and_factor_table_give_every_factor_its_family_and_strongest_lag(alex: dict[str, object]) -> None:
    html, rates = section(str(alex["html"]), "associations"), alex["rates"]
    assert isinstance(rates, pd.DataFrame)
    assert '<figure class="forest">' in html
    rows = body_rows(html, "factor-table")
    suspects = [h for h in dict.fromkeys(rates["hypothesis"]) if h in PRIMARY_HYPOTHESES]
    hypotheses = suspects + [h for h in dict.fromkeys(rates["hypothesis"]) if h not in PRIMARY_HYPOTHESES]
    assert (len(rows), len(suspects)) == (18, 12)  # the 12 known suspects first, then 6 columns of alex's own
    for cells, name in zip(rows, hypotheses, strict=True):
        best = strongest(rates[(rates["hypothesis"] == name) & (rates["status"] == "ok")])
        suspect = name in PRIMARY_HYPOTHESES
        assert cells[0].startswith(factor_label(name))
        assert cells[1] == ("known suspect (primary)" if suspect else "your own column (exploratory)")
        assert cells[4] == f"{best['rate_ratio']:.2f} ({best['ci_low']:.2f} to {best['ci_high']:.2f})"
        result = "finding" if best["p_adjusted"] <= 0.05 else "not yet clear" if suspect else "no clear association"
        assert cells[6] == result
    # the planted water effect (lag 1, 0.75 per 500 mL) is found; the forest draws every hypothesis by name
    assert rows[0][:3] == ["water", "known suspect (primary)", "1 day before"] and rows[0][6] == "finding"
    svg = re.search(r'<figure class="forest">(.*?)</figure>', html, re.DOTALL)
    assert svg
    for heading in ("Known suspects (primary family)", "Your other columns (exploratory family)"):
        assert heading in svg.group(1)
    assert "calf stretching programme: while on it" in svg.group(1)
    assert "sports massage: days 1–3 after a session" in svg.group(1)
    assert "causes" not in text(html)


def test_how_long_until_you_would_know_for_each_known_suspect_not_found(alex: dict[str, object]) -> None:
    html, rates = section(str(alex["html"]), "associations"), alex["rates"]
    assert isinstance(rates, pd.DataFrame)
    listed = re.search(r'<ul id="how-long">(.*?)</ul>', html, re.DOTALL)
    assert listed
    items = [text(i) for i in re.findall(r"<li>(.*?)</li>", listed.group(1), re.DOTALL)]
    expected = []
    for name in dict.fromkeys(rates["hypothesis"]):
        ok = rates[(rates["hypothesis"] == name) & (rates["status"] == "ok")]
        if name in PRIMARY_HYPOTHESES and len(ok) and strongest(ok)["p_adjusted"] > 0.05:
            expected.append((name, strongest(ok)))
    assert len(items) == len(expected) >= 5
    projection = (
        r"(If this is the real size, about \d+ more (days?|weeks?|months?) of logging would show it\."
        r"|An effect of this size would need more than a year of further logging to show\.)$"
    )
    for item, (name, best) in zip(items, expected, strict=True):
        assert item.startswith(f"{factor_label(name).capitalize()} (")
        decimals = max(0, 1 - int(np.floor(np.log10(best["rate_ratio"]))))  # two significant digits, or three
        shown = [f": {best['rate_ratio']:.{d}f} times the spasm rate " for d in (decimals, decimals + 1)]
        assert any(s in item for s in shown), item  # where two would make the interval touch the estimate
        assert f"; {int(best['n'])} days), not yet clear. " in item
        assert re.search(projection, item), item
    assert not [i for i in items if i.startswith(("Water", "Sitting"))]  # the findings need no projection


def test_level_needed_is_the_weighted_step_up_level() -> None:
    from spasmlog.analysis.overview import level_needed

    table = pd.DataFrame({"family": ["primary"] * 15 + ["exploratory"] * 5, "finding": [True] + [False] * 19})
    # 20 hypotheses, primary weight 0.8 * 20 / 15; one already stated: the next primary needs 0.05 * w * 2 / 20
    assert level_needed(table, "primary") == pytest.approx(0.05 * (0.8 * 20 / 15) * 2 / 20)
    assert level_needed(table, "exploratory") == pytest.approx(0.05 * (0.2 * 20 / 5) * 2 / 20)
    alone = pd.DataFrame({"family": ["primary"] * 4, "finding": [False] * 4})
    assert level_needed(alone, "primary") == pytest.approx(0.05 / 4)
    assert level_needed(alone, "primary", alpha=0.01) == pytest.approx(0.01 / 4)


def test_sessions_section_shows_the_days_after_each_session(alex: dict[str, object]) -> None:
    html, visits = section(str(alex["html"]), "sessions"), alex["sessions"]
    assert isinstance(visits, pd.DataFrame)
    rows = body_rows(html, "session-effects")
    assert len(rows) == len(visits) == 3
    for cells, (_, row) in zip(rows, visits.iterrows(), strict=True):
        assert cells[0] == "sports massage"
        assert cells[6] == f"{row['rate_ratio']:.2f} ({row['ci_low']:.2f} to {row['ci_high']:.2f})"
    assert [r[1] for r in rows] == ["the days 1–3 after a session", "session days", "the whole course of sessions"]
    after = visits[visits["term"] == "after"].iloc[0]
    assert after["status"] == "ok" and int(after["sessions"]) == 6  # estimated, not "too few days during"
    sentences = re.search(r'<ul class="findings" id="session-sentences">(.*?)</ul>', html, re.DOTALL)
    assert sentences
    said = text(sentences.group(1))
    assert said.startswith("In the days 1–3 after a session of sports massage (6 sessions, 18 days), you logged ")
    assert said.endswith("no clear difference.") == (after["p_adjusted"] > 0.05)


def test_a_session_finding_is_said_as_an_association() -> None:
    from spasmlog.report.build import _session_sentences

    row = {"term": "after", "name": "physio", "status": "ok", "rate_ratio": 0.5, "ci_low": 0.3, "ci_high": 0.8,
           "sessions": 12, "days": 36, "term_words": "the days 1–3 after a session", "finding": True}  # fmt: skip
    (sentence,) = _session_sentences([row, {**row, "term": "course"}])
    assert sentence == (
        "In the days 1–3 after a session of physio (12 sessions, 36 days), you logged 0.50 times as many spasms as "
        "on other days (95% CI 0.30 to 0.80): fewer spasms after a session. This is an association, not proof of cause."
    )
    (missing,) = _session_sentences([{**row, "status": "too few sessions (2 < 3)"}])
    assert missing == "Physio: the days after a session were not estimated (too few sessions (2 < 3))."


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
    headline = text(section(html, "headline"))
    assert (
        "The change from the first to the last 4 weeks was not estimated: not enough days to test "
        "(a span of 30 days; 56 needed)." in headline
    )
    assert "First 4 weeks" not in headline  # the same days twice would read as "no change"
    assert "Not estimated:" in text(section(html, "associations"))


def test_headers_not_understood_are_listed_with_their_suggestion(tmp_path: Path) -> None:
    log = tmp_path / "log"
    log.mkdir()
    days = [f"2026-01-{d:02d},{d % 3},7.5,gut" for d in range(1, 31)]
    (log / "daily.csv").write_text("date,spasm_count,Schlaff (Std),Humeur\n" + "\n".join(days) + "\n")
    out = tmp_path / "r.html"
    assert main(["report", str(log), "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "Headers not understood (2)" in text(section(html, "data-quality"))
    rows = [[Path(file).name, header, meant] for file, header, meant in body_rows(html, "unknown-table")]
    assert rows == [["daily.csv", "Schlaff (Std)", "sleep_h"], ["daily.csv", "Humeur", "–"]]


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


def test_caseload_index_states_what_each_page_states(clinic: Path) -> None:
    """The index's strongest association is the first finding of the person's page: one decision per person."""
    html = section(clinic.read_text(encoding="utf-8"), "caseload")
    rows = re.findall(r'<tr>\s*<td><a href="([^"]+)">(.*?)</tr>', html, re.DOTALL)
    assert len(rows) == 12
    for link, row in rows:
        page = section((clinic.parent / link).read_text(encoding="utf-8"), "associations")
        shown = text(row)
        if 'id="association-table"' not in page:
            assert "no clear association" in shown
            continue
        first = body_rows(page, "association-table")[0]
        assert f"{first[0]} (lag " in shown and f"rate ratio {first[3]} per " in shown


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


@pytest.mark.parametrize("value", ["2025-02-30", "1 March 2025", "", 20250301, 2025.0])
def test_a_bad_date_is_a_parameter_error(value: object) -> None:
    with pytest.raises(ParameterError, match=r"The start \(--from\) date must be a day written YYYY-MM-DD") as caught:
        parse_date(value, "start (--from)")  # type: ignore[arg-type]
    error = caught.value
    assert isinstance(error, SpasmlogError) and isinstance(error, ValueError)
    assert (error.function, error.parameter, error.value) == ("write_report", "start", value)


def test_restrict_names_the_bad_argument() -> None:
    log = spasmlog.simulate(2, 20, seed=1, person_ids=["ann", "bob"]).log
    with pytest.raises(ParameterError, match=r"No person 'cy' in this log; it holds: ann, bob") as caught:
        restrict(log, person="cy")
    assert (caught.value.parameter, caught.value.value) == ("person", "cy")
    start, end = pd.Timestamp("2025-01-10"), pd.Timestamp("2025-01-05")
    with pytest.raises(ParameterError, match=r"starts \(2025-01-10\) after it ends \(2025-01-05\)") as caught:
        restrict(log, start=start, end=end)
    assert (caught.value.parameter, caught.value.value) == ("start", start)


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


@pytest.mark.slow
def test_cli_writes_a_folder_for_several_people(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["report", str(SAMPLES / "clinic"), "--from", "2025-05-01", "--to", "2025-06-30"]) == 0
    assert "report/index.html" in capsys.readouterr().out
    pages = sorted(p.name for p in (tmp_path / "report").glob("*.html"))
    # clients whose logs start after June have nothing in the period
    assert "index.html" in pages and "c01.html" in pages and "c10.html" not in pages
    index = text((tmp_path / "report" / "index.html").read_text(encoding="utf-8"))
    assert "No data in the period asked for, so no page, for 4 people: c09 (logged 2025-07-07 to 2026-01-02)," in index
    assert "c12 (logged 2025-10-06 to 2026-07-02)." in index


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
def test_cli_errors_exit_2_without_traceback(
    args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """In-process (a real process's exit codes are tested in test_cli.py): an exception escaping would fail."""
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.startswith("spasmlog: error: ")
    assert "Traceback" not in err
    assert not list(tmp_path.iterdir())  # nothing half-written


# ---------------------------------------------------------------------------------------------------------------
# Optional columns left out, logs without spasms, where the report is written


def _days(n: int = 70) -> pd.DatetimeIndex:
    return pd.date_range("2025-03-01", periods=n, freq="D")


PEOPLE_VARIANTS = {
    "no people table": None,
    "person_id only": "person_id\nmin\n",
    "sex only": "person_id,sex\nmin,female\n",
    "birth_year only": "person_id,birth_year\nmin,1980\n",
}


@pytest.mark.parametrize("people", PEOPLE_VARIANTS.values(), ids=PEOPLE_VARIANTS.keys())
def test_minimal_tables_with_only_the_required_columns(write: Write, tmp_path: Path, people: str | None) -> None:
    """Every optional column of every table left out: the page shows "–" (or leaves the item out)."""
    write(
        "min/daily.csv",
        "date,water_ml\n" + "".join(f"{d:%Y-%m-%d},{1500 + i * 37 % 900}\n" for i, d in enumerate(_days())),
    )
    write("min/spasms.csv", "start,body_region\n" + "".join(f"{d:%Y-%m-%d} 23:10,calf\n" for d in _days()[::3]))
    write("min/interventions.csv", "name,start\nmagnesium,2025-04-01\nstretching,2025-04-10\n")
    if people is not None:
        write("min/people.csv", people)
    html = write_report(tmp_path / "min", tmp_path / "min.html").read_text(encoding="utf-8")
    for name in PERSON_SECTIONS:
        assert f'<section id="{name}">' in html
    table = re.search(r'<table id="intervention-log">(.*?)</table>', html, re.DOTALL)
    assert table
    logged = text(table.group(1))
    assert "magnesium – 2025-04-01 ongoing –" in logged  # no kind, no end (open), no dose
    who = text(section(html, "who"))
    expected = {
        "no people table": ("Sex not given", "Age band not given"),
        "person_id only": ("Sex not given", "Age band not given"),
        "sex only": ("Sex female", "Age band not given"),
        "birth_year only": ("Sex not given", "Age band 40–49 (born 1980)"),
    }[next(k for k, v in PEOPLE_VARIANTS.items() if v == people)]
    for shown in expected:
        assert shown in who
    assert 'id="spasm-days"' in html and "body_map" in html


@pytest.mark.parametrize("header", ["name,kind,start", "name,kind,start,end", "name,start,end,dose"])
def test_interventions_without_optional_columns_on_the_command_line(write: Write, tmp_path: Path, header: str) -> None:
    """The reviewer's case: two days, an interventions table without end (or dose, or kind): exit 0, not 3."""
    write("noend/daily.csv", "date,water_ml,spasm_count\n2026-01-01,1500,2\n2026-01-02,1600,5\n")
    values = {"name": "magnesium", "kind": "supplement", "start": "2026-01-01", "end": "", "dose": "300 mg"}
    write("noend/interventions.csv", header + "\n" + ",".join(values[c] for c in header.split(",")) + "\n")
    out = tmp_path / "r.html"
    assert main(["report", str(tmp_path / "noend"), "-o", str(out)]) == 0
    assert "magnesium" in section(out.read_text(encoding="utf-8"), "interventions")


@pytest.fixture
def daily_only(write: Write) -> Path:
    """70 days of water and sleep with notes, an intervention, and no spasm data at all."""
    lines = ["date,water_ml,sleep_h,notes"]
    for i, day in enumerate(_days()):
        lines.append(f"{day:%Y-%m-%d},{1500 + i * 37 % 900},{6 + i % 3},{'tired' if i % 10 == 0 else ''}")
    write("donly/daily.csv", "\n".join(lines) + "\n")
    return write("donly/interventions.csv", "name,start\nmagnesium,2025-04-01\n").parent


def test_a_log_without_spasms_says_so_and_shows_no_zeros(daily_only: Path, tmp_path: Path) -> None:
    html = write_report(daily_only, tmp_path / "d.html").read_text(encoding="utf-8")
    headline = section(html, "headline")
    assert card(html, "days-logged") == "70"
    for name in ("spasm-days", "spasms-per-week", "change-ratio"):  # no "0 days with at least one spasm"
        assert f'id="{name}"' not in headline
    assert 'id="change"' not in headline and "too few logged days" not in html
    assert (
        "No spasms were recorded in this log: there is no spasms table and the daily table has no spasm_count column."
        in text(headline)
    )
    for name in ("trend", "calendar", "body-map"):
        assert "<figure" not in section(html, name) and "No spasms were recorded" in section(html, name)
    associations = text(section(html, "associations"))
    assert "Nothing was tested" in associations and "Not estimated" not in associations
    interventions = section(html, "interventions")
    assert "magnesium" in interventions and 'id="intervention-effects"' not in interventions
    assert "cannot be judged: no spasms were recorded" in text(interventions)
    assert "cannot be judged: no spasms were recorded" in text(section(html, "sessions"))
    assert 'id="how-long"' not in html and '<figure class="forest">' not in html
    assert '<figure class="intake">' in section(html, "intake")  # the factors are still shown
    assert '<section id="notes">' not in html  # notes on days without a spasm count are not "days with the most"
    assert "0 factor-and-lag tests" not in html


def test_an_empty_spasm_count_column_and_a_period_without_spasms_are_explained(write: Write, tmp_path: Path) -> None:
    lines = ["date,water_ml,spasm_count"] + [
        f"{d:%Y-%m-%d},{1500 + d.day},{'3' if d.month == 5 else ''}" for d in _days()
    ]
    log = write("empty/daily.csv", "\n".join(lines) + "\n").parent
    html = write_report(log, tmp_path / "a.html", end="2025-04-30").read_text(encoding="utf-8")
    assert (
        "No spasms were recorded between the start and 2025-04-30: no spasm events and no daily spasm_count in this"
        in text(section(html, "headline"))
    )
    write("blank/daily.csv", "date,water_ml,spasm_count\n" + "".join(f"{d:%Y-%m-%d},1500,\n" for d in _days()))
    html = write_report(tmp_path / "blank", tmp_path / "b.html").read_text(encoding="utf-8")
    assert "the daily spasm_count column is empty" in text(section(html, "headline"))


def test_notes_list_only_days_with_spasms(write: Write, tmp_path: Path) -> None:
    lines = ["date,water_ml,spasm_count,notes"]
    for i, day in enumerate(_days(40)):
        count = 0 if i % 2 else i % 5
        lines.append(f"{day:%Y-%m-%d},1500,{count},note {i}")
    log = write("n/daily.csv", "\n".join(lines) + "\n").parent
    html = write_report(log, tmp_path / "n.html").read_text(encoding="utf-8")
    rows = [text(r) for r in re.findall(r"<tr><td>(.*?)</tr>", section(html, "notes"), re.DOTALL)]
    assert len(rows) == 6
    counts = [int(row.split()[1]) for row in rows]
    assert counts == sorted(counts, reverse=True) and min(counts) > 0


def test_caseload_index_marks_a_person_without_spasms(write: Write, tmp_path: Path) -> None:
    lines = ["person_id,date,water_ml,spasm_count"]
    lines += [f"ann,{d:%Y-%m-%d},{1500 + d.day * 10},{d.day % 3}" for d in _days(40)]
    lines += [f"bob,{d:%Y-%m-%d},{1500 + d.day * 10}," for d in _days(40)]
    log = write("team/daily.csv", "\n".join(lines) + "\n").parent
    index = write_report(log, tmp_path / "out")
    rows = re.findall(r"<tr>\s*<td><a(.*?)</tr>", section(index.read_text(encoding="utf-8"), "caseload"), re.DOTALL)
    shown = {text("<a" + row).split()[0]: text("<a" + row) for row in rows}
    assert "no spasms recorded" in shown["bob"] and "no spasms recorded" not in shown["ann"]
    assert "no clear association" not in shown["bob"]  # nothing was tested
    assert 'id="no-spasms"' in (tmp_path / "out" / "bob.html").read_text(encoding="utf-8")


def test_caseload_index_says_not_enough_days_to_test(write: Write, tmp_path: Path) -> None:
    """A client with three weeks of diary: no "6.7 → 6.7" from overlapping four-week windows, and no "no clear
    association" where nothing could be tested; both say why, with the days."""
    lines = ["person_id,date,water_ml,spasm_count"]
    lines += [f"Anna-Katharina Schmidt-Weißenfels,{d:%Y-%m-%d},{1500 + d.day * 10},{d.day % 3}" for d in _days(100)]
    lines += [f"Physio – Dr. Müller-Lüdenscheidt,{d:%Y-%m-%d},{1500 + d.day * 10},{d.day % 4}" for d in _days(20)]
    log = write("team/daily.csv", "\n".join(lines) + "\n").parent
    index = write_report(log, tmp_path / "out")
    rows = re.findall(r"<tr>\s*<td><a(.*?)</tr>", section(index.read_text(encoding="utf-8"), "caseload"), re.DOTALL)
    shown = {text("<a" + row).split(" 20")[0]: text("<a" + row) for row in rows}
    short = shown["Physio – Dr. Müller-Lüdenscheidt"]
    assert "not enough days to test (a span of 20 days; 56 needed)" in short
    assert "not enough days to test (20 days logged; 28 needed)" in short
    assert "→" not in short and "no clear association" not in short
    assert "→" in shown["Anna-Katharina Schmidt-Weißenfels"]
    assert "not enough" not in shown["Anna-Katharina Schmidt-Weißenfels"]


@pytest.mark.parametrize(
    ("output", "written"),
    [
        ("out/r_x", "out/r_x.html"),  # no suffix: .html added, not a file without an extension
        ("out/r.v2", "out/r.v2.html"),
        ("out/r.HTM", "out/r.HTM"),
        ("out/new/", "out/new/report.html"),  # a name ending in / is a folder
    ],
)
def test_one_person_output_is_always_an_html_file(
    output: str, written: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    page = write_report(SAMPLES / "messy", output)
    assert page == Path(written) and page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == [written]


def test_a_period_leaving_one_client_still_writes_the_caseload_folder(tmp_path: Path) -> None:
    """Whether the report is a folder depends on the log, never on --from/--to."""
    index = write_report(SAMPLES / "clinic", tmp_path / "cl", start="2026-05-01")
    assert index == tmp_path / "cl" / "index.html"
    assert sorted(p.name for p in (tmp_path / "cl").iterdir()) == ["c12.html", "index.html"]
    html = index.read_text(encoding="utf-8")
    assert "Spasm log caseload: 1 person</title>" in html
    shown = text(section(html, "caseload"))
    assert "No data in the period asked for, so no page, for 11 people: c01 (logged 2025-01-13 to 2025-05-12)," in shown
    assert "c11 (logged 2025-09-01 to 2026-04-28)." in shown
    # one client asked for by name is still one page
    page = write_report(SAMPLES / "clinic", tmp_path / "c12", person="c12", start="2026-05-01")
    assert page == tmp_path / "c12.html"


def test_caseload_output_must_be_a_folder(write: Write, tmp_path: Path) -> None:
    taken = write("taken", "a file")
    with pytest.raises(SpasmlogError, match="is a file, but the report of several people is a folder"):
        write_report(SAMPLES / "clinic", taken)
    assert taken.read_text(encoding="utf-8") == "a file"


def test_people_named_but_never_logged_are_listed_on_the_index(write: Write, tmp_path: Path) -> None:
    lines = ["person_id,date,water_ml,spasm_count"]
    lines += [f"{p},{d:%Y-%m-%d},{1500 + d.day * 10},{d.day % 3}" for p in ("ann", "bob") for d in _days(40)]
    write("team/daily.csv", "\n".join(lines) + "\n")
    log = write("team/people.csv", "person_id,sex\nann,female\nbob,male\ncyd,male\n").parent
    html = write_report(log, tmp_path / "out").read_text(encoding="utf-8")
    assert "Named in the log but with nothing logged at all (no daily rows, no spasm events), so no page: cyd." in text(
        section(html, "caseload")
    )
    assert "No data in the period" not in html
