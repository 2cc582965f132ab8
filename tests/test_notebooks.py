"""The notebooks: jupytext percent-format sources (notebooks/*.py), no outputs, running top to bottom.

The sources are read as notebooks with jupytext, as JupyterLab (with jupytext) and ``make demo`` read
them. Execution starts a real Jupyter kernel (the ``python3`` kernelspec, which runs this interpreter) per
notebook. The defaults run on the bundled samples from ``notebooks/`` (where Jupyter opens them); the
papermill test runs from the repository root with a relative ``log_path``, as ``make demo`` does.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "notebooks"
NAMES = ["01_my_spasm_log.py", "02_physio_caseload.py", "03_research_cohort.py"]
SPARK_NAMES = ["04_research_spark.py"]  # needs pyspark: executed by `make notebook-spark`, checked here as source

# Charts each notebook must draw on its default data (a chart that silently does not show fails here).
MIN_IMAGES = {"01_my_spasm_log.py": 9, "02_physio_caseload.py": 13, "03_research_cohort.py": 1}

# The first analysis call in each notebook; the data-quality report must come before it.
STATISTICS = re.compile(
    r"\b(rate_ratios|caseload_summary|within_person|cohort_model|intervention_effect|rm_corr|correlate|analyse_person)\("
)

# The line jupytext reads as a code cell tagged `parameters` (papermill's convention).
PARAMETERS_MARKER = '# %% tags=["parameters"]'


def _read(name: str) -> nbformat.NotebookNode:
    return jupytext.read(FOLDER / name)


def _parameters(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in notebook.cells if "parameters" in c.get("metadata", {}).get("tags", [])]


def _images(notebook: nbformat.NotebookNode) -> int:
    return sum(
        "image/png" in output.get("data", {})
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )


def _text(notebook: nbformat.NotebookNode) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", "") or output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def _cli_uses(source: str) -> list[str]:
    """Every way ``source`` reaches ``spasmlog.cli`` (imports, attribute access, import by name)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name == "spasmlog.cli" or a.name.startswith("spasmlog.cli.")]
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            if node.module == "spasmlog.cli" or node.module.startswith("spasmlog.cli."):
                found.append(f"from {node.module}")
            elif node.module == "spasmlog" and any(a.name == "cli" for a in node.names):
                found.append("from spasmlog import cli")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            found += ["spasmlog.cli"] if (node.value.id, node.attr) == ("spasmlog", "cli") else []
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += [repr(node.value)] if re.search(r"\bspasmlog\.cli\b", node.value) else []
    return found


@pytest.fixture
def kernel_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """One BLAS thread per kernel (the machine has two cores) and no GUI backend; figures stay inline."""
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend records the figures
    yield


def test_the_notebooks_are_there() -> None:
    assert sorted(p.name for p in FOLDER.glob("[0-9][0-9]_*.py")) == NAMES + SPARK_NAMES


@pytest.mark.parametrize("name", NAMES + SPARK_NAMES)
def test_source_reads_as_a_notebook_without_outputs(name: str) -> None:
    notebook = _read(name)
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and any(c.cell_type == "markdown" for c in notebook.cells)
    assert all(c.outputs == [] for c in code)
    assert all(c.execution_count is None for c in code)
    assert notebook.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("name", NAMES + SPARK_NAMES)
def test_source_is_what_jupytext_writes(name: str) -> None:
    """Opening and saving in JupyterLab (jupytext) leaves the file as it is, except jupytext's own version."""
    text = (FOLDER / name).read_text(encoding="utf-8")
    again = jupytext.writes(_read(name), fmt="py:percent")

    def version_free(t: str) -> str:
        return re.sub(r"(?m)^#\s+jupytext_version: .*$", "", t)

    assert version_free(again) == version_free(text)


@pytest.mark.parametrize("name", NAMES + SPARK_NAMES)
def test_source_has_one_parameters_cell(name: str) -> None:
    lines = (FOLDER / name).read_text(encoding="utf-8").splitlines()
    assert lines.count(PARAMETERS_MARKER) == 1
    tagged = _parameters(_read(name))
    assert len(tagged) == 1 and tagged[0].source.startswith("# Parameters")


@pytest.mark.parametrize("name", NAMES + SPARK_NAMES)
def test_notebook_never_imports_the_cli(name: str) -> None:
    """Notebooks call the library (spasmlog.report.validation_text etc.), not the command line's module."""
    notebook = _read(name)
    assert _cli_uses((FOLDER / name).read_text(encoding="utf-8")) == []
    assert all(_cli_uses(c.source) == [] for c in notebook.cells if c.cell_type == "code")


@pytest.mark.parametrize(
    "source",
    [
        "import spasmlog.cli",
        "import spasmlog.cli as c",
        "from spasmlog.cli import report_text",
        "from spasmlog import plots, cli",
        "import spasmlog\nspasmlog.cli.main([])",
        "import importlib\nimportlib.import_module('spasmlog.cli')",
        "if True:\n    from spasmlog.cli import main",
    ],
)
def test_cli_check_finds_every_way_in(source: str) -> None:
    assert _cli_uses(source)


@pytest.mark.parametrize(
    "source",
    ["import spasmlog", "from spasmlog.report.validation_text import validation_text", "client = 1", "cli = 2"],
)
def test_cli_check_lets_the_library_through(source: str) -> None:
    assert _cli_uses(source) == []


def test_parameters_checks_fail_on_a_notebook_without_one(tmp_path: Path) -> None:
    """The parameters tests above can fail: a percent notebook whose first code cell is untagged."""
    path = tmp_path / "04_broken.py"
    path.write_text("# %% [markdown]\n# # Broken\n\n# %%\nlog_path = None\n", encoding="utf-8")
    notebook = jupytext.read(path)
    assert _parameters(notebook) == []
    assert PARAMETERS_MARKER not in path.read_text(encoding="utf-8").splitlines()
    path.write_text(f"# %% [markdown]\n# # Fixed\n\n{PARAMETERS_MARKER}\nlog_path = None\n", encoding="utf-8")
    tagged = _parameters(jupytext.read(path))
    assert len(tagged) == 1 and tagged[0].source == "log_path = None"


@pytest.mark.parametrize("name", NAMES)
def test_parameters_cell_is_tagged_and_literal(name: str) -> None:
    notebook = _read(name)
    tagged = _parameters(notebook)
    assert len(tagged) == 1 and tagged[0].cell_type == "code"
    first_code = next(c for c in notebook.cells if c.cell_type == "code")
    assert tagged[0] is first_code, "the parameters cell must come before any other code"
    names = []
    for statement in ast.parse(tagged[0].source).body:
        assert isinstance(statement, ast.Assign), ast.dump(statement)
        ast.literal_eval(statement.value)  # papermill overrides literals; computed defaults belong below
        names += [t.id for t in statement.targets if isinstance(t, ast.Name)]
    assert {"log_path", "lags", "alpha"} <= set(names)


@pytest.mark.parametrize("name", NAMES)
def test_data_quality_comes_before_statistics(name: str) -> None:
    sources = [c.source for c in _read(name).cells if c.cell_type == "code"]
    report = next(i for i, s in enumerate(sources) if "report_text(" in s)
    statistics = next(i for i, s in enumerate(sources) if STATISTICS.search(s))
    assert report < statistics


@pytest.mark.parametrize("name", NAMES)
def test_notebook_words_associations_not_causes(name: str) -> None:
    prose = "\n".join(c.source for c in _read(name).cells if c.cell_type == "markdown")
    assert not re.search(r"(?<!not )\b(causes|caused by|leads to|prevents)\b", prose, flags=re.IGNORECASE)


def test_notebook_prose_gives_units_as_the_factor_table_does() -> None:
    """A unit the prose names is the one of :mod:`spasmlog.logformat.factors` (the one table of factor facts)."""
    from spasmlog.logformat.factors import unit

    prose = "\n".join(c.source for c in _read("03_research_cohort.py").cells if c.cell_type == "markdown")
    assert f"`exercise_load` is minutes × session effort (`{unit('exercise_load')}`" in prose


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_top_to_bottom(name: str, tmp_path: Path, kernel_env: None) -> None:
    notebook = _read(name)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(FOLDER)}})
    client.execute()  # raises CellExecutionError, with the cell and traceback, on any error
    nbformat.write(notebook, tmp_path / name.replace(".py", ".ipynb"))
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert _images(notebook) >= MIN_IMAGES[name]
    assert "rows read" in _text(notebook)


@pytest.mark.slow
def test_papermill_runs_the_individual_notebook_on_another_log(tmp_path: Path, kernel_env: None) -> None:
    import papermill  # a dependency of spasmlog: never skipped

    out = tmp_path / "messy.ipynb"
    papermill.execute_notebook(
        _read(NAMES[0]),
        str(out),
        parameters={"log_path": "sample_data/messy", "person": "messy", "lags": [0, 1]},
        cwd=str(ROOT),  # a relative log_path is read from the working directory
        kernel_name="python3",
        progress_bar=False,
    )
    notebook = nbformat.read(out, as_version=4)
    injected = [c for c in notebook.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "sample_data/messy" in injected[0].source
    text = _text(notebook)
    assert "10 quarantined" in text  # the messy sample's daily rows set aside, reported first
    assert "Person: messy" in text
    assert "Not estimated" in text  # 30 days are too few: said in words, not a number


@pytest.mark.slow
def test_papermill_runs_the_cohort_notebook_with_other_settings(tmp_path: Path, kernel_env: None) -> None:
    import papermill  # a dependency of spasmlog: never skipped

    out = tmp_path / "cohort.ipynb"
    papermill.execute_notebook(
        _read(NAMES[2]),
        str(out),
        parameters={"n_people": 40, "days": 90, "seed": 3, "lags": [0, 1]},
        cwd=str(tmp_path),
        kernel_name="python3",
        progress_bar=False,
    )
    text = _text(nbformat.read(out, as_version=4))
    assert "simulated cohort (seed 3)" in text
    assert "40 person(s)" in text


def _no_spasm_log(folder: Path) -> Path:
    """A diary of daily factors only: no spasms table, no spasm_count column."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    folder.mkdir(parents=True)
    pd.DataFrame(
        {
            "person_id": "ann",
            "date": pd.date_range("2025-03-01", periods=90).strftime("%Y-%m-%d"),
            "water_ml": rng.integers(1200, 2600, 90),
            "magnesium_mg": np.where(rng.random(90) < 0.35, 300.0, np.nan),
            "sleep_h": 7.0,
        }
    ).to_csv(folder / "daily.csv", index=False)
    return folder


def _sparse_caseload(folder: Path) -> Path:
    """Four clients: a full diary and a gappy one in one folder, a 10-day diary, one without any spasm data."""
    import numpy as np
    import pandas as pd

    import spasmlog

    both = spasmlog.simulate(2, 120, seed=5, person_ids=["full", "gappy"]).log.write(folder / "two")
    daily = pd.read_csv(both / "daily.csv")
    keep = (daily["person_id"] != "gappy") | (np.random.default_rng(1).random(len(daily)) < 0.25)
    daily[keep].to_csv(both / "daily.csv", index=False)
    short = folder / "short"
    short.mkdir()
    dates = pd.date_range("2025-05-01", periods=10).strftime("%Y-%m-%d")
    pd.DataFrame({"person_id": "short", "date": dates, "spasm_count": [0, 1, 0, 2, 0, 0, 1, 0, 0, 3]}).to_csv(
        short / "daily.csv", index=False
    )
    _no_spasm_log(folder / "nospasms")
    return folder


@pytest.mark.slow
def test_individual_notebook_on_a_log_without_spasm_data_says_so(tmp_path: Path, kernel_env: None) -> None:
    import papermill  # a dependency of spasmlog: never skipped

    log = _no_spasm_log(tmp_path / "ann")
    out = tmp_path / "ann.ipynb"
    papermill.execute_notebook(
        _read(NAMES[0]),
        str(out),
        parameters={"log_path": str(log), "lags": [0, 1]},
        kernel_name="python3",
        progress_bar=False,
    )
    text = _text(nbformat.read(out, as_version=4))
    assert "This log has no spasm data" in text
    assert re.search(r"spasms logged\s+—", text) and not re.search(r"spasms logged\s+0\b", text)
    assert "only daily counts" not in text and "No spasms logged at all" in text
    assert "no spasm data logged" in text and "too few days (0 < 28)" not in text


@pytest.mark.slow
@pytest.mark.parametrize("log", ["clinic", "sparse"])
def test_caseload_notebook_never_prints_nan(log: str, tmp_path: Path, kernel_env: None) -> None:
    import papermill  # a dependency of spasmlog: never skipped

    path = None if log == "clinic" else str(_sparse_caseload(tmp_path / "caseload"))
    out = tmp_path / "caseload.ipynb"
    papermill.execute_notebook(
        _read(NAMES[1]),
        str(out),
        parameters={"log_path": path, "lags": [0, 1]},
        cwd=str(FOLDER),
        kernel_name="python3",
        progress_bar=False,
    )
    text = _text(nbformat.read(out, as_version=4))
    assert "rows read" in text
    assert not re.search(r"\bnan\b", text, flags=re.IGNORECASE), [
        line for line in text.splitlines() if re.search(r"\bnan\b", line, flags=re.IGNORECASE)
    ]
