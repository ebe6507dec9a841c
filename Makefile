# niic-sched: `make demo` and `make test` do all set-up on a fresh machine.
VENV    ?= .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
TSTAMP  := $(VENV)/.installed-test
BSTAMP  := $(VENV)/.installed-bench
SYSPKGS := chromium fonts-dejavu-core fonts-noto-core fonts-wqy-microhei libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b poppler-utils

.PHONY: demo test bench bench-deps system-deps clean help

help:
	@echo "make demo   - create .venv, install, solve and render the sample conference into program/"
	@echo "make test   - install test dependencies and run the whole test suite"
	@echo "make bench  - run the benchmarks, writing benchmarks/results.md (installs a JRE for Timefold if missing)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml setup.py | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(TSTAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install -q -e '.[test]'
	touch $@

$(BSTAMP): pyproject.toml $(TSTAMP)
	$(BIN)/pip install -q -e '.[bench]'
	touch $@

# Debian packages that WeasyPrint (pango, fonts) and the browser tests (chromium) need.
system-deps:
	@missing=""; for p in $(SYSPKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "missing system packages (run as root to install):$$missing"; fi; \
	fi

demo: $(STAMP) system-deps
	$(BIN)/niic-sched check .
	$(BIN)/niic-sched solve . -o program/schedule.yaml --time-limit 20 --seed 1
	$(BIN)/niic-sched check . --schedule program/schedule.yaml
	$(BIN)/niic-sched render . -o program

test: $(TSTAMP) system-deps
	$(BIN)/python -m pytest -q -n 2

# Timefold Solver (the `timefold` bench extra) runs on a JVM: Debian's JRE 17 when `java` is missing.
# Only `make bench` needs it; `make test` skips the Timefold test without Java.
bench-deps:
	@if ! command -v java >/dev/null 2>&1 && [ -z "$$JAVA_HOME" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing system package: openjdk-17-jre-headless (Timefold Solver needs a JVM)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null; \
	  else echo "java is missing (run as root to install openjdk-17-jre-headless); the Timefold rows will be skipped"; fi; \
	fi

# full run: about 40 minutes (the sum of the time limits, and start-ups); `benchmarks/run.py --quick` is a smoke test of a few minutes
bench: $(BSTAMP) bench-deps
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) program build *.egg-info
