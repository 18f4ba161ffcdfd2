#!/usr/bin/env bash
# Installs what the tests need (a virtualenv with ivrd and its test extras; Debian's telephony
# peers and renderers when running as root) and runs the whole suite: once on SQLite, and the
# database tests again on PostgreSQL when IVRD_TEST_POSTGRES_URL names a reachable server.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${IVRD_VENV:-.venv}

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  need=()
  command -v sipp >/dev/null || need+=(sip-tester)
  command -v baresip >/dev/null || need+=(baresip-core)
  command -v kamailio >/dev/null || [ -x /usr/sbin/kamailio ] || need+=(kamailio)
  command -v espeak-ng >/dev/null || need+=(espeak-ng)
  command -v sox >/dev/null || need+=(sox)
  command -v dot >/dev/null || need+=(graphviz)
  if [ ${#need[@]} -gt 0 ]; then
    echo "== apt-get install ${need[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi

[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -e '.[test]'

echo "== ruff"
"$VENV/bin/ruff" check src tests bench
echo "== mypy"
"$VENV/bin/mypy"

echo "== pytest (SQLite)"
"$VENV/bin/pytest" -q "$@"

if [ -n "${IVRD_TEST_POSTGRES_URL:-}" ]; then
  echo "== pytest -m db (PostgreSQL: ${IVRD_TEST_POSTGRES_URL})"
  IVRD_TEST_DATABASE_URL="$IVRD_TEST_POSTGRES_URL" "$VENV/bin/pytest" -q -m db "$@"
else
  echo "== PostgreSQL half skipped: set IVRD_TEST_POSTGRES_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) to run it"
fi
