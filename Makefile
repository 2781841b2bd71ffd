# The two commands of the README: `make demo` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench lock clean

$(BIN)/ingest: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $(BIN)/ingest

demo: $(BIN)/ingest
	$(BIN)/ingest demo

test: $(BIN)/ingest
	$(BIN)/ruff check src flows tests bench
	$(BIN)/pytest

lint: $(BIN)/ingest
	$(BIN)/ruff check src flows tests bench
	$(BIN)/ruff format --check src flows tests bench

bench: $(BIN)/ingest
	$(BIN)/python bench/claims_speed.py

# Re-pin every dependency to what is installed now (after a deliberate upgrade).
lock: $(BIN)/ingest
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^ingest' > constraints.txt

clean:
	rm -rf $(VENV) storage/*.db storage/*.db-* storage/demo-sources.toml
