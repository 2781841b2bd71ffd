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

# The tests whose SQL matters most, again on PostgreSQL (INGEST_TEST_POSTGRES_URL, default
# postgres@127.0.0.1:5432); they skip, saying why, when no server answers. The first pass
# already runs the migration, concurrency and crash tests on both backends.
PG_TESTS := tests/test_pipeline.py tests/test_review.py tests/test_review_workspace.py \
	tests/test_web_api.py tests/test_accounts.py

test: $(BIN)/ingest
	$(BIN)/ruff check src flows tests bench scripts
	$(BIN)/pytest
	INGEST_TEST_DB=postgresql $(BIN)/pytest -q $(PG_TESTS)

lint: $(BIN)/ingest
	$(BIN)/ruff check src flows tests bench scripts
	$(BIN)/ruff format --check src flows tests bench scripts

bench: $(BIN)/ingest
	$(BIN)/python bench/claims_speed.py

# Re-pin every dependency to what is installed now (after a deliberate upgrade).
lock: $(BIN)/ingest
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^ingest' > constraints.txt

clean:
	rm -rf $(VENV) storage/*.db storage/*.db-* storage/demo-sources.toml
