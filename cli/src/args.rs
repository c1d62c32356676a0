//! The command line: every command, option and `--help` text (with examples).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const MAIN_HELP: &str = "\
Credentials (the app secret is never an argument: other users can read command lines):
  1. a named profile: --profile NAME (or IOP_PROFILE=NAME) reads the [NAME] section of the
     profile file ($IOP_PROFILE_FILE, else ~/.config/iop/profiles.ini), refused unless its
     mode is 0600:
       [prod-sg]
       gateway = https://api.lazada.sg/rest
       app_key = 123456
       app_secret = …
  2. else the environment, if any of IOP_GATEWAY, IOP_APP_KEY, IOP_APP_SECRET is set;
  3. else the [default] profile, if the profile file exists.
  --gateway URL and --app-key KEY override them; --app-secret-stdin reads the secret from the
  first line of standard input. Tokens and codes: an option's value, - (standard input), or
  IOP_ACCESS_TOKEN / IOP_REFRESH_TOKEN / IOP_CODE.

Exit codes:
  0  success
  1  internal error (a bug: please report it)
  2  usage or configuration error (bad arguments, missing credentials, unsafe profile file)
  3  network or transport error (connect, timeout, TLS, an HTTP error page from a proxy)
  4  the platform answered with an error (code, type and request id are printed)
  5  malformed response (not JSON, truncated, too large)
  6  a push message was rejected (iop push verify: missing, malformed or wrong signature, or not
     a push body)

Examples:
  export IOP_GATEWAY=https://auth.lazada.com/rest IOP_APP_KEY=123456
  read -rs IOP_APP_SECRET && export IOP_APP_SECRET
  iop authorize-url --platform lazada --redirect-uri https://example.com/cb --country sg
  iop token create --code 0_123456_XXXX
  iop call /seller/get --token \"$ACCESS_TOKEN\" --gateway https://api.lazada.sg/rest
  iop sign /seller/get access_token=… app_key=123456 timestamp=… sign_method=sha256 sign=… --explain
  iop push listen --port 8099
  iop sandbox";

/// iop: tokens, platform calls, signature diagnosis and authorization links for the
/// Alibaba IOP platforms (Lazada, AliExpress, Taobao TW) and the EnOS token service.
#[derive(Debug, Parser)]
#[command(name = "iop", version, after_help = MAIN_HELP, propagate_version = true)]
pub struct Cli {
    /// Options shared by every command.
    #[command(flatten)]
    pub global: Global,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options accepted by every command.
#[derive(Debug, Args)]
pub struct Global {
    /// Gateway base URL, e.g. https://api.lazada.sg/rest [env: IOP_GATEWAY]
    #[arg(long, global = true, value_name = "URL")]
    pub gateway: Option<String>,
    /// App key [env: IOP_APP_KEY]
    #[arg(long, global = true, value_name = "KEY")]
    pub app_key: Option<String>,
    /// Read the app secret from the first line of standard input
    #[arg(long, global = true)]
    pub app_secret_stdin: bool,
    /// Use the credentials of this section of the profile file [env: IOP_PROFILE]
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Print JSON instead of a table
    #[arg(long, global = true)]
    pub json: bool,
    /// Trust the CA certificates in this PEM file instead of the built-in roots
    #[arg(long, global = true, value_name = "PEM_FILE")]
    pub ca_bundle: Option<PathBuf>,
    /// Connect and read timeout in seconds [default: 15 connect, 30 read]
    #[arg(long, global = true, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: Option<u64>,
    /// HTTP CONNECT proxy http://[user:password@]host[:port]; "" for none [default: HTTPS_PROXY or ALL_PROXY, minus NO_PROXY]
    #[arg(long, global = true, value_name = "URL")]
    pub proxy: Option<String>,
    /// Allow plain http:// to a gateway other than loopback (signatures and tokens cross the network in clear)
    #[arg(long, global = true)]
    pub allow_insecure_http: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create or refresh a seller's token (/auth/token/create, /auth/token/refresh)
    #[command(subcommand)]
    Token(TokenCommand),
    /// The EnOS API-management token service
    #[command(subcommand)]
    Enos(EnosCommand),
    /// Sign and send any platform call; print the status, error fields and body
    #[command(after_help = CALL_HELP)]
    Call(CallArgs),
    /// Show what is signed for a call, or diagnose a rejected signature (--explain)
    #[command(after_help = SIGN_HELP)]
    Sign(SignArgs),
    /// Print the authorization link a seller opens to grant your app access
    #[command(after_help = AUTHORIZE_HELP)]
    AuthorizeUrl(AuthorizeArgs),
    /// Run the local sandbox gateway (Lazada, AliExpress, TW and EnOS) until Ctrl-C
    #[command(after_help = SANDBOX_HELP)]
    Sandbox(SandboxArgs),
    /// Verify Lazada push messages (webhooks), or receive them over HTTP
    #[command(subcommand)]
    Push(PushCommand),
    /// Print a shell completion script: iop completions bash > /etc/bash_completion.d/iop
    #[command(after_help = COMPLETIONS_HELP)]
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Show the rate-limit budgets and bans a fleet shares through Redis
    #[command(after_help = LIMITS_HELP)]
    Limits(LimitsArgs),
}

const LIMITS_HELP: &str = "\
Examples:
  IOP_REDIS_URL=redis://cache.internal:6379 iop limits --app-key 123456
  iop limits --redis redis://127.0.0.1:6379 --prefix iopkit --app-key 123456 --json

Shows each budget (rate, burst, calls available now) the fleet's limiters used lately and each
running ban (learned from the platform: app, api or daily quota) with its end.";

/// `iop limits`.
#[derive(Debug, Args)]
pub struct LimitsArgs {
    /// The Redis server the limiters share (a password here is visible to other users: prefer
    /// IOP_REDIS_URL) [env: IOP_REDIS_URL]
    #[arg(long, value_name = "URL")]
    pub redis: Option<String>,
    /// The key namespace the limiters' Redis store uses
    #[arg(long, value_name = "P", default_value = "iopkit")]
    pub prefix: String,
}

const TOKEN_CREATE_HELP: &str = "\
Examples:
  iop token create --code 0_123456_XXXX
  iop token create --code - < code.txt --json
  iop token create --redirect-url 'https://example.com/cb?code=0_123456_XXXX&state=S' --state S
  iop token create --code 0_123456_XXXX --store tokens.json --account shop-sg

The refresh token in the answer replaces any earlier one: store it.";

const TOKEN_REFRESH_HELP: &str = "\
Examples:
  IOP_REFRESH_TOKEN=50001600… iop token refresh --json > token.json
  iop token refresh --refresh-token - < refresh-token.txt
  iop token refresh --store tokens.json --account shop-sg   # the stored pair, rotated in place

A refresh returns a NEW refresh token; the old one is dead from now on: store the new one.";

/// `iop token …`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Exchange a one-time authorization code for a token
    #[command(after_help = TOKEN_CREATE_HELP)]
    Create {
        /// The code from the redirect ("-" reads it from standard input)
        #[arg(long, value_name = "CODE", required_unless_present = "redirect_url", conflicts_with = "redirect_url")]
        code: Option<String>,
        /// The URL the authorization page redirected to; its state is checked against --state
        #[arg(long, value_name = "URL", requires = "state")]
        redirect_url: Option<String>,
        /// The state sent with the authorization link (printed by `iop authorize-url`)
        #[arg(long, value_name = "STATE", requires = "redirect_url")]
        state: Option<String>,
        /// Also keep the grant in this token file (for `iop token get`; created with mode 0600)
        #[arg(long, value_name = "FILE")]
        store: Option<PathBuf>,
        /// The account to keep it under [default: the token's seller id]
        #[arg(long, value_name = "NAME", requires = "store")]
        account: Option<String>,
    },
    /// Refresh a token (the answer carries a new refresh token: store it)
    #[command(after_help = TOKEN_REFRESH_HELP)]
    Refresh {
        /// The refresh token ("-" reads it from standard input) [env: IOP_REFRESH_TOKEN]
        #[arg(long, value_name = "TOKEN", conflicts_with = "store")]
        refresh_token: Option<String>,
        /// Refresh the account kept in this token file and store the new pair there
        #[arg(long, value_name = "FILE", requires = "account")]
        store: Option<PathBuf>,
        /// The account in the token file
        #[arg(long, value_name = "NAME", requires = "store")]
        account: Option<String>,
    },
    /// Print a valid access token from a token file, refreshing it first when it is due
    #[command(after_help = TOKEN_GET_HELP)]
    Get {
        /// The token file (written by `iop token create --store`)
        #[arg(long, value_name = "FILE")]
        store: PathBuf,
        /// The account in it
        #[arg(long, value_name = "NAME")]
        account: String,
        /// Refresh when less than this many minutes are left
        #[arg(long, value_name = "MINUTES", default_value_t = 30)]
        margin: u64,
    },
}

const TOKEN_GET_HELP: &str = "\
For cron jobs and scripts: the token manager refreshes the token when it has less than --margin
minutes left (one refresh however many processes ask at once: the file is locked), stores the
new pair before printing, and exits with 4 when the seller must authorize again.

Examples:
  iop token create --code 0_123456_XXXX --store ~/.local/share/iop/tokens.json --account shop-sg
  iop token get --store ~/.local/share/iop/tokens.json --account shop-sg     # prints the token
  ACCESS_TOKEN=$(iop token get --store tokens.json --account shop-sg) && iop call /seller/get --token \"$ACCESS_TOKEN\"
  iop token refresh --store tokens.json --account shop-sg --json             # refresh now";

/// `iop enos …`.
#[derive(Debug, Subcommand)]
pub enum EnosCommand {
    /// Get or refresh an EnOS access token
    #[command(subcommand)]
    Token(EnosTokenCommand),
}

const ENOS_HELP: &str = "\
Examples:
  IOP_GATEWAY=https://apim-gateway.example.com IOP_APP_KEY=… iop enos token get --json
  iop --profile enos enos token refresh --access-token -  < token.txt";

/// `iop enos token …`.
#[derive(Debug, Subcommand)]
pub enum EnosTokenCommand {
    /// Get an access token (the same one while it is valid)
    #[command(after_help = ENOS_HELP)]
    Get,
    /// Refresh an access token
    #[command(after_help = ENOS_HELP)]
    Refresh {
        /// The access token to refresh ("-" reads it from standard input) [env: IOP_ACCESS_TOKEN]
        #[arg(long, value_name = "TOKEN")]
        access_token: Option<String>,
    },
}

/// How a call is addressed and signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProtocolArg {
    /// Path-style API names (/seller/get): URL …/rest/seller/get, the path prefixes the signature
    Gop,
    /// Dotted method names (aliexpress.ds.category.get): URL <host>/sync, token as `session`
    Top,
}

const CALL_HELP: &str = "\
Examples:
  iop call /seller/get --token \"$ACCESS_TOKEN\"
  iop call /orders/get created_after=2026-01-01T00:00:00+08:00 status=pending --get --token -
  iop call aliexpress.ds.category.get category_id=15 --protocol top --gateway https://api-sg.aliexpress.com
  iop call /image/upload --file image=./photo.jpg --token \"$ACCESS_TOKEN\"

Values are sent and signed exactly as given. A platform error prints its code, type, message and
request id and exits with 4.";

/// `iop call`.
#[derive(Debug, Args)]
pub struct CallArgs {
    /// API path (/seller/get) or method name (aliexpress.ds.category.get)
    #[arg(value_name = "API")]
    pub api: String,
    /// Business parameters
    #[arg(value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// Put the parameters in the query string (GET) instead of a form body (POST)
    #[arg(long)]
    pub get: bool,
    /// Access token ("-" reads it from standard input) [env: IOP_ACCESS_TOKEN]
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// Protocol [default: gop for /paths, top for dotted names]
    #[arg(long, value_enum)]
    pub protocol: Option<ProtocolArg>,
    /// Attach a file as a multipart part (never signed)
    #[arg(long, value_name = "KEY=PATH")]
    pub file: Vec<String>,
}

const SIGN_HELP: &str = "\
Without sign=…, shows what `iop call` would send: the URL and every parameter with its signature;
--explain adds the protocol, the exact string to sign (the secret is shown nowhere) and the
gateway's clock skew (from its Date header).

With sign=… among the parameters, diagnoses a rejected request (IncompleteSignature): give every
parameter the failing request carried, system ones included, and its sign. iop signs the string
the gateway computes and the strings each known mistake produces (a parameter missing or extra,
encoded or trimmed values, the API path prefix, seconds instead of milliseconds, lower-case hex)
with your app's secret, and reports the one that reproduces the sign given: a verified finding.
When none does, the request was signed with another secret.

Examples:
  iop sign /seller/get --token \"$ACCESS_TOKEN\" --explain
  iop sign /seller/get --timestamp 1517820392000 --json
  iop sign /seller/get app_key=123456 timestamp=1764034049000 sign_method=sha256 \\
      access_token=50000… sign=4190D323… --explain";

/// `iop sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// API path (/seller/get) or method name (aliexpress.ds.category.get)
    #[arg(value_name = "API")]
    pub api: String,
    /// Business parameters; or, with sign=…, every parameter of a failing request
    #[arg(value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// Access token ("-" reads it from standard input) [env: IOP_ACCESS_TOKEN]
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// Protocol [default: gop for /paths, top for dotted names]
    #[arg(long, value_enum)]
    pub protocol: Option<ProtocolArg>,
    /// Sign at this UTC epoch time in milliseconds [default: now]
    #[arg(long, value_name = "MS")]
    pub timestamp: Option<i64>,
    /// Explain: protocol, URL, string to sign, signature, clock skew (and the diagnosis)
    #[arg(long)]
    pub explain: bool,
    /// Do not contact the gateway to measure its clock
    #[arg(long)]
    pub offline: bool,
}

const AUTHORIZE_HELP: &str = "\
The link opens the platform's authorization page for your app (--app-key / IOP_APP_KEY); after
the seller agrees, the page redirects to --redirect-uri with ?code=…&state=…. Keep the state:
`iop token create --redirect-url URL --state STATE` checks it (in constant time) and uses the code.

Examples:
  iop authorize-url --platform lazada --redirect-uri https://example.com/cb --country sg
  iop authorize-url --platform aliexpress --redirect-uri https://example.com/cb --json
  iop authorize-url --platform lazada --redirect-uri http://localhost/cb \\
      --base-url http://127.0.0.1:8080/lazada/oauth/authorize   # the sandbox's page";

/// Whose authorization page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlatformArg {
    /// https://auth.lazada.com/oauth/authorize
    Lazada,
    /// https://api-sg.aliexpress.com/oauth/authorize
    Aliexpress,
}

/// `iop authorize-url`.
#[derive(Debug, Args)]
pub struct AuthorizeArgs {
    /// Platform
    #[arg(long, value_enum)]
    pub platform: PlatformArg,
    /// Where the page sends the seller back (as registered for the app)
    #[arg(long, value_name = "URL")]
    pub redirect_uri: String,
    /// Lazada country (sg, my, vn, th, ph, id)
    #[arg(long, value_name = "CODE")]
    pub country: Option<String>,
    /// The state to send back [default: 192 random bits]
    #[arg(long, value_name = "STATE")]
    pub state: Option<String>,
    /// Another authorization page (a sandbox's …/oauth/authorize)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

const COMPLETIONS_HELP: &str = "\
Examples:
  iop completions bash > ~/.local/share/bash-completion/completions/iop
  iop completions zsh > \"${fpath[1]}/_iop\"
  iop completions fish > ~/.config/fish/completions/iop.fish";

/// Shells `iop completions` writes scripts for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// GNU Bash
    Bash,
    /// Z shell
    Zsh,
    /// fish
    Fish,
}

const SANDBOX_HELP: &str = "\
Prints its URLs, its demo apps (sandbox credentials, not secrets) and how to point iop at it,
then serves until Ctrl-C (or, with --exit-on-eof or from a terminal, until standard input ends).

It takes none of the global options (--json, --gateway, --app-key, --profile, …): they are refused.

Examples:
  iop sandbox --port 8080
  iop sandbox --config apps.json --exit-on-eof < fifo";

/// `iop sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0: any free port)
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Sandbox configuration (JSON, as for iop-sandbox --config)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Stop when standard input closes
    #[arg(long)]
    pub exit_on_eof: bool,
}

const PUSH_VERIFY_HELP: &str = "\
Checks a push message as Lazada signs it: the Authorization header is the hex HMAC-SHA256, keyed
with the app secret, of the app key followed by the raw body. The app key and secret come from
the usual places (IOP_APP_KEY/IOP_APP_SECRET, a profile, --app-secret-stdin); no gateway is needed.
Prints the message as JSON (type, seller, site, timestamp in ms, data). A rejected message prints
the reason (MissingAuthorization, MalformedAuthorization, SignatureMismatch, MalformedBody) and
exits with 6.

Examples:
  iop push verify --authorization 7f3c… --body-file push.json
  curl … | iop push verify --authorization \"$AUTH\"          # the body from standard input";

const PUSH_LISTEN_HELP: &str = "\
A small HTTP receiver for trying push messages out: each POST is verified with the app key and
secret (as for iop push verify) and answered at once, 200 when verified (re-deliveries included:
\"duplicate\": true) or 401 when rejected; each verified message is printed as one JSON line on
standard output, rejections on standard error. One request per connection; bodies up to 1 MiB.
Prints `listening on http://ADDR:PORT` on standard error first.

Examples:
  iop push listen --port 8099
  iop push listen --port 0 --exit-after 1 | jq .seller_id
  curl -X POST \"http://127.0.0.1:8080/_sandbox/push/register?url=http://127.0.0.1:8099/push&app_key=100001\"";

/// `iop push …`.
#[derive(Debug, Subcommand)]
pub enum PushCommand {
    /// Verify one push message (the Authorization header and the raw body)
    #[command(after_help = PUSH_VERIFY_HELP)]
    Verify {
        /// The Authorization header's value (64 hex digits)
        #[arg(long, value_name = "HEX")]
        authorization: String,
        /// The raw body [default: standard input]
        #[arg(long, value_name = "FILE")]
        body_file: Option<PathBuf>,
    },
    /// Receive push messages over HTTP, verify them and print each as a JSON line
    #[command(after_help = PUSH_LISTEN_HELP)]
    Listen {
        /// Port (0: any free port)
        #[arg(long)]
        port: u16,
        /// Address to listen on
        #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
        bind: std::net::IpAddr,
        /// Stop after this many verified messages [default: never]
        #[arg(long, value_name = "N")]
        exit_after: Option<u64>,
    },
}
