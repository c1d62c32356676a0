#!/usr/bin/env bash
# The Python packages. Usage: package.sh NATIVE_DIR DIST_DIR
#   DIST_DIR/iopkit-<ver>-py3-none-manylinux_2_17_x86_64.whl  (carries NATIVE_DIR/libiop.so;
#       checked by `auditwheel show`)
#   DIST_DIR/iopkit-<ver>.tar.gz  the sdist: the package plus the Rust sources of libiop in native/,
#       built with cargo when installed
# Builds from a staged copy of bindings/python, so the checkout is left as it is.
set -euo pipefail
# shellcheck source=packaging/lib.sh
source "$(dirname "$0")/../lib.sh" "$@"
PLAT=manylinux_2_17_x86_64
TOOLS="$("$root/packaging/native/tools.sh")"
PY="$TOOLS/python"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
stage="$work/iopkit"

# 1. the Python package (without a bundled library or caches) and the licences
mkdir -p "$stage"
src="$root/bindings/python"
cp "$src/pyproject.toml" "$src/setup.py" "$src/MANIFEST.in" "$src/README.md" "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$stage/"
(cd "$src" && tar --exclude=__pycache__ --exclude=_native -cf - iopkit) | tar -xf - -C "$stage"

# 2. the Rust sources for the sdist: `cargo package` gives the crate with a self-contained
#    Cargo.toml (no workspace) and its Cargo.lock; only what building the library needs is kept.
export CARGO_TARGET_DIR="$root/target/package"
(cd "$root" && { cargo package -q -p iopkit --no-verify --allow-dirty --locked --offline 2>/dev/null ||
    cargo package -q -p iopkit --no-verify --allow-dirty --locked; })
tar -xzf "$CARGO_TARGET_DIR/package/iopkit-$version.crate" -C "$work"
crate="$work/iopkit-$version"
mkdir -p "$stage/native"
cp -r "$crate/Cargo.lock" "$crate/build.rs" "$crate/cbindgen.toml" "$crate/src" "$crate/include" \
    "$crate/LICENSE-MIT" "$crate/LICENSE-APACHE" "$stage/native/"
# The manifest without the targets and dev-dependencies whose files are not shipped.
"$PY" - "$crate/Cargo.toml" "$stage/native/Cargo.toml" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
sections = re.split(r"(?m)^(?=\[)", text)
drop = re.compile(r"^\[\[(test|example|bench|bin)\]\]|^\[dev-dependencies|^\[target\.[^\]]*\.dev-dependencies")
kept = [s for s in sections if not drop.match(s)]
out = "".join(kept).replace('readme = "README.md"\n', "")
open(sys.argv[2], "w", encoding="utf-8").write(out)
PY
# Drop the lock entries only the removed dev-dependencies used (every other version stays), so
# the sdist builds with --locked.
cargo metadata -q --format-version 1 --offline --manifest-path "$stage/native/Cargo.toml" >/dev/null

# 3. the sdist, and the wheel around the glibc-2.17 library
export SOURCE_DATE_EPOCH=315532800
"$PY" -m build --sdist --no-isolation --outdir "$dist" "$stage" >"$work/sdist.log" 2>&1 || { cat "$work/sdist.log"; exit 1; }
# Tagged for the platform policy directly (bdist_wheel --plat-name); auditwheel then checks that
# the library's symbols and dependencies fit it.
IOPKIT_LIB="$native_dir/libiop.so" "$PY" -m build --wheel --no-isolation --outdir "$dist" \
    -C--build-option=--plat-name="$PLAT" "$stage" >"$work/wheel.log" 2>&1 || { cat "$work/wheel.log"; exit 1; }
wheel="$dist/iopkit-$version-py3-none-$PLAT.whl"
show="$("$TOOLS/auditwheel" show "$wheel")"
echo "$show"
grep -q "\"$PLAT\"" <<<"$show" || { echo "python: auditwheel does not accept $wheel as $PLAT" >&2; exit 1; }
echo "python: $wheel"
echo "python: $dist/iopkit-$version.tar.gz"
