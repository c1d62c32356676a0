// The .NET install test's consumer program (tests/install/dotnet.sh), built by xbuild against the
// Iopkit.dll taken out of the .nupkg: creates a token from the sandbox's code (IOP_GATEWAY,
// IOP_APP_KEY, IOP_APP_SECRET, IOP_CODE), refreshes it, makes one call; prints "round trip ok"
// when all passed.
using System;
using Iopkit;

static class App
{
    static int Main()
    {
        using (var client = new IopClient(Environment.GetEnvironmentVariable("IOP_GATEWAY"),
            Environment.GetEnvironmentVariable("IOP_APP_KEY"), Environment.GetEnvironmentVariable("IOP_APP_SECRET")))
        {
            Token token = client.CreateToken(Environment.GetEnvironmentVariable("IOP_CODE"));
            Console.WriteLine("token created, expires " + token.ExpiresAt);
            Token next = client.RefreshToken(token.RefreshToken);
            bool rotated = next.RefreshToken != token.RefreshToken;
            Console.WriteLine("token refreshed, refresh token rotated: " + rotated);
            IopResponse response = client.Execute(new IopRequest("/seller/get"), next.AccessToken);
            Console.WriteLine("/seller/get: success " + !response.IsError());
            if (rotated && !response.IsError())
            {
                Console.WriteLine("round trip ok");
            }
        }
        return 0;
    }
}
