# Two commands on a fresh machine: `make demo` and `make test`. Both create .venv with python3 first.
PYTHON ?= python3
NOTEBOOKS := 01_my_spasm_log 02_physio_caseload 03_research_cohort
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test test-slow test-spark bench-spark notebook-spark lint typecheck pytest bench samples docs notebooks clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -qq --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/spasmlog demo
	mkdir -p build
	$(BIN)/spasmlog report sample_data/alex -o build/report_alex.html
	$(BIN)/spasmlog report sample_data/clinic -o build/report_clinic
	mkdir -p build/notebooks
	for nb in $(NOTEBOOKS); do \
	  $(BIN)/jupytext --quiet --to ipynb notebooks/$$nb.py -o build/notebooks/$$nb.ipynb && \
	  $(BIN)/papermill build/notebooks/$$nb.ipynb build/notebooks/$$nb.ipynb --cwd . -k python3 \
	    --no-progress-bar --log-level WARNING || exit 1; \
	done
	@echo ""
	@echo "Open these:"
	@echo "  build/report_alex.html            one person's report (prints on A4)"
	@echo "  build/report_clinic/index.html    a physiotherapist's caseload, a page per client"
	@echo "  build/notebooks/                  the three notebooks, executed ($(BIN)/jupyter lab build/notebooks)"

# The notebooks' source is notebooks/*.py (jupytext percent format: JupyterLab opens them as notebooks).
# This writes them as .ipynb files, without outputs, into build/notebooks/.
notebooks: $(STAMP)
	mkdir -p build/notebooks
	for nb in $(NOTEBOOKS); do \
	  $(BIN)/jupytext --quiet --to ipynb notebooks/$$nb.py -o build/notebooks/$$nb.ipynb || exit 1; \
	done

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check spasmlog tests benchmarks notebooks tools
	$(BIN)/ruff format --check spasmlog tests benchmarks notebooks tools

typecheck: $(STAMP)
	$(BIN)/mypy

# The everyday suite: everything but the calibration and power studies (marked `slow`), on both cores.
# --dist loadfile: a test file stays on one worker, so its module fixtures are built once (measured faster
# than `load` and `worksteal`, which split files and build them on both workers).
# spasmlog.spark and its tests need pyspark, which lives in its own environment (`make test-spark`).
SPARK_IGNORE := --ignore=tests/spark --ignore=spasmlog/spark.py
pytest: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadfile -m "not slow and not spark" $(SPARK_IGNORE) spasmlog tests

# The calibration and power studies (simulation, several minutes): CI runs them after `make test`.
test-slow: $(STAMP)
	$(BIN)/pytest -n 2 -m slow $(SPARK_IGNORE) tests

# spasmlog.spark on local[2], in its own environment: with pyspark installed, `import pandera.pandas` imports
# pyspark's pandas layer (a FutureWarning, and SPARK_LOCAL_IP set), so pyspark stays out of .venv. Needs Java 17+.
# The docstring examples run with pyspark's two warnings about pandas 3 ignored (they come from Spark's own
# conversions in the examples, not from spasmlog).
SPARK_VENV  := .venv-spark
SPARK_STAMP := $(SPARK_VENV)/.installed
SPARK_WARNINGS := -W "ignore:PySpark does not yet fully support pandas:FutureWarning" \
	-W "ignore:The copy keyword is deprecated:DeprecationWarning"

$(SPARK_STAMP): pyproject.toml
	$(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/python -m pip install -qq --disable-pip-version-check --upgrade pip
	$(SPARK_VENV)/bin/python -m pip install -qq --disable-pip-version-check -e ".[spark,test]"
	touch $(SPARK_STAMP)

test-spark: $(SPARK_STAMP)
	$(SPARK_VENV)/bin/pytest -m spark tests/spark
	$(SPARK_VENV)/bin/pytest $(SPARK_WARNINGS) spasmlog/spark.py

# Regenerate the committed sample data from the simulator (seeded: the same files every time).
samples: $(STAMP)
	$(BIN)/python -m spasmlog.samples

# The README's charts, drawn from the sample data; the PNGs under docs/ are committed.
docs: $(STAMP)
	$(BIN)/python tools/draw_docs.py docs

# Every benchmarks/bench_*.py (found, not listed: a new one runs too), with its defaults unless BENCH_ARGS_<name>
# below gives quicker ones. All run even when one is over its budget; the target then fails.
BENCHES := $(filter-out bench_spark,$(sort $(basename $(notdir $(wildcard benchmarks/bench_*.py)))))
# Defaults that take too long here (2 cores, shared): bench_counts passed 15 min (its 10,000-person cohort model,
# and rate_ratios on 100 people six times), 3.5 min with these; bench_correlation took 8 min (each cohort-wide step
# three times).
BENCH_ARGS_bench_counts := --people 1000 --repeat 3
BENCH_ARGS_bench_correlation := --repeat 1

bench: $(STAMP)
	@status=0; $(foreach bench,$(BENCHES),\
	  echo "== benchmarks/$(bench).py $(BENCH_ARGS_$(bench))"; \
	  $(BIN)/python benchmarks/$(bench).py $(BENCH_ARGS_$(bench)) || status=1;) \
	exit $$status

# notebooks/04_research_spark.py, executed in .venv-spark (the main environment has no pyspark) on a simulated
# cohort in local[*], into build/notebooks/04_research_spark.ipynb.
notebook-spark: $(SPARK_STAMP)
	mkdir -p build/notebooks
	$(SPARK_VENV)/bin/jupytext --quiet --to ipynb notebooks/04_research_spark.py -o build/notebooks/04_research_spark.ipynb
	$(SPARK_VENV)/bin/papermill build/notebooks/04_research_spark.ipynb build/notebooks/04_research_spark.ipynb \
	  --cwd . -k python3 --no-progress-bar --log-level WARNING

# spasmlog.spark against the one-machine path (needs pyspark: run in .venv-spark, not by `make bench`). Its
# default (20,000 people) takes hours on two shared cores; BENCH_SPARK_ARGS sets a smaller cohort.
BENCH_SPARK_ARGS ?= --people 200
bench-spark: $(SPARK_STAMP)
	$(SPARK_VENV)/bin/python benchmarks/bench_spark.py $(BENCH_SPARK_ARGS)

clean:
	rm -rf $(VENV) $(SPARK_VENV) build .pytest_cache .mypy_cache .ruff_cache
