# One task runner: the README's two commands are `make run` and `make test`; CI calls `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The opt-in tuned embedding model is built from data/training into the user's cache (platformdirs'
# user_cache_dir), never into the source tree (about 3 minutes).
TUNED := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/policyqa/models/policyqa-minilm-l6-school/model.safetensors
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run install test lint eval bench model verdict-model clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "PolicyQA needs Python 3.11: set PYTHON=python3.11")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## Ingest the bundled policy and open the chat UI (embedded default: no API key, no server by hand).
run: install
	$(BIN)/policyqa ingest
	$(BIN)/streamlit run ui/app.py --browser.gatherUsageStats false

## Install what the tests need and run the whole suite (lint, types, unit, real model, quality gate, UI, browser).
test: install $(TUNED)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## The eval on the bundled policy's test split with the naive baseline and reports in out/.
eval: install
	$(BIN)/policyqa ingest
	$(BIN)/policyqa eval --split test --compare naive --report out/

## Cold start, ingest throughput, warm latency by stage, the naive baseline, and latency and memory at 1k, 10k
## and 100k chunks, in a temporary POLICYQA_HOME (minutes; `policyqa bench --json` for JSON).
bench: install
	$(BIN)/policyqa bench

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache

## Build the opt-in tuned embedding model from data/training (about 3 minutes on 2 cores; see training/).
model: $(TUNED)

$(TUNED): $(STAMP) data/training/*.synthetic.jsonl training/finetune_embeddings.py
	$(BIN)/python -m training.finetune_embeddings

## Retrain the verdict model (assistant/data/verdict_model.json, committed) from the labelled question banks
## (about 2 minutes on 2 cores; see training/verdict_model.py).
verdict-model: install
	$(BIN)/python -m training.verdict_model
