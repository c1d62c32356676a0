#!/usr/bin/env bash
# The C package: a prefix tree and its tarball.
# Usage: package.sh NATIVE_DIR DIST_DIR   (IOPKIT_VERSION defaults to the crate's version)
#   DIST_DIR/iopkit-<ver>-linux-x86_64/
#     lib/libiop.so.<ver>, libiop.so.<major> -> it, libiop.so -> libiop.so.<major>, lib/libiop.a
#     lib/pkgconfig/iop.pc (relocatable), lib/cmake/iop/iopConfig{,Version}.cmake (iop::iop)
#     include/iop.h, share/doc/iopkit/ (licences, changelog), install.sh [--prefix DIR]
#   DIST_DIR/iopkit-<ver>-linux-x86_64.tar.gz
set -euo pipefail
# shellcheck source=packaging/lib.sh
source "$(dirname "$0")/../lib.sh" "$@"
MAJOR="${version%%.*}"
MINOR="${version#*.}"
MINOR="${MINOR%%.*}"
# What rustc names for a Rust staticlib on linux-gnu (rustc --print native-static-libs).
STATIC_LIBS="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
name="iopkit-$version-linux-x86_64"
tree="$dist/$name"
rm -rf "$tree"
mkdir -p "$tree/lib/pkgconfig" "$tree/lib/cmake/iop" "$tree/include" "$tree/share/doc/iopkit"
install -m 0755 "$native_dir/libiop.so" "$tree/lib/libiop.so.$version"
ln -s "libiop.so.$version" "$tree/lib/libiop.so.$MAJOR"
ln -s "libiop.so.$MAJOR" "$tree/lib/libiop.so"
install -m 0644 "$native_dir/libiop.a" "$tree/lib/libiop.a"
install -m 0644 "$root/include/iop.h" "$tree/include/iop.h"
subst() {
    sed -e "s|@VERSION@|$version|g" -e "s|@MAJOR@|$MAJOR|g" -e "s|@MINOR@|$MINOR|g" \
        -e "s|@STATIC_LIBS@|$STATIC_LIBS|g" \
        -e "s|@STATIC_LIBS_CMAKE@|$(sed 's/-l//g; s/ /;/g' <<<"$STATIC_LIBS")|g" "$1"
}
subst "$here/iop.pc.in" >"$tree/lib/pkgconfig/iop.pc"
subst "$here/iopConfig.cmake.in" >"$tree/lib/cmake/iop/iopConfig.cmake"
subst "$here/iopConfigVersion.cmake.in" >"$tree/lib/cmake/iop/iopConfigVersion.cmake"
install -m 0755 "$here/install.sh" "$tree/install.sh"
install -m 0644 "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$root/CHANGELOG.md" "$tree/share/doc/iopkit/"
# Reproducible archive: fixed owner, order and times.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$dist" -czf "$dist/$name.tar.gz" "$name"
echo "c: $dist/$name.tar.gz"
