# 联盟通 Alliance — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app.py
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 3

.PHONY: run test install install-dev db demo browser clean bench

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

db: install
	$(BIN)/flask db upgrade

demo: db
	$(BIN)/flask demo load

## run: install, upgrade the database, load the demo alliance, serve on http://$(HOST):$(PORT)
run: demo
	@echo "联盟通 running on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	SCHEDULER_ENABLED=1 $(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - app:app

## test: install, then the whole suite on SQLite, on PostgreSQL, and in a real browser
test: install-dev
	$(BIN)/python scripts/run_tests.py

bench: install-dev
	$(BIN)/python benchmarks/register_pages.py
	$(BIN)/python benchmarks/civic.py
	$(BIN)/python benchmarks/meetings.py
	$(BIN)/python benchmarks/ratings.py
	$(BIN)/python benchmarks/lists.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
