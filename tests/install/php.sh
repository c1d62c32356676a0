#!/usr/bin/env bash
# The PHP package in a clean environment (no Rust toolchain, no path into the repository): the
# Composer dist zip (composer.json with version and licence, lib/linux-x86_64/libiop.so, glibc
# floor checked); a Composer project in $WORK (Debian's `composer`) requires iopkit/iopkit from an
# "artifact" repository holding a copy of the zip (packagist.org off) and installs it; app.php
# then creates a token from the sandbox, refreshes it and makes one call, three ways: plain CLI
# with no IOPKIT_LIB (FFI::cdef on the package's own library), and the two PHP-FPM setups of the
# README run by the CLI with opcache.enable_cli: opcache.preload=…/preload.php with
# ffi.enable=preload as a non-root user (nobody), and, as root (opcache.preload_user required,
# FFI::load() then refused), ffi.preload with a site copy of the header naming the package's
# library. Ends with "install: N passed, M failed".
set -uo pipefail
[ $# -ge 1 ] && export IOPKIT_DIST="$1"   # tests/install/run.sh passes dist/
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$INSTALL_ROOT/scripts/lib.sh"
ensure_commands php:php-cli composer:composer unzip:unzip curl:curl setpriv:util-linux objdump:binutils python3:python3
# Composer's artifact repository reads the zip with PHP's zip extension.
php -r 'exit(extension_loaded("zip") ? 0 : 1);' || apt-get install -y -qq php-zip >/dev/null 2>&1

check "clean PATH" check_clean_env
zipfile="$(one_file "$DIST/php/iopkit-php-*.zip")" || { bad "PHP dist zip present"; summary; exit; }
version="${zipfile##*/iopkit-php-}"; version="${version%.zip}"
manifest() {
    local json
    json="$(unzip -p "$zipfile" composer.json)" || return 1
    php -r '$c = json_decode($argv[1], true);
        $ok = ($c["version"] ?? "") === $argv[2] && ($c["license"] ?? "") === "(MIT or Apache-2.0)" && ($c["name"] ?? "") === "iopkit/iopkit";
        echo "composer.json: ", $c["name"] ?? "?", " ", $c["version"] ?? "?", ", licence ", $c["license"] ?? "?", "\n";
        exit($ok ? 0 : 1);' "$json" "$version" || return 1
    unzip -l "$zipfile" | grep -q ' lib/linux-x86_64/libiop.so$' || { echo "no lib/linux-x86_64/libiop.so"; return 1; }
    ! unzip -l "$zipfile" | grep -q ' tests/' || { echo "the dist carries tests/"; return 1; }
}
check "PHP dist: composer.json (version, licence) and lib/linux-x86_64/libiop.so" manifest
# shellcheck disable=SC2046
check "libiop.so in the dist: glibc floor $GLIBC_FLOOR" "$INSTALL_ROOT/packaging/native/check-glibc.sh" "$GLIBC_FLOOR" \
    $(elf_files_of "$zipfile" "$WORK/zip")

mkdir -p "$WORK/artifacts" "$WORK/app"
cp "$zipfile" "$WORK/artifacts/"
cp "$INSTALL_ROOT/tests/install/app.php" "$WORK/app/"
cat >"$WORK/app/composer.json" <<JSON
{
    "name": "example/consumer",
    "require": {
        "iopkit/iopkit": "$version"
    },
    "repositories": [
        {"type": "artifact", "url": "$WORK/artifacts"},
        {"packagist.org": false}
    ]
}
JSON
check "composer install of iopkit/iopkit $version from an artifact repository" \
    clean COMPOSER_ALLOW_SUPERUSER=1 COMPOSER_NO_INTERACTION=1 composer --working-dir=app install --no-progress
package="$WORK/app/vendor/iopkit/iopkit"

start_sandbox || { bad "sandbox from the packaged iop"; summary; exit; }
run_round_trip "PHP CLI: token, refresh, call (the package's own libiop.so, no IOPKIT_LIB)" \
    IOP_EXPECT_SOURCE=bundled php app/app.php
# PHP-FPM's setups (README), run by the CLI with opcache.enable_cli.
chmod 755 "$WORK" "$WORK/app"
run_round_trip "PHP opcache.preload=preload.php, ffi.enable=preload (as nobody): token, refresh, call" \
    IOP_EXPECT_SOURCE="scope IOPKIT" setpriv --reuid=nobody --regid=nogroup --clear-groups \
    php -d opcache.enable=1 -d opcache.enable_cli=1 -d ffi.enable=preload -d opcache.preload="$package/preload.php" app/app.php
sed "1s|\"libiop.so.0\"|\"$package/lib/linux-x86_64/libiop.so\"|" "$package/iop.preload.h" >"$WORK/iop.preload.h"
run_round_trip "PHP ffi.preload (site header) + opcache.preload (as root): token, refresh, call" \
    IOP_EXPECT_SOURCE="scope IOPKIT" php -d opcache.enable=1 -d opcache.enable_cli=1 -d ffi.enable=preload \
    -d ffi.preload="$WORK/iop.preload.h" -d opcache.preload="$package/preload.php" -d opcache.preload_user=root app/app.php
summary
