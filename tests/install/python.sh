#!/usr/bin/env bash
# The Python wheel in a clean environment (no Rust toolchain, no path into the repository):
# its tag, the glibc floor of the library it carries, then a fresh venv (the system python3)
# installing only the wheel (--no-index), and a program that loads the bundled library, creates
# a token from the sandbox, refreshes it and makes one call. Also checks that the sdist carries
# the Rust sources setup.py builds. Ends with "install: N passed, M failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$INSTALL_ROOT/scripts/lib.sh"
ensure_commands curl:curl objdump:binutils
[ -x /usr/bin/python3 ] || ensure_commands no-system-python3:python3
ensure_python_venv /usr/bin/python3

check "clean PATH" check_clean_env
wheel="$(one_file "$DIST/python/iopkit-*-py3-none-manylinux_2_17_x86_64.whl")" || { bad "manylinux_2_17 wheel present"; summary; exit; }
sdist="$(one_file "$DIST/python/iopkit-*.tar.gz")" || bad "sdist present"
cp "$wheel" "$INSTALL_ROOT/tests/install/app.py" "$WORK/"
wheel="$WORK/${wheel##*/}"

libs="$(elf_files_of "$wheel" "$WORK/wheel-files")"
check "wheel carries iopkit/_native/libiop.so" grep -q 'iopkit/_native/libiop.so$' <<<"$libs"
# shellcheck disable=SC2086
check "wheel libraries' glibc floor $GLIBC_FLOOR" "$INSTALL_ROOT/packaging/native/check-glibc.sh" "$GLIBC_FLOOR" $libs

if [ -n "${sdist:-}" ]; then
    sdist_sources() {
        local listing f
        listing="$(tar -tzf "$sdist")"
        for f in native/Cargo.toml native/Cargo.lock native/build.rs native/src/lib.rs native/include/iop.h \
            setup.py pyproject.toml iopkit/__init__.py LICENSE-MIT LICENSE-APACHE; do
            grep -q "^iopkit-[^/]*/$f\$" <<<"$listing" || { echo "sdist lacks $f"; return 1; }
        done
        if grep -q '_native/libiop' <<<"$listing"; then echo "sdist carries a built library"; return 1; fi
        echo "sdist: the package and the crate's sources (native/), no built library"
    }
    check "sdist carries the Rust sources" sdist_sources
fi

start_sandbox || { bad "sandbox from the packaged iop"; summary; exit; }
if check "venv + pip install the wheel (no index)" clean sh -c \
    "python3 -m venv venv && venv/bin/pip install -q --no-index --disable-pip-version-check ./${wheel##*/}"; then
    site="$(clean venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])')"
    run_round_trip "Python round trip from the installed wheel" venv/bin/python app.py "$site"
fi
summary
