using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using static OpenTelemetry.Hatchet.Configuration.HatchetEnvironmentVariables;

namespace OpenTelemetry.Hatchet.Configuration;

/// <summary>
/// How the engine's connection is encrypted, read from the Hatchet SDKs' TLS variables (<c>ClientTLSConfig</c>,
/// <c>sdks/python/hatchet_sdk/config.py</c> lines 25-34 at upstream 89d130f: <c>HATCHET_CLIENT_TLS_STRATEGY</c>
/// default <c>tls</c>, <c>..._ROOT_CA_FILE</c>, <c>..._CERT_FILE</c>, <c>..._KEY_FILE</c>, <c>..._SERVER_NAME</c>) and
/// applied as <c>connection.py</c> lines 8-40 applies them. The files are loaded when read, so a bad one stops startup.
/// </summary>
/// <remarks>
/// Where Python differs: it encrypts only for the exact words <c>tls</c> and <c>mtls</c> and sends in clear for
/// anything else; here the three words are taken in any case and anything else is refused, so a typo never turns
/// encryption off.
/// </remarks>
internal sealed record HatchetEngineTls(bool Encrypted, string ServerName, X509Certificate2Collection? RootCertificates, X509Certificate2? ClientCertificate)
{
    /// <summary>TLS checked against the system's roots, for an engine named in code (<c>https://</c>).</summary>
    public static HatchetEngineTls System(string host) => new(Encrypted: true, host, null, null);

    /// <summary>No TLS, for an engine named in code (<c>http://</c>).</summary>
    public static HatchetEngineTls Clear(string host) => new(Encrypted: false, host, null, null);

    /// <summary>Lets go of the certificates read from files, for a copy read only to check the settings.</summary>
    public void ReleaseCertificates()
    {
        foreach (var root in this.RootCertificates ?? [])
        {
            root.Dispose();
        }

        this.ClientCertificate?.Dispose();
    }

    /// <summary>Reads the variables; what is wrong is added to <paramref name="failures"/>.</summary>
    /// <param name="configuration">Where the variables are read.</param>
    /// <param name="host">The engine's host: the server name unless <c>HATCHET_CLIENT_TLS_SERVER_NAME</c> is set.</param>
    /// <param name="failures">The startup errors so far.</param>
    public static HatchetEngineTls? Read(IConfiguration? configuration, string host, List<string> failures)
    {
        var strategy = HatchetEnvironmentVariables.Read(configuration, TlsStrategy);
        var mutual = false;
        switch (strategy?.ToUpperInvariant())
        {
            case null or "" or "TLS":
                break;
            case "MTLS":
                mutual = true;
                break;
            case "NONE":
                return Clear(host);
            default:
                failures.Add($"{TlsStrategy}='{strategy}' is not a TLS strategy: use tls (the default), mtls or none.");
                return null;
        }

        // config.py lines 218-222: the server name is the host of HATCHET_CLIENT_HOST_PORT unless set, then localhost.
        var serverName = HatchetEnvironmentVariables.Read(configuration, TlsServerName) is { Length: > 0 } name ? name : host is { Length: > 0 } ? host : "localhost";

        // connection.py lines 15-19: for tls the root CA file is optional; lines 21-23: mtls asserts all three files.
        var rootCaFile = HatchetEnvironmentVariables.Read(configuration, TlsRootCaFile);
        var certFile = HatchetEnvironmentVariables.Read(configuration, TlsCertFile);
        var keyFile = HatchetEnvironmentVariables.Read(configuration, TlsKeyFile);
        var failed = failures.Count;
        if (mutual)
        {
            RequireForMtls(TlsRootCaFile, rootCaFile, "the engine's root CA certificate", failures);
            RequireForMtls(TlsCertFile, certFile, "the worker's client certificate", failures);
            RequireForMtls(TlsKeyFile, keyFile, "the client certificate's private key", failures);
        }

        var roots = string.IsNullOrEmpty(rootCaFile) ? null : LoadRoots(rootCaFile, failures);
        var client = mutual && !string.IsNullOrEmpty(certFile) && !string.IsNullOrEmpty(keyFile) ? LoadClientCertificate(certFile, keyFile, failures) : null;
        return failures.Count > failed ? null : new HatchetEngineTls(Encrypted: true, serverName, roots, client);
    }

    /// <summary>
    /// The handshake's options: the engine's certificate must chain to the root CA file when one is given (grpc's
    /// <c>root_certificates</c> replaces the system's roots), and name the server name, which replaces the address's
    /// host in that check as grpc's <c>ssl_target_name_override</c> does (<c>connection.py</c> lines 73-75); the client
    /// certificate goes along for mTLS.
    /// </summary>
    /// <param name="host">The host of the engine's address, which the handler checks the certificate against by itself.</param>
    public SslClientAuthenticationOptions ToSslOptions(string host)
    {
        var options = new SslClientAuthenticationOptions();
        if (!string.Equals(this.ServerName, host, StringComparison.OrdinalIgnoreCase))
        {
            // Every other check stands; only the name checked is the server name rather than the address's host.
            var serverName = this.ServerName;
            options.RemoteCertificateValidationCallback = (_, certificate, _, errors)
                => (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None
                    && certificate is X509Certificate2 presented
                    && presented.MatchesHostname(serverName);
        }

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

    private static void RequireForMtls(string variable, string? value, string what, List<string> failures)
    {
        if (string.IsNullOrEmpty(value))
        {
            failures.Add($"{variable}='{value}' is empty, but {TlsStrategy}='mtls' needs it: use the path of the PEM file of {what}.");
        }
    }

    private static X509Certificate2Collection? LoadRoots(string file, List<string> failures)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(file);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException)
        {
            failures.Add($"{TlsRootCaFile}='{file}' is not a readable PEM file ({OneLine(exception)}): use the path of the PEM file of the engine's root CA certificate.");
            return null;
        }

        if (roots.Count == 0)
        {
            failures.Add($"{TlsRootCaFile}='{file}' is a file without a PEM certificate: use the path of the PEM file of the engine's root CA certificate.");
            return null;
        }

        return roots;
    }

    private static X509Certificate2? LoadClientCertificate(string certFile, string keyFile, List<string> failures)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(certFile, keyFile);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            failures.Add($"{TlsCertFile}='{certFile}' is not a PEM certificate whose key is in {TlsKeyFile}='{keyFile}' ({OneLine(exception)}): use the PEM files of the worker's client certificate and of its private key.");
            return null;
        }
    }

    private static string OneLine(Exception exception) => exception.Message.ReplaceLineEndings(" ").TrimEnd('.');
}
