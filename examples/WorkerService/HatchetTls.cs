using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WorkerService;

/// <summary>The TLS strategies of the Hatchet SDKs.</summary>
internal enum HatchetTlsStrategy
{
    /// <summary>TLS, the default; the engine's certificate checked against the system's roots or HATCHET_CLIENT_TLS_ROOT_CA_FILE.</summary>
    Tls,

    /// <summary>Plain HTTP/2 (h2c), for a local engine.</summary>
    None,

    /// <summary>TLS with a client certificate; the root CA, certificate and key files are all required.</summary>
    Mtls,
}

/// <summary>
/// The TLS settings, read from the Python SDK's variables (<c>sdks/python/hatchet_sdk/config.py</c> at upstream
/// 89d130f, lines 25-34: <c>HATCHET_CLIENT_TLS_STRATEGY</c> default <c>tls</c>, <c>..._CERT_FILE</c>,
/// <c>..._KEY_FILE</c>, <c>..._ROOT_CA_FILE</c>, <c>..._SERVER_NAME</c>) and applied as
/// <c>connection.py</c> lines 8-40 and 73-75 apply them.
/// </summary>
/// <remarks>
/// Where Python differs: it treats any strategy other than <c>tls</c> and <c>mtls</c> (even <c>TLS</c>) as
/// plain text; this worker accepts the three names in any case and refuses anything else, so a typo never
/// turns encryption off.
/// </remarks>
internal sealed record HatchetTls(HatchetTlsStrategy Strategy, string ServerName, X509Certificate2Collection? RootCertificates, X509Certificate2? ClientCertificate)
{
    public const string StrategyVariable = "HATCHET_CLIENT_TLS_STRATEGY";
    public const string RootCaVariable = "HATCHET_CLIENT_TLS_ROOT_CA_FILE";
    public const string CertVariable = "HATCHET_CLIENT_TLS_CERT_FILE";
    public const string KeyVariable = "HATCHET_CLIENT_TLS_KEY_FILE";
    public const string ServerNameVariable = "HATCHET_CLIENT_TLS_SERVER_NAME";

    public bool Encrypted => this.Strategy != HatchetTlsStrategy.None;

    /// <summary>Reads the strategy and, for TLS, loads the files now, so that a bad one stops the worker at start.</summary>
    /// <param name="configuration">The worker's configuration (environment variables included).</param>
    /// <param name="host">The engine's host, the server name when HATCHET_CLIENT_TLS_SERVER_NAME is not set.</param>
    public static HatchetTls From(IConfiguration configuration, string host)
    {
        var strategyText = configuration[StrategyVariable];
        var strategy = strategyText?.ToUpperInvariant() switch
        {
            null or "" or "TLS" => HatchetTlsStrategy.Tls,
            "NONE" => HatchetTlsStrategy.None,
            "MTLS" => HatchetTlsStrategy.Mtls,
            _ => throw new InvalidOperationException($"{StrategyVariable}='{strategyText}' is not valid: use 'tls', 'none' or 'mtls'."),
        };

        // config.py lines 218-222: the server name defaults to the host of HATCHET_CLIENT_HOST_PORT, then to localhost.
        var serverName = configuration[ServerNameVariable] is { Length: > 0 } name ? name : host is { Length: > 0 } ? host : "localhost";
        if (strategy == HatchetTlsStrategy.None)
        {
            return new HatchetTls(strategy, serverName, null, null);
        }

        // connection.py lines 15-19: for tls the root CA file is optional; lines 21-23: mtls asserts all three files.
        var rootCaFile = strategy == HatchetTlsStrategy.Mtls ? Required(configuration, RootCaVariable) : configuration[RootCaVariable];
        var roots = rootCaFile is { Length: > 0 } ? LoadRoots(rootCaFile) : null;
        var client = strategy == HatchetTlsStrategy.Mtls
            ? LoadClientCertificate(Required(configuration, CertVariable), Required(configuration, KeyVariable))
            : null;
        return new HatchetTls(strategy, serverName, roots, client);
    }

    /// <summary>
    /// The options of the TLS handshake: the engine's certificate must chain to the root CA file when one is
    /// given (grpc's <c>root_certificates</c> replaces the system's roots), and the client certificate goes along for mTLS.
    /// The server name is checked by the handler that sets the request's host (see <see cref="HatchetTransport"/>).
    /// </summary>
    public SslClientAuthenticationOptions ToSslOptions()
    {
        var options = new SslClientAuthenticationOptions();
        if (this.RootCertificates is { } roots)
        {
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.AddRange(roots);
            options.CertificateChainPolicy = policy;
        }

        if (this.ClientCertificate is { } certificate)
        {
            options.ClientCertificates = [certificate];
        }

        return options;
    }

    private static string Required(IConfiguration configuration, string variable)
        => configuration[variable] is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} must be set when {StrategyVariable}='mtls'.");

    private static X509Certificate2Collection LoadRoots(string file)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(file);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new InvalidOperationException($"{RootCaVariable}='{file}' could not be read as PEM certificates: {exception.Message}", exception);
        }

        return roots.Count > 0
            ? roots
            : throw new InvalidOperationException($"{RootCaVariable}='{file}' holds no PEM certificate.");
    }

    private static X509Certificate2 LoadClientCertificate(string certFile, string keyFile)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(certFile, keyFile);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException($"{CertVariable}='{certFile}' and {KeyVariable}='{keyFile}' could not be read as a PEM certificate and its key: {exception.Message}", exception);
        }
    }
}
