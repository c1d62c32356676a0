#!/usr/bin/env bash
# examples/c/build.sh: compiles examples/c/quickstart.c against the debug build of libiop.so
# (and the test gateway, libiop_sandbox.so), then runs it. Works from any directory.
# Builds the libraries with cargo first if they are missing. Output: target/c/quickstart.
set -euo pipefail

# shellcheck source=../../tests/c/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../tests/c/common.sh"
export RUST_BACKTRACE=0
iop_c_setup
iop_c_compile "$IOP_OUT/quickstart" "$IOP_ROOT/examples/c/quickstart.c"
exec "$IOP_OUT/quickstart"
