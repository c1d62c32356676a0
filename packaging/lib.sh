# Sourced first by every packaging/<lang>/package.sh, with its arguments NATIVE_DIR DIST_DIR:
# checks them and sets `here` (the packager's folder), `root` (the checkout), `native_dir` and
# `dist` (absolute; dist created), `version` (IOPKIT_VERSION, else the crate's) and `fail`.
[ $# -eq 2 ] || { echo "usage: $0 NATIVE_DIR DIST_DIR" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
native_dir="$(cd "$1" && pwd)"
mkdir -p "$2"
dist="$(cd "$2" && pwd)"
fail() { echo "packaging/$(basename "$here"): $*" >&2; exit 1; }
version="${IOPKIT_VERSION:-$(crate_version)}"
[ -n "$version" ] || fail "no version in Cargo.toml"
