# Shared helpers for scripts/test and scripts/quickstart (sourced, not run).

# Installs Debian packages for commands that are missing: ensure_commands cmd:package …
ensure_commands() {
    local missing=() pair
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Fails early with a clear message when the Rust toolchain is missing or too old.
require_rust() {
    if ! command -v cargo >/dev/null 2>&1; then
        echo "cargo not found: install Rust 1.85 or newer (https://rustup.rs)" >&2
        exit 2
    fi
}

# Prints the version of the iopkit crate (the root Cargo.toml's [package] version).
crate_version() {
    sed -n '/^\[package\]/,/^\[/s/^version = "\(.*\)"/\1/p' "$(dirname "${BASH_SOURCE[0]}")/../Cargo.toml" | head -n 1
}

# Installs python3 and its venv module (Debian) when missing; with an argument, checks that
# interpreter instead of the python3 on PATH.
ensure_python_venv() {
    local python=${1:-python3}
    [ -n "${1:-}" ] || ensure_commands python3:python3
    "$python" -c 'import ensurepip' 2>/dev/null || ensure_commands no-ensurepip:python3-venv
}
