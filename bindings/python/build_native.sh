#!/usr/bin/env bash
# Builds libiop (cargo) and copies it into iopkit/_native/ so the package (and its wheel)
# carries it. Usage: build_native.sh [debug|release]   (default: debug)
set -euo pipefail
PROFILE="${1:-debug}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
case "$PROFILE" in
  debug) (cd "$ROOT" && cargo build -q -p iopkit -p iopkit-sandbox) ;;
  release) (cd "$ROOT" && cargo build -q --release -p iopkit) ;;
  *) echo "usage: $0 [debug|release]" >&2; exit 2 ;;
esac
mkdir -p "$HERE/iopkit/_native"
# copy to a temporary name, then rename: a running process keeps its mapping intact
cp "$ROOT/target/$PROFILE/libiop.so" "$HERE/iopkit/_native/.libiop.so.tmp"
mv -f "$HERE/iopkit/_native/.libiop.so.tmp" "$HERE/iopkit/_native/libiop.so"
echo "copied target/$PROFILE/libiop.so to bindings/python/iopkit/_native/"
