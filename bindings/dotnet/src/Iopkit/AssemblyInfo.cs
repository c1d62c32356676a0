using System.Reflection;
using System.Runtime.CompilerServices;

// Written by hand (GenerateAssemblyInfo is off in Iopkit.csproj) so that the dotnet SDK build
// and the mcs build used by run-tests.sh produce the same assembly metadata.
[assembly: AssemblyTitle("Iopkit")]
[assembly: AssemblyDescription(".NET binding of iopkit (libiop) for the Alibaba IOP open platforms")]
[assembly: AssemblyVersion("0.2.0.0")]
[assembly: AssemblyFileVersion("0.2.0.0")]
[assembly: AssemblyInformationalVersion("0.2.0")]
[assembly: InternalsVisibleTo("Iopkit.Tests")]
