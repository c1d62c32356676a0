#!/usr/bin/env bash
# The Java package in a clean environment (no Rust toolchain, no path into the repository): the
# JAR bundles libiop_jni.so (glibc floor checked) and ships with its sources and javadoc JARs;
# a Maven consumer project in $WORK declares io.iopkit:iopkit from a file:// copy of
# dist/java/maven-repo, resolves it into a temporary local repository (-Dmaven.repo.local; the
# Maven plugins come from Maven Central) and compiles App.java against it; App then runs with the
# resolved JAR alone on the class path (the native library is the copy inside it), creates a
# token from the sandbox, refreshes it and makes one call. Ends with "install: N passed, M failed".
set -uo pipefail
[ $# -ge 1 ] && export IOPKIT_DIST="$1"   # tests/install/run.sh passes dist/
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$INSTALL_ROOT/scripts/lib.sh"
ensure_commands java:openjdk-17-jdk-headless javac:openjdk-17-jdk-headless mvn:maven curl:curl objdump:binutils python3:python3

check "clean PATH" check_clean_env
jar="$(one_file "$DIST/java/iopkit-*[0-9].jar")" || { bad "Java JAR present"; summary; exit; }
version="${jar##*/iopkit-}"; version="${version%.jar}"
artifacts() {
    local f
    for f in "iopkit-$version-sources.jar" "iopkit-$version-javadoc.jar" "iopkit-$version.pom" \
        "maven-repo/io/iopkit/iopkit/$version/iopkit-$version.jar" "maven-repo/io/iopkit/iopkit/maven-metadata.xml"; do
        [ -f "$DIST/java/$f" ] || { echo "missing dist/java/$f"; return 1; }
    done
    grep -q '<url>' "$DIST/java/iopkit-$version.pom" && grep -q '<scm>' "$DIST/java/iopkit-$version.pom" \
        && grep -q '<developers>' "$DIST/java/iopkit-$version.pom" && grep -q '<name>Apache-2.0</name>' "$DIST/java/iopkit-$version.pom" \
        || { echo "the POM lacks url, scm, developers or the licences"; return 1; }
    echo "iopkit $version: JAR, sources, javadoc, POM, repository layout"
}
check "Java artifacts" artifacts
# shellcheck disable=SC2046
check "libiop_jni.so in the JAR: glibc floor $GLIBC_FLOOR" "$INSTALL_ROOT/packaging/native/check-glibc.sh" "$GLIBC_FLOOR" \
    $(elf_files_of "$jar" "$WORK/jar")

cp -r "$DIST/java/maven-repo" "$WORK/repo"
mkdir -p "$WORK/app/src/main/java"
cp "$INSTALL_ROOT/tests/install/App.java" "$WORK/app/src/main/java/"
cat >"$WORK/app/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId>
  <artifactId>consumer</artifactId>
  <version>1</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <repositories>
    <repository>
      <id>iopkit-dist</id>
      <url>file://$WORK/repo</url>
    </repository>
  </repositories>
  <dependencies>
    <dependency>
      <groupId>io.iopkit</groupId>
      <artifactId>iopkit</artifactId>
      <version>$version</version>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-resources-plugin</artifactId>
        <version>3.3.1</version>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-compiler-plugin</artifactId>
        <version>3.13.0</version>
      </plugin>
    </plugins>
  </build>
</project>
POM
m2="$WORK/m2"
check "mvn compile of a consumer project (io.iopkit:iopkit:$version from a file:// repository)" \
    clean mvn -B -q -Dstyle.color=never -f app/pom.xml -Dmaven.repo.local="$m2" compile
resolved="$m2/io/iopkit/iopkit/$version/iopkit-$version.jar"
check "the JAR was resolved into the temporary local repository from iopkit-dist" \
    grep -q 'iopkit-dist' "$m2/io/iopkit/iopkit/$version/_remote.repositories"

start_sandbox || { bad "sandbox from the packaged iop"; summary; exit; }
run_round_trip "Java: token, refresh, call (native library from the JAR)" \
    java -cp "app/target/classes:$resolved" App
summary
