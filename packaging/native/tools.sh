#!/usr/bin/env bash
# Installs the pinned packaging tools (tools-requirements.txt) into target/package-tools/venv once
# and prints that venv's bin directory. Re-installs only when the requirements change.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="$ROOT/target/package-tools/venv"
REQ="$HERE/tools-requirements.txt"
stamp="$VENV/.requirements"
if ! cmp -s "$REQ" "$stamp" 2>/dev/null; then
    python3 -m venv --clear "$VENV" >&2
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQ" >&2
    cp "$REQ" "$stamp"
fi
echo "$VENV/bin"
