using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OpenTelemetry.Hatchet.Tests.Example;

/// <summary>
/// A certificate authority made for one test, a server certificate it signs for <see cref="ServerName"/> (and an IP
/// address, when one is given), and a client certificate for mTLS, with the PEM files a worker is given through the
/// TLS variables.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    public const string ServerName = "engine.hatchet.test";

    private readonly string folder = Directory.CreateTempSubdirectory("hatchet-tls-").FullName;

    /// <param name="serverAddress">An address the server certificate also names, for an engine reached by its address.</param>
    public TestCertificates(IPAddress? serverAddress = null)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Hatchet Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, 0, critical: true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        this.Authority = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        this.Server = this.Issue("CN=" + ServerName, ServerName, "1.3.6.1.5.5.7.3.1", serverAddress);
        this.Client = this.Issue("CN=example-worker", dnsName: null, "1.3.6.1.5.5.7.3.2", address: null);

        this.RootCaFile = this.Write("ca.pem", this.Authority.ExportCertificatePem());
        this.ClientCertFile = this.Write("client.pem", this.Client.ExportCertificatePem());
        this.ClientKeyFile = this.Write("client.key", this.Client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
    }

    public X509Certificate2 Authority { get; }

    public X509Certificate2 Server { get; }

    public X509Certificate2 Client { get; }

    public string RootCaFile { get; }

    public string ClientCertFile { get; }

    public string ClientKeyFile { get; }

    /// <summary>Whether a certificate was issued by this test's authority (the server's check of a client certificate).</summary>
    public bool Issued(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(this.Authority);
        return chain.Build(certificate);
    }

    public void Dispose()
    {
        this.Authority.Dispose();
        this.Server.Dispose();
        this.Client.Dispose();
        Directory.Delete(this.folder, recursive: true);
    }

    private X509Certificate2 Issue(string subject, string? dnsName, string usage, IPAddress? address)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], critical: false));
        if (dnsName is not null)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName(dnsName);
            if (address is not null)
            {
                names.AddIpAddress(address);
            }

            request.CertificateExtensions.Add(names.Build());
        }

        using var issued = request.Create(this.Authority, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(8));
        return issued.CopyWithPrivateKey(key);
    }

    private string Write(string name, string pem)
    {
        var path = Path.Combine(this.folder, name);
        File.WriteAllText(path, pem);
        return path;
    }
}
