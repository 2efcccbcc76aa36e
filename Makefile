# Jisr — the two commands a new user needs: `make run` and `make test`.
PY        ?= python3
VENV      := .venv
BIN       := $(VENV)/bin
PORT      ?= 8000
export JISR_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test browser browser-deps check install messages clean-var

$(BIN)/jisr: pyproject.toml scripts/system-packages.txt
	./scripts/system-deps.sh
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	# pycanon pins all its dependencies exactly (clashing with pydantic); its checker needs only numpy and pandas.
	$(BIN)/pip install --quiet --no-deps 'pycanon==1.3.6'
	@touch $(BIN)/jisr

install: $(BIN)/jisr

run: install
	$(BIN)/jisr migrate --noinput
	$(BIN)/jisr seed_demo --history 200
	@echo ""
	@echo "Jisr is starting on http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	$(BIN)/jisr runserver 127.0.0.1:$(PORT)

# The browser journeys need Chromium (Debian package) and axe-core (npm): installed here when possible,
# otherwise those tests skip with the reason (in CI they fail instead).
browser-deps:
	@./scripts/system-deps.sh --browser || echo "(no Chromium: browser journeys will be skipped)"
	@if [ -f package.json ] && [ ! -d node_modules/axe-core ] && command -v npm >/dev/null; then \
		npm ci --no-audit --no-fund --silent || echo "(no axe-core: browser journeys will be skipped)"; fi

test: install browser-deps
	$(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

# The browser journeys alone (also part of `make test`); needs Chromium and `npm ci` (axe-core).
browser: install
	$(BIN)/python -m pytest -m browser -p no:xdist tests/browser $(PYTEST_ARGS)

check: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy --strict src/jisr/crypto/normalise.py src/jisr/crypto/envelope.py src/jisr/crypto/blind_index.py \
		src/jisr/audit/chain.py src/jisr/common/dates.py src/jisr/survivors/identity.py src/jisr/accounts/roles.py \
		src/jisr/identification/engine src/jisr/outcomes/instruments src/jisr/statistics/core \
		src/jisr/common/exports.py src/jisr/referrals/statemachine.py src/jisr/referrals/envelope.py \
		src/jisr/crypto/backup_file.py
	JISR_DATA_DIR=$$(mktemp -d) $(BIN)/jisr makemigrations --check --dry-run

messages: install
	cd src/jisr && ../../$(BIN)/jisr compilemessages
