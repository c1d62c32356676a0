#!/usr/bin/env bash
# The C package in a clean environment (no Rust toolchain, no path into the repository):
# the tarball's layout, SONAME and glibc floor; a program built with
# `pkg-config --cflags --libs iop` from the extracted (relocatable) tarball and from an
# `install.sh --prefix` install, each run WITHOUT LD_LIBRARY_PATH (iop.pc's Libs carry an rpath
# to the prefix's lib/); a CMake project using find_package(iop) with iop::iop and
# iop::iop_static. Each program creates a token from the sandbox, refreshes it and makes one call.
# Ends with "install: N passed, M failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$INSTALL_ROOT/scripts/lib.sh"
ensure_commands cc:gcc pkg-config:pkgconf cmake:cmake make:make curl:curl objdump:binutils readelf:binutils

check "clean PATH" check_clean_env
archive="$(one_file "$DIST/c/iopkit-*-linux-x86_64.tar.gz")" || { bad "C tarball present"; summary; exit; }
cp "$INSTALL_ROOT/tests/install/app.c" "$INSTALL_ROOT/tests/install/CMakeLists.txt" "$WORK/"
tar -xzf "$archive" -C "$WORK"
tree="$(one_file "$WORK/iopkit-*-linux-x86_64")"
version="${tree##*/iopkit-}"; version="${version%-linux-x86_64}"

layout() {
    local lib="$tree/lib" f
    [ "$(readlink "$lib/libiop.so")" = libiop.so.0 ] || { echo "libiop.so -> $(readlink "$lib/libiop.so")"; return 1; }
    [ "$(readlink "$lib/libiop.so.0")" = "libiop.so.$version" ] || { echo "libiop.so.0 -> $(readlink "$lib/libiop.so.0")"; return 1; }
    for f in "lib/libiop.so.$version" lib/libiop.a include/iop.h lib/pkgconfig/iop.pc lib/cmake/iop/iopConfig.cmake \
        lib/cmake/iop/iopConfigVersion.cmake install.sh share/doc/iopkit/LICENSE-MIT share/doc/iopkit/LICENSE-APACHE; do
        [ -f "$tree/$f" ] || { echo "missing $f"; return 1; }
    done
    # (each tool's whole output is read first: `grep -q` closing a pipe early fails it under pipefail)
    local dynamic sections symbols
    dynamic="$(readelf -d "$lib/libiop.so.$version")" sections="$(readelf -S "$lib/libiop.so.$version")"
    symbols="$(objdump -T "$lib/libiop.so.$version")"
    grep -q 'Library soname: \[libiop.so.0\]' <<<"$dynamic" || { echo "SONAME is not libiop.so.0"; return 1; }
    # Stripped: no symbol table, only the dynamic one (the iop_* API).
    if grep -q '\.symtab' <<<"$sections"; then echo "libiop.so is not stripped"; return 1; fi
    grep -q ' iop_client_new$' <<<"$symbols" || { echo "iop_client_new not exported"; return 1; }
    echo "iopkit $version: links, SONAME libiop.so.0, stripped, iop_* exported"
}
check "C tarball layout" layout
check "libiop.so glibc floor $GLIBC_FLOOR" "$INSTALL_ROOT/packaging/native/check-glibc.sh" "$GLIBC_FLOOR" "$tree/lib/libiop.so.$version"

start_sandbox || { bad "sandbox from the packaged iop"; summary; exit; }

# build_with_pkg_config NAME PREFIX: cc app.c $(pkg-config --cflags --libs iop), in the clean env.
build_with_pkg_config() {
    local out=$1 prefix=$2
    clean PKG_CONFIG_PATH="$prefix/lib/pkgconfig" sh -c \
        "cc -Wall -Werror -o $out app.c \$(pkg-config --cflags --libs iop) && pkg-config --modversion iop"
}
# Relocatable tarball: iop.pc's prefix is ${pcfiledir}/../..
if check "pkg-config build (extracted tarball)" build_with_pkg_config app_tarball "$tree"; then
    run_round_trip "C round trip, tarball prefix, no LD_LIBRARY_PATH" ./app_tarball
fi
# install.sh into another prefix (writes an absolute prefix into iop.pc)
if check "install.sh --prefix" clean "$tree/install.sh" --prefix "$WORK/prefix"; then
    if check "pkg-config build (installed prefix)" build_with_pkg_config app_prefix "$WORK/prefix"; then
        run_round_trip "C round trip, installed prefix, no LD_LIBRARY_PATH" ./app_prefix
    fi
    # CMake: find_package(iop 0.2) from the installed prefix; iop::iop and iop::iop_static
    if check "CMake find_package(iop) build" clean sh -c \
        "cmake -S . -B cmake-build -DCMAKE_PREFIX_PATH=$WORK/prefix -DCMAKE_BUILD_TYPE=Release >cmake.log 2>&1 \
         && cmake --build cmake-build >>cmake.log 2>&1 || { tail -n 30 cmake.log; exit 1; }"; then
        run_round_trip "C round trip, CMake iop::iop" ./cmake-build/app_shared
        run_round_trip "C round trip, CMake iop::iop_static" ./cmake-build/app_static
        check "iop::iop_static has no libiop.so dependency" sh -c \
            "readelf -d '$WORK/cmake-build/app_static' >'$WORK/static.dyn' && ! grep -q 'libiop.so' '$WORK/static.dyn'"
    fi
fi
summary
