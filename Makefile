# gouji: two commands on a fresh machine.
#   make run   set everything up and serve the web app on the bundled corpus (the main job)
#   make test  set everything up and run the whole test suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup browser run test bench bench-full bench-detail lint clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "needs $(PYTHON) (Python 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

# Browser tests drive Debian's Chromium (never `playwright install`); a CJK font so pages render Chinese.
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "wenquanyi" || \
	  { apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; }

# The main job: the web app on 127.0.0.1:7860, indexing the bundled corpus on first start.
run: setup
	$(BIN)/gouji serve

test: setup browser
	$(BIN)/python -m pytest

# One table of every speed and memory figure at 10 and 100 documents (bench-full adds 1,000: ~20 min), and
# the question sets' score per category with the share answered from facts.
bench: setup
	$(BIN)/python bench/scale_bench.py
	$(BIN)/python bench/question_set.py

bench-full: setup
	$(BIN)/python bench/scale_bench.py --full

# Per-set detail: each seed and corpus-extra document, PDF pages, embeddings, concurrent chat sessions.
bench-detail: setup
	$(BIN)/python bench/parse_bench.py
	$(BIN)/python bench/check_bench.py
	$(BIN)/python bench/retrieval_bench.py
	$(BIN)/python bench/load_bench.py
	$(BIN)/python bench/load_bench.py --mixed --sessions 50

lint: setup
	$(BIN)/ruff check corpus checker retrieval ui tests bench

clean:
	rm -rf $(VENV) build *.egg-info
