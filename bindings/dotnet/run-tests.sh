#!/usr/bin/env bash
# Builds libiop and the sandbox, compiles the .NET binding and its tests with Mono's mcs, runs
# them with NUnit 2.6 (nunit-console) and prints, as its last line, `dotnet: N passed, M failed`.
# Works from any directory. Installs mono-mcs, mono-runtime, nunit-console, libnunit-cil-dev,
# libmono-system-runtime-serialization4.0-cil and redis-server (the Redis store tests start one)
# with apt-get when missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/target/dotnet"
log="$out/logs"

summary() { echo "dotnet: $1 passed, $2 failed"; }
fail() { echo "run-tests.sh: $*" >&2; summary 0 1; exit 1; }

# --- tools -------------------------------------------------------------------------------------
nunit_dll() { find /usr/lib/cli /usr/lib/mono -name nunit.framework.dll -path '*2.6*' 2>/dev/null | head -n1; }
need=()
command -v mcs >/dev/null 2>&1 || need+=(mono-mcs)
command -v mono >/dev/null 2>&1 || need+=(mono-runtime)
command -v nunit-console >/dev/null 2>&1 || need+=(nunit-console)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -n "$(nunit_dll)" ] || need+=(libnunit-cil-dev)
# DataContractJsonSerializer (token records); part of netstandard2.0, a separate package in Debian's Mono.
[ -n "$(find /usr/lib/mono -name System.Runtime.Serialization.dll 2>/dev/null | head -n1)" ] \
    || need+=(libmono-system-runtime-serialization4.0-cil)
if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]} ..." >&2
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq >&2 || fail "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >&2 \
        || fail "apt-get install ${need[*]} failed"
fi
nunit="$(nunit_dll)"
[ -n "$nunit" ] || fail "nunit.framework.dll (NUnit 2.6) not found"

# --- the project file is well-formed XML -----------------------------------------------------
csproj="$here/src/Iopkit/Iopkit.csproj"
if command -v python3 >/dev/null 2>&1 && python3 -c 'import xml.dom.minidom' >/dev/null 2>&1; then
    python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$csproj" \
        || fail "Iopkit.csproj is not well-formed XML"
elif command -v xmllint >/dev/null 2>&1; then
    xmllint --noout "$csproj" || fail "Iopkit.csproj is not well-formed XML"
else
    fail "neither python3 nor xmllint is available to check Iopkit.csproj"
fi
grep -q '<TargetFramework>netstandard2.0</TargetFramework>' "$csproj" || fail "Iopkit.csproj must target netstandard2.0"

# --- native library and sandbox ------------------------------------------------------------------
mkdir -p "$out" "$log"
(cd "$root" && cargo build -p iopkit -p iopkit-sandbox) >"$log/cargo-build.log" 2>&1 \
    || { tail -n 30 "$log/cargo-build.log" >&2; fail "cargo build failed (log: $log/cargo-build.log)"; }
[ -f "$root/target/debug/libiop.so" ] || fail "target/debug/libiop.so was not built"
[ -x "$root/target/debug/iop-sandbox" ] || fail "target/debug/iop-sandbox was not built"

# --- compile ------------------------------------------------------------------------------------
# DllImport("iop") finds libiop.so next to the assembly; LD_LIBRARY_PATH is set as a fallback.
ln -sf "$root/target/debug/libiop.so" "$out/libiop.so"
mcs -target:library -langversion:7 -warn:4 -warnaserror+ -nowarn:1591 -debug -r:System.Runtime.Serialization.dll \
    -doc:"$out/Iopkit.xml" -out:"$out/Iopkit.dll" "$here"/src/Iopkit/*.cs \
    >"$log/mcs-lib.log" 2>&1 || { cat "$log/mcs-lib.log" >&2; fail "compiling Iopkit.dll failed"; }
cp "$nunit" "$out/"
mcs -target:library -langversion:7 -warn:4 -debug \
    -r:"$out/Iopkit.dll" -r:"$out/nunit.framework.dll" -r:System.Core.dll -r:System.Runtime.Serialization.dll \
    -out:"$out/Iopkit.Tests.dll" "$here"/tests/*.cs \
    >"$log/mcs-tests.log" 2>&1 || { cat "$log/mcs-tests.log" >&2; fail "compiling Iopkit.Tests.dll failed"; }

# --- run ------------------------------------------------------------------------------------------
export IOP_SANDBOX="${IOP_SANDBOX:-$root/target/debug/iop-sandbox}"
export IOP_CONFORMANCE_CASES="$root/tests/conformance/cases.json"
export LD_LIBRARY_PATH="$out${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export RUST_BACKTRACE=0
result="$out/TestResult.xml"
rm -f "$result"
set +e
(cd "$out" && nunit-console -nologo -noshadow -labels -xml="$result" "$out/Iopkit.Tests.dll") 2>&1 | tee "$log/nunit.log"
status=${PIPESTATUS[0]}
set -e
[ -f "$result" ] || fail "nunit-console produced no result file (exit $status)"

# Count test cases from the XML: Success → passed; Failure/Error → failed; the rest (ignored,
# skipped) neither. Python when available, grep otherwise.
count_py='
import sys, xml.etree.ElementTree as ET
p = f = i = 0
for c in ET.parse(sys.argv[1]).getroot().iter("test-case"):
    r = c.get("result")
    if r == "Success": p += 1
    elif r in ("Failure", "Error", "Cancelled", "NotRunnable"): f += 1
    else: i += 1
print(p, f, i)
'
counts() {
    if python3 -c "$count_py" "$1" 2>/dev/null; then
        return 0
    fi
    local p f i
    p=$(grep -cE '<test-case[^>]*result="Success"' "$1" || true)
    f=$(grep -cE '<test-case[^>]*result="(Failure|Error|Cancelled|NotRunnable)"' "$1" || true)
    i=$(grep -cE '<test-case[^>]*result="(Ignored|Skipped|Inconclusive|NotRun)"' "$1" || true)
    echo "$p $f $i"
}
passed=0 failed=0 ignored=0
read -r passed failed ignored < <(counts "$result") || true
passed=${passed:-0} failed=${failed:-0} ignored=${ignored:-0}
[ "$ignored" = "0" ] || echo "($ignored test(s) ignored or skipped)"
# A non-zero exit with no failed case (e.g. a crash in a fixture set-up) still counts as a failure.
if [ "$status" -ne 0 ] && [ "$failed" = "0" ]; then
    failed=1
fi
summary "$passed" "$failed"
[ "$failed" = "0" ]
