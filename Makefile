# The README's two commands are `make run` and `make test`; everything else is a step of theirs.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: install index run test eval eval-gate lint clean chroma-server

$(STAMP):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first and pinned: the local CPU build; any other spec pulls GBs of CUDA
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

index: install
	$(PY) -m ingest

run: index
	$(PY) app.py

test: install
	$(PY) -m ruff check .
	$(PY) -m pytest

eval: index
	$(PY) -m eval

# the CI gate: fails when a number in eval/thresholds.toml is not met
eval-gate: index
	$(PY) -m eval --gate

# a local Chroma server to try the scaled set-up (see README, "Scaling out")
chroma-server: install
	$(VENV)/bin/chroma run --host 127.0.0.1 --port 8000 --path .index/chroma-server

lint: install
	$(PY) -m ruff check . && $(PY) -m ruff format --check .

clean:
	rm -rf .index .data eval/out
