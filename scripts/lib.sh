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
