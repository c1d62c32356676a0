// Makes the Iopkit.dll that Mono's mcs compiled (against Mono's .NET Framework assemblies) a
// netstandard2.0 assembly, as the .NET SDK would build it from Iopkit.csproj: every reference to a
// framework assembly (mscorlib, System, System.Core, …) becomes a reference to netstandard 2.0.0.0,
// after checking that each type the assembly uses is part of netstandard 2.0 (the type forwarders
// of Mono's netstandard facade, 4.7.2-api/Facades/netstandard.dll); a type outside it fails.
//
//   mono Retarget.exe <in.dll> <netstandard.dll> <out.dll>
// Built and run by packaging/dotnet/package.sh (Mono.Cecil from Debian's libmono-cecil-private-cil).
using System;
using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;

static class Retarget
{
    static int Main(string[] args)
    {
        if (args.Length != 3)
        {
            Console.Error.WriteLine("usage: Retarget.exe <in.dll> <netstandard.dll> <out.dll>");
            return 2;
        }
        var facade = ModuleDefinition.ReadModule(args[1]);
        var surface = new HashSet<string>(facade.ExportedTypes.Select(t => t.FullName));
        surface.UnionWith(facade.Types.Select(t => t.FullName));

        var module = ModuleDefinition.ReadModule(args[0]);
        var netstandard = new AssemblyNameReference("netstandard", new Version(2, 0, 0, 0))
        {
            PublicKeyToken = new byte[] { 0xcc, 0x7b, 0x13, 0xff, 0xcd, 0x2d, 0xdd, 0x51 },
        };
        module.AssemblyReferences.Add(netstandard);
        var missing = new SortedSet<string>();
        foreach (var type in module.GetTypeReferences())
        {
            // A nested type's scope is its declaring type's: retargeting the outermost one moves both.
            if (type.DeclaringType != null || !(type.Scope is AssemblyNameReference scope) || scope == netstandard)
            {
                continue;
            }
            if (!surface.Contains(type.FullName))
            {
                missing.Add(type.FullName + " (" + scope.Name + ")");
                continue;
            }
            type.Scope = netstandard;
        }
        if (missing.Count > 0)
        {
            Console.Error.WriteLine("not in netstandard 2.0: " + string.Join(", ", missing));
            return 1;
        }
        var framework = module.AssemblyReferences.Where(r => r != netstandard).ToList();
        foreach (var r in framework)
        {
            module.AssemblyReferences.Remove(r);
        }
        module.Write(args[2]);
        Console.WriteLine("retargeted to netstandard 2.0.0.0 (was: " + string.Join(", ", framework.Select(r => r.Name)) + ")");
        return 0;
    }
}
