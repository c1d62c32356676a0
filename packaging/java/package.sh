#!/usr/bin/env bash
# Builds the Java artifacts: packaging/java/package.sh <native_dir> <dist_dir>
#
# <native_dir> holds libiop_jni.so (the JNI library, core linked in, glibc floor 2.17, stripped);
# <dist_dir> (emptied, then filled) receives iopkit-<v>.jar (libiop_jni.so inside, at
# native/linux-x86_64/), -sources.jar, -javadoc.jar, the .pom, and maven-repo/ (a Maven
# repository layout with checksums, usable as a file:// <repository>). The binding is built from a
# copy of its pom.xml and src/main in a temporary folder (`mvn -Prelease deploy`, no tests: they
# need the sandbox and run in bindings/java/run-tests.sh), so a test run in bindings/java/target
# is never disturbed. Installs OpenJDK 17 and Maven (Debian) when missing; plugins come from
# Maven Central into ~/.m2.
set -euo pipefail

# shellcheck source=packaging/lib.sh
source "$(dirname "$0")/../lib.sh" "$@"
src="$root/bindings/java"
ensure_commands javac:openjdk-17-jdk-headless mvn:maven unzip:unzip


pom_version="$(sed -n '/<artifactId>iopkit<\/artifactId>/{n;s/.*<version>\(.*\)<\/version>.*/\1/p;q}' "$src/pom.xml")"
[ "$pom_version" = "$version" ] || fail "bindings/java/pom.xml says $pom_version, Cargo.toml $version: make them equal"
lib="$native_dir/libiop_jni.so"
[ -f "$lib" ] || fail "$lib not found (the native build makes it)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
cp "$src/pom.xml" "$src/README.md" "$work/"
cp -r "$src/src/main" "$work/src/main"
# The licence texts go into the JAR's META-INF (when the repository has them).
mkdir -p "$work/src/main/resources/META-INF"
for f in LICENSE-MIT LICENSE-APACHE; do
    [ -f "$root/$f" ] && cp "$root/$f" "$work/src/main/resources/META-INF/"
done

rm -rf "${dist:?}"/*
echo "== mvn -Prelease deploy (iopkit $version, native library $lib)"
(cd "$work" && mvn -B -q -Dstyle.color=never -Prelease deploy \
    -Diopkit.native.dir="$native_dir" \
    -Dmaven.install.skip=true \
    -DaltDeploymentRepository="dist::file://$dist/maven-repo") || fail "mvn failed"

base="iopkit-$version"
for f in "$base.jar" "$base-sources.jar" "$base-javadoc.jar"; do
    cp "$work/target/$f" "$dist/" || fail "$f was not built"
done
cp "$work/pom.xml" "$dist/$base.pom"

# The JAR must carry exactly the library it was given.
unzip -p "$dist/$base.jar" native/linux-x86_64/libiop_jni.so | cmp -s - "$lib" \
    || fail "$base.jar does not bundle $lib at native/linux-x86_64/libiop_jni.so"
[ -f "$dist/maven-repo/io/iopkit/iopkit/$version/$base.jar" ] || fail "maven-repo/ lacks $base.jar"
echo "java: $(cd "$dist" && ls -1 ./*.jar ./*.pom | tr '\n' ' ')"
