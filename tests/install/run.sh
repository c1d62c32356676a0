#!/usr/bin/env bash
# Installs every artifact of dist/ into a clean environment and uses it (tests/install/*.sh:
# c, cli, python, and java, dotnet, php when present), after checking that no shipped native file
# (in any archive of dist/) needs a glibc symbol newer than the floor. Each script's lines are
# shown prefixed with its name; the last line sums their "install: N passed, M failed" lines.
# Usage: tests/install/run.sh [--package]   (--package runs scripts/package first; its failure
# counts as one failed test).
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DIST="${IOPKIT_DIST:-$ROOT/dist}"
passed=0
failed=0

if [ "${1:-}" = "--package" ]; then
    start=$SECONDS
    if "$ROOT/scripts/package"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "!! scripts/package failed"; fi
    echo "== scripts/package took $((SECONDS - start)) s"
fi

# Every ELF file inside every archive of dist/ (not dist/native, which is not shipped as is).
glibc_all() {
    local floor work archive f rc=0 n=0
    floor="$(cat "$DIST/native/GLIBC_FLOOR" 2>/dev/null || echo 2.17)"
    work="$(mktemp -d)"
    while read -r archive; do
        n=$((n + 1))
        while read -r f; do
            [ -n "$f" ] || continue
            "$ROOT/packaging/native/check-glibc.sh" "$floor" "$f" | sed "s|^glibc: |glibc: ${archive#"$DIST"/}: |" || rc=1
        done < <(source "$HERE/lib.sh" && elf_files_of "$archive" "$work/$n")
    done < <(find "$DIST" -mindepth 2 -maxdepth 2 -type f \( -name '*.tar.gz' -o -name '*.whl' -o -name '*.jar' \
        -o -name '*.nupkg' -o -name '*.zip' \) ! -path "$DIST/native/*" | sort)
    rm -rf "$work"
    return $rc
}
echo "== glibc floor of every shipped native file"
glibc_out="$(glibc_all)"; glibc_rc=$?
echo "$glibc_out"
if [ $glibc_rc -eq 0 ] && grep -q '^glibc: ' <<<"$glibc_out"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

for name in c cli python java dotnet php; do
    script="$HERE/$name.sh"
    [ -x "$script" ] || continue
    echo "== $name"
    start=$SECONDS
    out="$("$script" "$DIST" 2>&1)"; rc=$?
    sed "s/^/[$name] /" <<<"$out"
    line="$(grep -E '^install: [0-9]+ passed, [0-9]+ failed$' <<<"$out" | tail -n 1)"
    if [ -z "$line" ]; then
        echo "!! $name reported no summary (exit $rc)"
        failed=$((failed + 1))
        continue
    fi
    read -r p f < <(sed -E 's/^install: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/' <<<"$line")
    passed=$((passed + p))
    failed=$((failed + f))
    if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); echo "!! $name exited $rc"; fi
    echo "== $name: $p passed, $f failed ($((SECONDS - start)) s)"
done

echo "== artifact sizes (bytes)"
(cd "$DIST" && find . -mindepth 2 -maxdepth 2 -type f ! -path './native/*' | sort | xargs -r du -b |
    awk '{printf "%12d  %s\n", $1, substr($2, 3)}')
echo "install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
