#!/usr/bin/env bash
# The .NET package in a clean environment (no Rust toolchain, no path into the repository): the
# .nupkg's layout (NuGet's OPC parts, lib/netstandard2.0, runtimes/linux-x64/native, build/*.targets),
# that Iopkit.dll references netstandard 2.0 and no framework assembly, and the glibc floor of its
# libiop.so; then the package is unzipped as NuGet restores a packages.config project
# (packages/Iopkit.<v>/), a classic .NET Framework 4.6.1 project references
# lib/netstandard2.0/Iopkit.dll and imports build/Iopkit.targets, and Mono's xbuild builds App.cs.
# The targets must have copied libiop.so next to App.exe, which Mono runs without LD_LIBRARY_PATH:
# it creates a token from the sandbox, refreshes it and makes one call. Ends with
# "install: N passed, M failed".
set -uo pipefail
[ $# -ge 1 ] && export IOPKIT_DIST="$1"   # tests/install/run.sh passes dist/
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$INSTALL_ROOT/scripts/lib.sh"
# mono-devel: xbuild and the .NET Framework 4.7.2 reference assemblies with the netstandard facade.
facade=/usr/lib/mono/4.7.2-api/Facades/netstandard.dll
ensure_commands mono:mono-runtime xbuild:mono-devel unzip:unzip curl:curl objdump:binutils python3:python3
[ -f "$facade" ] || { apt-get install -y -qq mono-devel >/dev/null 2>&1; }

check "clean PATH" check_clean_env
nupkg="$(one_file "$DIST/dotnet/Iopkit.*.nupkg")" || { bad ".nupkg present"; summary; exit; }
pkgname="$(basename "$nupkg" .nupkg)"
cp "$nupkg" "$WORK/"
pkg="$WORK/app/packages/$pkgname"
mkdir -p "$pkg"
unzip -q "$WORK/$pkgname.nupkg" -d "$pkg" || { bad "unzip $pkgname.nupkg"; summary; exit; }
layout() {
    local f
    for f in '[Content_Types].xml' _rels/.rels Iopkit.nuspec lib/netstandard2.0/Iopkit.dll lib/netstandard2.0/Iopkit.xml \
        runtimes/linux-x64/native/libiop.so build/Iopkit.targets buildTransitive/Iopkit.targets README.md; do
        [ -f "$pkg/$f" ] || { echo "missing $f"; return 1; }
    done
    ls "$pkg"/package/services/metadata/core-properties/*.psmdcp >/dev/null || return 1
    grep -q "<version>${pkgname#Iopkit.}</version>" "$pkg/Iopkit.nuspec" || { echo "nuspec version is not ${pkgname#Iopkit.}"; return 1; }
    grep -q '<license type="expression">MIT OR Apache-2.0</license>' "$pkg/Iopkit.nuspec" || { echo "nuspec licence"; return 1; }
    echo "$pkgname: OPC parts, nuspec, lib/netstandard2.0, runtimes/linux-x64/native, build/ and buildTransitive/ targets"
}
check ".nupkg layout" layout
# The assembly's references, read from its metadata with Mono's own reflection (no other tool).
cat >"$WORK/refs.cs" <<'CS'
using System; using System.Linq; using System.Reflection;
static class Refs { static void Main(string[] a) {
    AppDomain.CurrentDomain.ReflectionOnlyAssemblyResolve += (s, e) =>
        e.Name.StartsWith("netstandard,") ? Assembly.ReflectionOnlyLoadFrom(a[1]) : Assembly.ReflectionOnlyLoad(e.Name);
    var asm = Assembly.ReflectionOnlyLoadFrom(a[0]);
    Console.WriteLine(string.Join(" ", asm.GetReferencedAssemblies().Select(r => r.Name + "/" + r.Version)));
    var tfm = asm.GetCustomAttributesData().FirstOrDefault(c => c.AttributeType.Name == "TargetFrameworkAttribute");
    Console.WriteLine(tfm == null ? "(no TargetFramework)" : tfm.ConstructorArguments[0].Value);
} }
CS
netstandard_only() {
    local out
    mcs -out:"$WORK/refs.exe" "$WORK/refs.cs" >/dev/null || return 1
    out="$(mono "$WORK/refs.exe" "$pkg/lib/netstandard2.0/Iopkit.dll" /usr/lib/mono/4.5/Facades/netstandard.dll)" || return 1
    echo "$out"
    [ "$(head -n 1 <<<"$out")" = "netstandard/2.0.0.0" ] && [ "$(tail -n 1 <<<"$out")" = ".NETStandard,Version=v2.0" ]
}
check "Iopkit.dll references netstandard 2.0 only, TargetFramework .NETStandard 2.0" netstandard_only
check "libiop.so in the .nupkg: glibc floor $GLIBC_FLOOR" "$INSTALL_ROOT/packaging/native/check-glibc.sh" "$GLIBC_FLOOR" \
    "$pkg/runtimes/linux-x64/native/libiop.so"

cp "$INSTALL_ROOT/tests/install/App.cs" "$WORK/app/"
cat >"$WORK/app/App.csproj" <<XML
<?xml version="1.0" encoding="utf-8"?>
<Project ToolsVersion="4.0" DefaultTargets="Build" xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <AssemblyName>App</AssemblyName>
    <TargetFrameworkVersion>v4.6.1</TargetFrameworkVersion>
    <Configuration>Release</Configuration>
    <Platform>AnyCPU</Platform>
    <OutputPath>bin/</OutputPath>
  </PropertyGroup>
  <ItemGroup>
    <Reference Include="System" />
    <!-- A .NET Framework project using a netstandard2.0 library references the facade. -->
    <Reference Include="netstandard"><HintPath>$facade</HintPath></Reference>
    <Reference Include="Iopkit"><HintPath>packages/$pkgname/lib/netstandard2.0/Iopkit.dll</HintPath></Reference>
    <Compile Include="App.cs" />
  </ItemGroup>
  <Import Project="\$(MSBuildToolsPath)/Microsoft.CSharp.targets" />
  <Import Project="packages/$pkgname/build/Iopkit.targets" />
</Project>
XML
check "xbuild of a .NET Framework 4.6.1 project referencing the package" \
    clean xbuild /nologo /verbosity:quiet app/App.csproj
check "build/Iopkit.targets copied libiop.so next to App.exe" \
    cmp "$WORK/app/bin/libiop.so" "$pkg/runtimes/linux-x64/native/libiop.so"

start_sandbox || { bad "sandbox from the packaged iop"; summary; exit; }
run_round_trip ".NET (Mono): token, refresh, call" sh -c 'cd app/bin && exec mono App.exe'
summary
