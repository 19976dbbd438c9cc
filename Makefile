# The two fresh-machine commands are `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: install run test lint models bench bench-quick clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

models: install
	@if [ -f models/intent/current ] && [ -f models/priority/current ]; then \
	  echo "models: using current versions (models/*/current)"; \
	else $(BIN)/explainer train; fi

run: models
	$(BIN)/explainer explain --subject "Can't log in since this morning" \
	  --body "Hi, the app says my password is wrong but I reset it twice. This is urgent! Reach me at jane@example.org" \
	  --plan business --account-age-days 412 --open-tickets 1

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: install
	bash .ci/system-deps
	$(MAKE) lint
	$(BIN)/pytest

bench: models
	$(BIN)/python -m bench.run

bench-quick: models
	$(BIN)/python -m bench.run --quick

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
