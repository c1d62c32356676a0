#!/usr/bin/env bash
# Builds the .NET package without the .NET SDK: packaging/dotnet/package.sh <native_dir> <dist_dir>
#
# <native_dir> holds libiop.so (glibc floor 2.17, stripped); <dist_dir> (emptied, then filled)
# receives Iopkit.<version>.nupkg. Steps: Mono's mcs compiles bindings/dotnet/src/Iopkit/*.cs
# (with TargetFramework.cs) against Mono's framework assemblies; Retarget.cs (Mono.Cecil) then
# turns every framework reference into one to netstandard 2.0.0.0, refusing any type outside
# netstandard 2.0, so the DLL is a netstandard2.0 assembly as `dotnet pack` would make it. The
# .nupkg is the zip NuGet reads: Iopkit.nuspec (bindings/dotnet/src/Iopkit/, $version$ = Cargo.toml's),
# [Content_Types].xml, _rels/.rels, package/services/metadata/core-properties/*.psmdcp,
# lib/netstandard2.0/Iopkit.dll + Iopkit.xml, runtimes/linux-x64/native/libiop.so,
# build/ and buildTransitive/Iopkit.targets (copies libiop.so to the output for Mono and .NET
# Framework projects) and README.md. Installs mono-mcs, mono-devel (the netstandard facade),
# libmono-cecil-private-cil and zip (Debian) when missing.
set -euo pipefail

# shellcheck source=packaging/lib.sh
source "$(dirname "$0")/../lib.sh" "$@"
src="$root/bindings/dotnet/src/Iopkit"


facade=/usr/lib/mono/4.7.2-api/Facades/netstandard.dll
cecil_dir=/usr/lib/mono/gac/Mono.Cecil/0.11.0.0__0738eb9f132ed756
ensure_commands mcs:mono-mcs mono:mono-runtime zip:zip unzip:unzip
if [ ! -f "$facade" ] || [ ! -f "$cecil_dir/Mono.Cecil.dll" ] \
    || [ -z "$(find /usr/lib/mono -name System.Runtime.Serialization.dll 2>/dev/null | head -n 1)" ]; then
    echo "installing: mono-devel libmono-cecil-private-cil libmono-system-runtime-serialization4.0-cil"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
        mono-devel libmono-cecil-private-cil libmono-system-runtime-serialization4.0-cil >/dev/null
fi
[ -f "$facade" ] || fail "$facade not found (Debian package mono-devel)"
[ -f "$cecil_dir/Mono.Cecil.dll" ] || fail "Mono.Cecil 0.11 not found (Debian package libmono-cecil-private-cil)"

grep -q "<Version>$version</Version>" "$src/Iopkit.csproj" || fail "Iopkit.csproj's <Version> is not $version (Cargo.toml)"
grep -q "AssemblyInformationalVersion(\"$version\")" "$src/AssemblyInfo.cs" \
    || fail "AssemblyInfo.cs's AssemblyInformationalVersion is not $version (Cargo.toml)"
lib="$native_dir/libiop.so"
[ -f "$lib" ] || fail "$lib not found (the native build makes it)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/mcs" "$work/tools"

echo "== mcs: Iopkit.dll"
mcs -target:library -langversion:7 -warn:4 -warnaserror+ -nowarn:1591 -optimize+ -deterministic \
    -r:System.Runtime.Serialization.dll -doc:"$work/mcs/Iopkit.xml" -out:"$work/mcs/Iopkit.dll" \
    "$src"/*.cs "$here/TargetFramework.cs" || fail "compiling Iopkit.dll failed"
mcs -r:"$cecil_dir/Mono.Cecil.dll" -out:"$work/tools/Retarget.exe" "$here/Retarget.cs" \
    || fail "compiling Retarget.exe failed"

pkg="$work/pkg"
mkdir -p "$pkg/lib/netstandard2.0" "$pkg/runtimes/linux-x64/native" "$pkg/build" "$pkg/buildTransitive" \
    "$pkg/_rels" "$pkg/package/services/metadata/core-properties"
echo "== retarget to netstandard 2.0"
MONO_PATH="$cecil_dir" mono "$work/tools/Retarget.exe" "$work/mcs/Iopkit.dll" "$facade" \
    "$pkg/lib/netstandard2.0/Iopkit.dll" || fail "retargeting Iopkit.dll to netstandard 2.0 failed"
cp "$work/mcs/Iopkit.xml" "$pkg/lib/netstandard2.0/"
cp "$lib" "$pkg/runtimes/linux-x64/native/libiop.so"
cp "$src/build/Iopkit.targets" "$pkg/build/"
cp "$src/build/Iopkit.targets" "$pkg/buildTransitive/"
cp "$root/bindings/dotnet/README.md" "$pkg/README.md"
sed "s/\\\$version\\\$/$version/" "$src/Iopkit.nuspec" >"$pkg/Iopkit.nuspec"

# Open Packaging Conventions parts NuGet expects in every .nupkg.
props_id="$(printf 'Iopkit %s' "$version" | md5sum | cut -c1-32)"
cat >"$pkg/[Content_Types].xml" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />
  <Default Extension="psmdcp" ContentType="application/vnd.openxmlformats-package.core-properties+xml" />
  <Default Extension="nuspec" ContentType="application/octet" />
  <Default Extension="dll" ContentType="application/octet" />
  <Default Extension="xml" ContentType="application/octet" />
  <Default Extension="so" ContentType="application/octet" />
  <Default Extension="targets" ContentType="application/octet" />
  <Default Extension="md" ContentType="application/octet" />
</Types>
XML
cat >"$pkg/_rels/.rels" <<XML
<?xml version="1.0" encoding="utf-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/Iopkit.nuspec" Id="R0" />
  <Relationship Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="/package/services/metadata/core-properties/$props_id.psmdcp" Id="R1" />
</Relationships>
XML
description="$(sed -n 's:.*<description>\(.*\)</description>.*:\1:p' "$pkg/Iopkit.nuspec")"
tags="$(sed -n 's:.*<tags>\(.*\)</tags>.*:\1:p' "$pkg/Iopkit.nuspec")"
cat >"$pkg/package/services/metadata/core-properties/$props_id.psmdcp" <<XML
<?xml version="1.0" encoding="utf-8"?>
<coreProperties xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">
  <dc:creator>iopkit contributors</dc:creator>
  <dc:description>$description</dc:description>
  <dc:identifier>Iopkit</dc:identifier>
  <version>$version</version>
  <keywords>$tags</keywords>
  <lastModifiedBy>packaging/dotnet/package.sh</lastModifiedBy>
</coreProperties>
XML

rm -rf "${dist:?}"/*
nupkg="$dist/Iopkit.$version.nupkg"
find "$pkg" -exec touch -d '2000-01-01 00:00:00' {} +   # the same bytes for the same inputs
(cd "$pkg" && zip -q -X -D -r -9 "$nupkg" '[Content_Types].xml' Iopkit.nuspec _rels package lib runtimes build buildTransitive README.md -nw) \
    || fail "zip failed"
unzip -p "$nupkg" runtimes/linux-x64/native/libiop.so | cmp -s - "$lib" || fail "$nupkg does not carry $lib"
echo "dotnet: $(basename "$nupkg")"
