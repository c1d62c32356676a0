#!/usr/bin/env bash
# The command-line archive. Usage: package.sh NATIVE_DIR DIST_DIR
#   DIST_DIR/iop-<ver>-linux-x86_64.tar.gz: iop-<ver>-linux-x86_64/{iop, README.md (the README's
#   command-line section), LICENSE-MIT, LICENSE-APACHE, CHANGELOG.md}
set -euo pipefail
# shellcheck source=packaging/lib.sh
source "$(dirname "$0")/../lib.sh" "$@"
name="iop-$version-linux-x86_64"
tree="$dist/$name"
rm -rf "$tree"
mkdir -p "$tree"
install -m 0755 "$native_dir/iop" "$tree/iop"
install -m 0644 "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$root/CHANGELOG.md" "$tree/"
{
    printf '# iop %s (linux x86_64, glibc 2.17 or newer)\n\n' "$version"
    printf 'Put `iop` on your PATH (for example `install -m 0755 iop /usr/local/bin/`). `iop sandbox`\n'
    printf 'runs the local gateway; `iop --help` lists every command. From the iopkit README:\n\n'
    # The README's command-line section, up to the next top-level heading.
    awk '/^## Command line: `iop`/ {on = 1} on && /^## / && !/^## Command line/ {exit} on' "$root/README.md" |
        sed 's/^## /### /'
} >"$tree/README.md"
grep -q '^### Command line' "$tree/README.md" || { echo "cli: README section not found" >&2; exit 1; }
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$dist" -czf "$dist/$name.tar.gz" "$name"
rm -rf "$tree"
echo "cli: $dist/$name.tar.gz"
