# shellcheck shell=bash disable=SC2034  # (the variables are for the scripts that source this)
# Helpers for the clean-environment install tests (sourced by tests/install/*.sh).
#
# Every consumer step runs through `clean`: env -i with PATH=/usr/local/bin:/usr/bin:/bin (no
# Rust toolchain, checked by `check_clean_env`), HOME and TMPDIR in the test's temporary
# directory, and that directory as the working directory: nothing points into the repository.
# Artifacts are copied out of dist/ first. Each script counts its checks with ok/bad and ends
# with `summary`, which prints "install: N passed, M failed".

INSTALL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIST="${IOPKIT_DIST:-$INSTALL_ROOT/dist}"
CLEAN_PATH=/usr/local/bin:/usr/bin:/bin
GLIBC_FLOOR="$(cat "$DIST/native/GLIBC_FLOOR" 2>/dev/null || echo 2.17)"
# The sandbox's refreshable demo app (sandbox credentials, not secrets).
SANDBOX_APP_KEY=100001
SANDBOX_APP_SECRET=sandboxSecret-100001-0123456789abcdef
install_passed=0
install_failed=0

WORK="$(mktemp -d "${TMPDIR:-/tmp}/iopkit-install.XXXXXX")"
mkdir -p "$WORK/home" "$WORK/tmp"
SANDBOX_PID=""
cleanup_install() {
    exec 7>&- 2>/dev/null || true
    if [ -n "$SANDBOX_PID" ]; then kill "$SANDBOX_PID" 2>/dev/null; wait "$SANDBOX_PID" 2>/dev/null; fi
    rm -rf "$WORK"
}
trap cleanup_install EXIT

ok() { echo "ok   $*"; install_passed=$((install_passed + 1)); }
bad() { echo "FAIL $*"; install_failed=$((install_failed + 1)); }
# check NAME CMD...: runs CMD (output shown indented) and counts it.
check() {
    local name=$1; shift
    local out rc
    out="$("$@" 2>&1)"; rc=$?
    [ -n "$out" ] && sed 's/^/     | /' <<<"$out"
    if [ $rc -eq 0 ]; then ok "$name"; else bad "$name (exit $rc)"; fi
    return $rc
}
summary() {
    echo "install: $install_passed passed, $install_failed failed"
    [ "$install_failed" -eq 0 ]
}

# clean [VAR=value …] CMD…: runs CMD in the clean environment, in $WORK.
clean() {
    (cd "$WORK" && env -i PATH="$CLEAN_PATH" HOME="$WORK/home" TMPDIR="$WORK/tmp" LANG=C.UTF-8 "$@")
}

# Fails when cargo or rustc is reachable from the clean PATH.
check_clean_env() {
    local tool
    for tool in cargo rustc rustup; do
        if clean sh -c "command -v $tool" >/dev/null 2>&1; then
            echo "$tool is on the clean PATH ($CLEAN_PATH)"
            return 1
        fi
    done
    echo "no cargo, rustc or rustup on $CLEAN_PATH"
}

# The single file matching a pattern, or a failure.
one_file() {
    # shellcheck disable=SC2206  # the pattern is globbed on purpose
    local matches=( $1 )
    if [ ${#matches[@]} -ne 1 ] || [ ! -e "${matches[0]}" ]; then
        echo "expected one file matching $1, found: ${matches[*]}" >&2
        return 1
    fi
    echo "${matches[0]}"
}

# Starts the packaged CLI's sandbox (dist/cli tarball, extracted into $WORK/cli) on a free port;
# sets SANDBOX_URL and SANDBOX_GATEWAY (the Lazada GOP base URL). It stops when the script ends.
start_sandbox() {
    local archive
    archive="$(one_file "$DIST/cli/iop-*-linux-x86_64.tar.gz")" || return 1
    mkdir -p "$WORK/cli"
    tar -xzf "$archive" -C "$WORK/cli" || return 1
    IOP_BIN="$(one_file "$WORK/cli/iop-*-linux-x86_64/iop")" || return 1
    mkfifo "$WORK/sandbox.in"
    (cd "$WORK" && exec env -i PATH="$CLEAN_PATH" HOME="$WORK/home" "$IOP_BIN" sandbox --port 0 --exit-on-eof \
        <"$WORK/sandbox.in" >"$WORK/sandbox.out" 2>&1) &
    SANDBOX_PID=$!
    exec 7>"$WORK/sandbox.in"   # held open: the sandbox stops when the script ends
    for _ in $(seq 1 100); do
        SANDBOX_URL="$(sed -n 's/^iop sandbox listening on \(http[^ ]*\)$/\1/p' "$WORK/sandbox.out" 2>/dev/null)"
        [ -n "$SANDBOX_URL" ] && break
        sleep 0.1
    done
    if [ -z "$SANDBOX_URL" ]; then
        cat "$WORK/sandbox.out"
        return 1
    fi
    SANDBOX_GATEWAY="$SANDBOX_URL/lazada/rest"
    echo "sandbox (packaged iop) at $SANDBOX_URL"
}

# Prints a fresh one-time authorization code for the demo app.
sandbox_code() {
    curl -sf -X POST "$SANDBOX_URL/_sandbox/code?client_id=$SANDBOX_APP_KEY" | sed -n 's/.*"code" *: *"\([^"]*\)".*/\1/p'
}

# run_round_trip NAME CMD…: runs CMD in the clean environment with IOP_GATEWAY, IOP_APP_KEY,
# IOP_APP_SECRET and a fresh IOP_CODE; CMD creates a token, refreshes it and makes one call,
# and prints "round trip ok" when all three succeeded.
run_round_trip() {
    local name=$1; shift
    local code out rc
    code="$(sandbox_code)"
    if [ -z "$code" ]; then bad "$name: no authorization code from the sandbox"; return 1; fi
    out="$(clean IOP_GATEWAY="$SANDBOX_GATEWAY" IOP_APP_KEY="$SANDBOX_APP_KEY" IOP_APP_SECRET="$SANDBOX_APP_SECRET" \
        IOP_CODE="$code" "$@" 2>&1)"; rc=$?
    sed 's/^/     | /' <<<"$out"
    if [ $rc -eq 0 ] && grep -q '^round trip ok$' <<<"$out"; then ok "$name"; else bad "$name (exit $rc)"; fi
}

# Extracts every ELF file of an archive (.tar.gz, or a zip: .whl .jar .nupkg .zip) into DIR and
# prints their paths.
elf_files_of() {
    local archive=$1 dir=$2
    mkdir -p "$dir"
    case "$archive" in
        *.tar.gz|*.tgz) tar -xzf "$archive" -C "$dir" ;;
        *) python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$archive" "$dir" ;;
    esac
    find "$dir" -type f | while read -r f; do
        [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] && echo "$f"
    done
}
