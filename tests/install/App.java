// The Java install test's consumer program (tests/install/java.sh): with the iopkit JAR resolved by
// Maven and nothing else, creates a token from the sandbox's code (IOP_GATEWAY, IOP_APP_KEY,
// IOP_APP_SECRET, IOP_CODE), refreshes it, makes one call; prints "round trip ok" when all passed
// and the native library came out of the JAR.
import io.iopkit.IopClient;
import io.iopkit.IopRequest;
import io.iopkit.IopResponse;
import io.iopkit.Iopkit;
import io.iopkit.Token;

public class App {
    public static void main(String[] args) throws Exception {
        try (IopClient client = new IopClient(System.getenv("IOP_GATEWAY"), System.getenv("IOP_APP_KEY"),
                System.getenv("IOP_APP_SECRET"))) {
            Token token = client.createToken(System.getenv("IOP_CODE"));
            System.out.println("token created, expires " + token.getExpiresAt());
            Token next = client.refreshToken(token.getRefreshToken());
            boolean rotated = !next.getRefreshToken().equals(token.getRefreshToken());
            System.out.println("token refreshed, refresh token rotated: " + rotated);
            IopResponse response = client.execute(new IopRequest("/seller/get"), next.getAccessToken());
            System.out.println("/seller/get: success " + response.isSuccess());
            String source = Iopkit.nativeLibrarySource();
            System.out.println("iopkit " + Iopkit.bindingVersion() + ", native " + Iopkit.nativeVersion() + " from " + source);
            if (rotated && response.isSuccess() && source.startsWith("jar:")) {
                System.out.println("round trip ok");
            }
        }
    }
}
