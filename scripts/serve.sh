#!/usr/bin/env bash
# Installs ivrd into a virtualenv and starts it on the embedded SQLite default
# (./ivrd-data). On first start it creates a demo client and prints its credentials.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${IVRD_VENV:-.venv}
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -e .
exec "$VENV/bin/ivrd" serve "$@"
