#!/usr/bin/env bash
# Checks that no file needs a glibc symbol version newer than the floor (objdump -T).
# Usage: check-glibc.sh FLOOR FILE...   (FLOOR like 2.17). Prints, per file, the highest
# GLIBC_x.y it references; exits 1 if any is above FLOOR (or if a file cannot be read).
set -uo pipefail
floor=$1; shift
bad=0
for f in "$@"; do
    if ! syms=$(objdump -T "$f" 2>/dev/null); then
        echo "glibc: $f: not an ELF file objdump can read"
        bad=1
        continue
    fi
    max=$(grep -o 'GLIBC_[0-9][0-9.]*' <<<"$syms" | sed 's/GLIBC_//' | sort -uV | tail -n 1)
    max=${max:-none}
    if [ "$max" != none ] && [ "$(printf '%s\n%s\n' "$max" "$floor" | sort -V | tail -n 1)" != "$floor" ]; then
        echo "glibc: $(basename "$f") needs GLIBC_$max > floor $floor"
        bad=1
    else
        echo "glibc: $(basename "$f") highest GLIBC_$max <= $floor"
    fi
done
exit $bad
