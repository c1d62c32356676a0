#!/usr/bin/env bash
# Builds the shipped native files for x86_64-unknown-linux-gnu against glibc 2.17 (cargo-zigbuild,
# zig from PyPI), stripped, into OUT_DIR (default dist/native):
#   libiop.so      the C ABI (SONAME libiop.so.0)        libiop.a   the same, static
#   libiop_jni.so  the Java binding's JNI glue (libiop linked in statically)
#   iop            the command line (with the sandbox: `iop sandbox`)
# Fails if any of them needs a glibc symbol newer than 2.17. Cargo's output stays in
# target/package (apart from the development target directory).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="${1:-$ROOT/dist/native}"
GLIBC_FLOOR=2.17
TRIPLE=x86_64-unknown-linux-gnu
TOOLS="$("$HERE/tools.sh")"
# zig is found as `python3 -m ziglang` from the tools venv.
export PATH="$TOOLS:$PATH"
export CARGO_TARGET_DIR="$ROOT/target/package"
# Debug symbols and the symbol table go; the dynamic symbols (the iop_* API) stay.
export CARGO_PROFILE_RELEASE_STRIP=symbols
cd "$ROOT"
cargo zigbuild --release --locked --target "$TRIPLE.$GLIBC_FLOOR" \
    -p iopkit -p iopkit-cli -p iopkit-jni
built="$CARGO_TARGET_DIR/$TRIPLE/release"
mkdir -p "$OUT"
for f in libiop.so libiop.a libiop_jni.so iop; do
    cp "$built/$f" "$OUT/.$f.tmp"
    mv -f "$OUT/.$f.tmp" "$OUT/$f"
done
# The static library keeps its symbols (it is linked again) but not its debug sections.
strip --strip-debug "$OUT/libiop.a"
"$HERE/check-glibc.sh" "$GLIBC_FLOOR" "$OUT/libiop.so" "$OUT/libiop_jni.so" "$OUT/iop"
echo "$GLIBC_FLOOR" >"$OUT/GLIBC_FLOOR"
