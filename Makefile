# gouji: two commands on a fresh machine.
#   make run   set everything up and serve the web app on the bundled corpus (the main job)
#   make test  set everything up and run the whole test suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test bench lint clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "needs $(PYTHON) (Python 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

# Until the web app lands, the main job checks the bundled corpus: findings on the terminal and an HTML
# report with every finding highlighted in place (exit code 1 only means errors were found).
run: setup
	mkdir -p data
	$(BIN)/gouji check corpus/samples || test $$? -eq 1
	$(BIN)/gouji check corpus/samples --format html --output data/report.html || test $$? -eq 1
	@echo "HTML report: data/report.html"

test: setup
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python bench/parse_bench.py
	$(BIN)/python bench/check_bench.py
	$(BIN)/python bench/retrieval_bench.py

lint: setup
	$(BIN)/ruff check corpus checker retrieval ui tests bench

clean:
	rm -rf $(VENV) build *.egg-info
