// Compiled into the packaged Iopkit.dll by packaging/dotnet/package.sh only (the .NET SDK writes
// this attribute itself when it builds Iopkit.csproj): the assembly's target is netstandard2.0.
[assembly: System.Runtime.Versioning.TargetFramework(".NETStandard,Version=v2.0", FrameworkDisplayName = "")]
