#!/usr/bin/env bash
# The iop archive in a clean environment (no Rust toolchain, no path into the repository): its
# contents, the binary's glibc floor and version, then `iop sandbox` (from the archive) and, with
# the same binary, a token created into a token file, refreshed, and one call made with it.
# Ends with "install: N passed, M failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$INSTALL_ROOT/scripts/lib.sh"
ensure_commands curl:curl objdump:binutils

check "clean PATH" check_clean_env
start_sandbox || { bad "iop sandbox from the archive"; summary; exit; }
ok "iop sandbox from the archive"
dir="$(dirname "$IOP_BIN")"
check "archive contents" sh -c "cd '$dir' && ls iop README.md LICENSE-MIT LICENSE-APACHE CHANGELOG.md"
check "iop glibc floor $GLIBC_FLOOR" "$INSTALL_ROOT/packaging/native/check-glibc.sh" "$GLIBC_FLOOR" "$IOP_BIN"
version="${dir##*/iop-}"; version="${version%-linux-x86_64}"
check "iop --version is $version" sh -c "[ \"\$(env -i '$IOP_BIN' --version)\" = 'iop $version' ]"

cli_round_trip() {
    local store="$WORK/tokens.json"
    "$IOP_BIN" token create --code "$IOP_CODE" --store "$store" --account shop >/dev/null || return 1
    "$IOP_BIN" token refresh --store "$store" --account shop >/dev/null || return 1
    local access
    access="$("$IOP_BIN" token get --store "$store" --account shop)" || return 1
    "$IOP_BIN" call /seller/get --token "$access" --json >"$WORK/seller.json" || return 1
    grep -q '"code" *: *"0"' "$WORK/seller.json" || { echo "unexpected answer: $(head -c 300 "$WORK/seller.json")"; return 1; }
    echo "token created into a token file, refreshed, /seller/get answered code 0"
    echo "round trip ok"
}
run_round_trip "CLI round trip (token create/refresh/get, call)" IOP_BIN="$IOP_BIN" WORK="$WORK" \
    bash -c "$(declare -f cli_round_trip); cli_round_trip"
summary
