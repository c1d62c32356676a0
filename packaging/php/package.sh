#!/usr/bin/env bash
# Builds the Composer package: packaging/php/package.sh <native_dir> <dist_dir>
#
# <native_dir> holds libiop.so (glibc floor 2.17, stripped); <dist_dir> (emptied, then filled)
# receives iopkit-php-<version>.zip, a Composer dist for an "artifact" repository (or to unzip
# and use as a "path" repository): composer.json (with "version" set to Cargo.toml's), src/,
# autoload.php, preload.php, iop.preload.h, README.md, the licence texts and
# lib/linux-x86_64/libiop.so, which Iopkit\Native (and preload.php) find without IOPKIT_LIB.
# What is left out is composer.json's "archive.exclude" list (tests, benchmarks). Installs
# php-cli and zip (Debian) when missing.
set -euo pipefail

# shellcheck source=packaging/lib.sh
source "$(dirname "$0")/../lib.sh" "$@"
src="$root/bindings/php"
ensure_commands php:php-cli zip:zip unzip:unzip


lib="$native_dir/libiop.so"
[ -f "$lib" ] || fail "$lib not found (the native build makes it)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pkg="$work/iopkit"
mkdir -p "$pkg/lib/linux-x86_64"
cp -r "$src/src" "$src/autoload.php" "$src/preload.php" "$src/iop.preload.h" "$src/README.md" "$pkg/"
for f in LICENSE-MIT LICENSE-APACHE; do
    [ -f "$root/$f" ] && cp "$root/$f" "$pkg/"
done
cp "$lib" "$pkg/lib/linux-x86_64/libiop.so"
# composer.json with the version (an artifact repository reads it from the archive).
php -r '
    $c = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
    $c = array_merge(array_slice($c, 0, 2), ["version" => $argv[2]], array_slice($c, 2));
    file_put_contents($argv[3], json_encode($c, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES) . "\n");
' "$src/composer.json" "$version" "$pkg/composer.json" || fail "cannot write composer.json"

# Nothing composer.json's archive.exclude names may be in the package.
for excluded in $(php -r 'foreach (json_decode(file_get_contents($argv[1]), true)["archive"]["exclude"] ?? [] as $e) echo ltrim($e, "/"), "\n";' "$src/composer.json"); do
    [ ! -e "$pkg/$excluded" ] || fail "$excluded is in the package but composer.json excludes it"
done
php -l "$pkg/preload.php" >/dev/null || fail "preload.php does not parse"

rm -rf "${dist:?}"/*
zipfile="$dist/iopkit-php-$version.zip"
find "$pkg" -exec touch -d '2000-01-01 00:00:00' {} +   # the same bytes for the same inputs
(cd "$pkg" && zip -q -X -D -r -9 "$zipfile" .) || fail "zip failed"
unzip -p "$zipfile" lib/linux-x86_64/libiop.so | cmp -s - "$lib" || fail "$zipfile does not carry $lib"
echo "php: $(basename "$zipfile")"
