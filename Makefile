# The two fresh-machine commands are `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
LOCK   := requirements.lock

.PHONY: install run test lint models bench bench-quick clean lock

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml client/pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c $(LOCK) -e '.[dev]' -e ./client
	touch $@

# Re-resolve pyproject.toml's ranges in a clean venv and write the exact versions.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install -q -e '.[dev]'
	{ sed -n '1,2p' $(LOCK); .lock-venv/bin/pip freeze --exclude-editable; } > $(LOCK).new
	mv $(LOCK).new $(LOCK)
	rm -rf .lock-venv

models: install
	@if [ -f models/intent/current ] && [ -f models/priority/current ]; then \
	  echo "models: using current versions (models/*/current)"; \
	  $(BIN)/explainer models upgrade; \
	else $(BIN)/explainer train; fi

# The log key lives in its own folder, away from the data folder var/ (docs/log.md).
run: export EXPLAINER_LOG_KEY_FILE = $(CURDIR)/keys/log_key.pem
run: models
	@mkdir -p var
	$(BIN)/explainer db upgrade
	@echo "Log signing key: keys/log_key.pem (outside the data folder var/; back it up, docs/log.md)"
	@test -s var/demo-api-key || $(BIN)/explainer keys create --name demo \
	  --scope decisions:write --scope decisions:read | tail -n 1 > var/demo-api-key
	@echo "Demo API key (kept in var/demo-api-key): $$(cat var/demo-api-key)"
	@echo "Open http://127.0.0.1:8000/demo for the customer flow; Ctrl-C stops the service."
	EXPLAINER_DEMO=1 $(BIN)/explainer serve --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Stages: lint (ruff, mypy, import contracts); the tests' demo models (trained once per
# source tree, tests/model_cache.py); the fast suite in parallel; the slow
# stage (real training, browsers, benchmarks' quick modes); fault injection against a
# served app; the production install.
test: install
	bash .ci/system-deps
	$(MAKE) lint
	$(BIN)/python tests/model_cache.py
	$(BIN)/pytest -n 2 -m "not slow"
	$(BIN)/pytest -m "slow and not faults"
	$(BIN)/pytest -m faults
	bash .ci/production-install

bench: models
	bash .ci/bench-deps
	$(BIN)/python -m bench.run

bench-quick: models
	$(BIN)/python -m bench.run --quick

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis .pytest-models
