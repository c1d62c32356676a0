#!/bin/sh
# Installs libiop from this directory into a prefix: ./install.sh [--prefix DIR] (default /usr/local).
# Copies lib/ (the library, its SONAME and development links, libiop.a, pkg-config and CMake files),
# include/iop.h and share/doc/iopkit/, and writes the absolute prefix into iop.pc. Installing into
# /usr or /usr/local as root also runs ldconfig.
set -eu
prefix=/usr/local
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix=$2; shift 2 ;;
        --prefix=*) prefix=${1#--prefix=}; shift ;;
        -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (usage: $0 [--prefix DIR])" >&2; exit 2 ;;
    esac
done
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
mkdir -p "$prefix/lib/pkgconfig" "$prefix/lib/cmake/iop" "$prefix/include" "$prefix/share/doc/iopkit"
cp -P "$here"/lib/libiop.so* "$here/lib/libiop.a" "$prefix/lib/"
cp "$here"/lib/cmake/iop/*.cmake "$prefix/lib/cmake/iop/"
cp "$here/include/iop.h" "$prefix/include/"
cp "$here"/share/doc/iopkit/* "$prefix/share/doc/iopkit/"
sed "s|^prefix=.*|prefix=$prefix|" "$here/lib/pkgconfig/iop.pc" >"$prefix/lib/pkgconfig/iop.pc"
case "$prefix" in
    /usr|/usr/local) if [ "$(id -u)" -eq 0 ] && command -v ldconfig >/dev/null 2>&1; then ldconfig; fi ;;
esac
echo "installed libiop into $prefix (pkg-config: PKG_CONFIG_PATH=$prefix/lib/pkgconfig; CMake: -DCMAKE_PREFIX_PATH=$prefix)"
