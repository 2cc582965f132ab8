"""Start-up: ``import spasmlog``, ``spasmlog --help`` and a missing path load none of the heavy libraries.

Each check runs in a fresh Python (this process has long since imported everything) and looks at
``sys.modules``, never at a clock: what is not imported cannot cost time, and a timing test would fail
on a busy machine. The times themselves are measured by ``benchmarks/bench_startup.py``.
"""

from __future__ import annotations

import importlib
import json
import os
import pickle
import subprocess
import sys
import types
from pathlib import Path

import pytest

import spasmlog

ROOT = Path(spasmlog.__file__).resolve().parents[1]
HEAVY = ("scipy", "statsmodels", "matplotlib", "pandas", "numpy", "pandera", "jinja2", "pint", "pyarrow")
"""Not one of these may load before a command needs it (pandas alone costs ~0.5 s of CPU)."""
PACKAGES = ("spasmlog", "spasmlog.analysis", "spasmlog.plots", "spasmlog.report", "spasmlog.io", "spasmlog.logformat")

# Runs ``main`` with the given arguments, then prints the exit code, stderr and the top-level modules loaded.
_COMMAND = """
import contextlib, io, json, sys
err = io.StringIO()
with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
    try:
        from spasmlog.cli import main
        code = main(sys.argv[1:])
    except SystemExit as stop:  # --help and usage errors leave through argparse
        code = stop.code
print(json.dumps({"code": code, "stderr": err.getvalue(), "modules": sorted({m.split(".")[0] for m in sys.modules}),
                  "spasmlog": sorted(m for m in sys.modules if m.startswith("spasmlog"))}))
"""


def _python(code: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -c code args`` in a fresh interpreter that imports this checkout's spasmlog."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120, env=env, cwd=cwd, check=False
    )


def _loaded(code: str) -> set[str]:
    """The top-level modules loaded after running ``code`` in a fresh interpreter."""
    done = _python(code + "\nimport sys; print(sorted({m.split('.')[0] for m in sys.modules}))")
    assert done.returncode == 0, done.stderr
    return set(eval(done.stdout.strip().splitlines()[-1]))


def _command(*args: str, cwd: Path | None = None) -> dict[str, object]:
    done = _python(_COMMAND, *args, cwd=cwd)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# Runs each code of a JSON list on standard input in a child forked from one interpreter that has loaded the
# third-party libraries spasmlog uses, and no spasmlog module; prints [exit code, stdout, stderr] for each.
_FORKS = """
import json, os, sys, tempfile, traceback
import jinja2, matplotlib, numpy, pandas, pyarrow, scipy.optimize, scipy.special, scipy.stats
assert not [name for name in sys.modules if name.startswith("spasmlog")]
results = []
for code in json.loads(sys.stdin.read()):
    out, err = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
    pid = os.fork()
    if pid == 0:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        status = 0
        try:
            exec(compile(code, "<fresh>", "exec"), {"__name__": "__main__"})
        except BaseException:
            traceback.print_exc()
            status = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    out.seek(0)
    err.seek(0)
    results.append([status, out.read(), err.read()])
print(json.dumps(results))
"""


def _fresh_spasmlog(codes: list[str]) -> list[subprocess.CompletedProcess[str]]:
    """Each code run where spasmlog was never imported: in a child forked from one interpreter that has loaded
    numpy, pandas, scipy, matplotlib and jinja2 only. What spasmlog binds on import is the same as in a new
    interpreter (those libraries are not what is checked), and each check saves the ~1 s of CPU of loading them."""
    if not hasattr(os, "fork"):  # a new interpreter each
        return [_python(code) for code in codes]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    done = subprocess.run(
        [sys.executable, "-c", _FORKS], input=json.dumps(codes), capture_output=True, text=True, timeout=300, env=env
    )
    assert done.returncode == 0, done.stderr
    return [
        subprocess.CompletedProcess(code, status, out, err)
        for code, (status, out, err) in zip(codes, json.loads(done.stdout.strip().splitlines()[-1]), strict=True)
    ]


def test_the_check_can_fail() -> None:
    """The probe sees a heavy import when there is one (else every test below would pass vacuously)."""
    assert {"pandas", "numpy"} <= _loaded("import spasmlog; spasmlog.read_log")
    assert "scipy" in _loaded("import spasmlog; spasmlog.rate_ratios")
    # and pandera, after the factor facts of the test below: the schemas load it on first use
    assert "pandera" in _loaded(
        "import spasmlog.analysis.findings; import spasmlog.logformat; spasmlog.logformat.Daily"
    )


@pytest.mark.parametrize(
    "code",
    [
        "import spasmlog",
        "import spasmlog.errors",
        "import spasmlog.cli",
        "import spasmlog.analysis, spasmlog.plots, spasmlog.report, spasmlog.io",
        "from spasmlog.errors import LogNotFoundError, ParameterError, SpasmlogError",
        "import spasmlog; dir(spasmlog); hasattr(spasmlog, 'no_such_name')",
    ],
)
def test_importing_loads_nothing_heavy(code: str) -> None:
    assert _loaded(code) & set(HEAVY) == set()


@pytest.mark.parametrize(
    "code",
    [
        "import spasmlog.logformat.factors",
        "from spasmlog.logformat import factors",
        "import spasmlog.analysis.decision",
        "import spasmlog.analysis.findings",
    ],
)
def test_the_factor_facts_load_no_pandera(code: str) -> None:
    """The units live in the plain factor table, which the models read: the one statement of a unit costs the
    analysis no pandera (+0.5 s of CPU)."""
    loaded = _loaded(code)
    assert "pandera" not in loaded and "pint" not in loaded  # the probe sees pandera: test_the_check_can_fail
    if "factors" in code:
        assert loaded & set(HEAVY) == set()  # plain data


def test_drawing_the_charts_loads_no_scipy() -> None:
    """The report's chart worker imports the plots and the SVG writer; they word the factors through the findings,
    which must not bring scipy (about 0.1 s of CPU) into a process that computes no statistic."""
    charts = "import spasmlog.report.charts, spasmlog.plots.associations, spasmlog.plots.body, spasmlog.plots.timeline"
    loaded = _loaded(charts)
    assert "matplotlib" in loaded and "scipy" not in loaded
    assert "scipy" in _loaded(charts + "; from spasmlog.stats.distributions import norm_cdf; norm_cdf(0.0)")


@pytest.mark.parametrize("args", [["--help"], ["validate", "--help"], ["report", "--help"], ["import", "--help"], []])
def test_help_and_usage_errors_load_nothing_heavy(args: list[str]) -> None:
    result = _command(*args)
    assert result["code"] == (2 if not args else 0)
    assert set(result["modules"]) & set(HEAVY) == set()  # type: ignore[call-overload]


def _missing_paths(tmp_path: Path) -> dict[str, Path]:
    """Paths that do not exist, as people mistype them: nested, with spaces and accents, a dangling link,
    a 'folder' that is really a file."""
    (tmp_path / "a file.csv").write_text("date,water_ml\n")
    paths = {
        "nested": Path("no") / "such" / "path",
        "accents": tmp_path / "Zoë's log" / "daily.csv",
        "under a file": tmp_path / "a file.csv" / "daily.csv",
    }
    if sys.platform != "win32":
        (tmp_path / "gone").symlink_to(tmp_path / "was here")
        paths["dangling link"] = tmp_path / "gone"
    return paths


@pytest.mark.parametrize("command", ["validate", "report"])
def test_a_missing_path_is_said_before_anything_heavy_loads(tmp_path: Path, command: str) -> None:
    for label, path in _missing_paths(tmp_path).items():
        result = _command(command, str(path), cwd=tmp_path)
        expected = f"spasmlog: error: {path} does not exist. Give the path of a log folder or a table file.\n"
        assert (result["code"], result["stderr"]) == (2, expected), label
        assert set(result["modules"]) & set(HEAVY) == set(), label  # type: ignore[call-overload]
    assert list(tmp_path.glob("report*")) == []  # nothing written


def test_a_missing_path_gives_the_same_words_in_python(tmp_path: Path) -> None:
    """``read_log`` and the command line say it in one wording (it lives in ``LogNotFoundError.missing``)."""
    path = tmp_path / "no such log"
    with pytest.raises(spasmlog.errors.LogNotFoundError) as raised:
        spasmlog.read_log(path)
    assert str(raised.value) == f"{path} does not exist. Give the path of a log folder or a table file."
    assert raised.value.file == str(path) and isinstance(raised.value, FileNotFoundError)


def test_python_dash_m_and_a_missing_path(tmp_path: Path) -> None:
    """``python -m spasmlog validate`` as a person runs it: exit 2, one line, no traceback."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "spasmlog", "validate", "no/such/path"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    timed = [line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")]
    said = [line for line in done.stderr.splitlines() if not line.startswith("import time:")]
    assert done.returncode == 2
    assert said == [
        f"spasmlog: error: {Path('no/such/path')} does not exist. Give the path of a log folder or a table file."
    ]
    assert "spasmlog.cli" in timed  # the probe works: -X importtime lists what was imported
    assert {name.split(".")[0] for name in timed} & set(HEAVY) == set()


def test_a_path_that_exists_is_still_read(tmp_path: Path) -> None:
    """The early check only catches what does not exist: an empty file still gets read_log's own message."""
    (tmp_path / "daily.csv").write_text("")
    result = _command("validate", str(tmp_path / "daily.csv"))
    assert result["code"] == 2
    assert "is empty: there is no header row to read" in str(result["stderr"])


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_name_imports_and_is_listed(package: str) -> None:
    module = importlib.import_module(package)
    assert module.__all__ and len(set(module.__all__)) == len(module.__all__)
    assert set(module._MODULES) == set(module.__all__)  # the lazy map and __all__ name the same things
    for name in module.__all__:
        value = getattr(importlib.import_module(package), name)
        assert not isinstance(value, types.ModuleType), name  # a function, not a module of the same name
        exec(f"from {package} import {name}", {})
        assert name in dir(module), name
    with pytest.raises(AttributeError, match="no_such_name"):
        module.no_such_name  # noqa: B018
    assert not hasattr(module, "no_such_name")


_EVERY_PUBLIC_NAME = "\n".join(
    [
        "import importlib, types",
        f"for package in {PACKAGES!r}:",
        "    module = importlib.import_module(package)",
        "    namespace = {}",
        "    exec(f'from {package} import *', namespace)",
        "    assert set(module.__all__) <= set(namespace) and set(module.__all__) <= set(dir(module)), package",
        "    bad = [n for n in module.__all__ if isinstance(namespace[n], types.ModuleType)]",
        "    assert not bad, (package, bad)",
        "print('ok')",
    ]
)
_NAMED_LIKE_A_MODULE = [
    ("import spasmlog.samples", "spasmlog.simulate", "spasmlog.simulate"),
    ("import spasmlog.simulate", "spasmlog.simulate", "spasmlog.simulate"),
    ("spasmlog.load_sample", "spasmlog.simulate", "spasmlog.simulate"),
    ("import spasmlog.report.build", "spasmlog.analysis.findings", "spasmlog.analysis.findings"),
    ("import spasmlog.analysis.findings", "spasmlog.findings", "spasmlog.analysis.findings"),
]
_FORK_PROBES = (
    "import sys\nprint(sorted(m for m in sys.modules if m.startswith('spasmlog')), 'numpy' in sys.modules)",
    "import spasmlog\nassert callable(spasmlog.samples)",
)
_SUB_MODULES = "import spasmlog\nprint(spasmlog.samples.sample_path('alex').name, spasmlog.read_log.__module__)"


def _named_like_a_module(first: str, name: str) -> str:
    return f"import spasmlog\n{first}\nvalue = {name}\nprint(callable(value), type(value).__name__, value.__module__)"


@pytest.fixture(scope="module")
def fresh() -> dict[str, subprocess.CompletedProcess[str]]:
    """The checks below that need an interpreter without spasmlog, run once for this file (see
    ``_fresh_spasmlog``): code → its exit code and output."""
    codes = [
        *_FORK_PROBES,
        _EVERY_PUBLIC_NAME,
        _SUB_MODULES,
        *(_named_like_a_module(first, name) for first, name, _ in _NAMED_LIKE_A_MODULE),
    ]
    return dict(zip(codes, _fresh_spasmlog(codes), strict=True))


def test_the_forked_checks_start_without_spasmlog(fresh: dict[str, subprocess.CompletedProcess[str]]) -> None:
    """The children of ``_fresh_spasmlog`` see no spasmlog module until their code imports one, and a failing
    check fails there (else the tests below could pass vacuously)."""
    empty, failing = (fresh[code] for code in _FORK_PROBES)
    assert (empty.returncode, empty.stdout.split()) == (0, ["[]", "True"]), empty.stderr
    assert failing.returncode == 1 and "AssertionError" in failing.stderr


def test_every_public_name_in_a_fresh_interpreter(fresh: dict[str, subprocess.CompletedProcess[str]]) -> None:
    """``from spasmlog import *`` and each name, before anything else of spasmlog is loaded, in every package."""
    done = fresh[_EVERY_PUBLIC_NAME]
    assert (done.returncode, done.stdout.strip()) == (0, "ok"), done.stderr


@pytest.mark.parametrize(("first", "name", "expected_module"), _NAMED_LIKE_A_MODULE)
def test_a_function_named_like_its_module_stays_the_function(
    first: str, name: str, expected_module: str, fresh: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    """``spasmlog.simulate`` is the function even when ``spasmlog/simulate.py`` was loaded first by other code
    (the import system binds a sub-module to its package's attribute when it loads it)."""
    done = fresh[_named_like_a_module(first, name)]
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "function", expected_module]


def test_sub_modules_are_attributes_as_before(fresh: dict[str, subprocess.CompletedProcess[str]]) -> None:
    """What the eager imports made reachable stays reachable: ``spasmlog.samples.sample_path`` after
    ``import spasmlog`` alone (a doctest of ``read_log`` uses it)."""
    done = fresh[_SUB_MODULES]
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["alex", "spasmlog.validation.read"]


def test_lazy_names_are_the_real_objects_and_pickle() -> None:
    from spasmlog.analysis.correlation import correlate
    from spasmlog.simulate import simulate
    from spasmlog.validation.read import read_log

    assert spasmlog.read_log is read_log and spasmlog.validation.read.read_log is read_log
    assert spasmlog.correlate is correlate and spasmlog.analysis.correlate is correlate
    assert pickle.loads(pickle.dumps(spasmlog.simulate)) is simulate


def test_the_old_cli_name_of_the_validation_report() -> None:
    from spasmlog.report.validation_text import validation_text

    loaded = "print('pandas' in sys.modules)"
    done = _python(f"import spasmlog.cli, sys\n{loaded}\nspasmlog.cli.report_text\n{loaded}")
    assert (done.returncode, done.stdout.split()) == (0, ["False", "True"]), done.stderr  # loaded on first use
    cli = importlib.import_module("spasmlog.cli")
    assert cli.report_text is validation_text
    with pytest.raises(AttributeError, match="report_html"):
        cli.report_html  # noqa: B018
