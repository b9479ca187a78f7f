using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Example;

/// <summary>The example worker over TLS and mTLS, against an engine on 127.0.0.1 whose certificate names another host.</summary>
public sealed class ExampleWorkerTlsTests
{
    [Fact]
    public async Task Tls_with_the_root_CA_file_and_the_server_name_reaches_an_engine_whose_certificate_names_that_host()
    {
        using var certificates = new TestCertificates();
        await using var engine = await EngineStandIn.StartAsync(certificates);
        var port = FreeTcpPort.Next();
        var environment = Environment(engine, port, strategy: null);
        environment["HATCHET_CLIENT_TLS_ROOT_CA_FILE"] = certificates.RootCaFile;
        environment["HATCHET_CLIENT_TLS_SERVER_NAME"] = TestCertificates.ServerName;
        using var worker = ExampleWorkerProcess.Start(environment);

        await worker.WaitUntilHealthyAsync(port);

        engine.Registrations.Should().ContainSingle();
        engine.Workflows.Put.Should().ContainSingle();
        worker.Output.Should().Contain($"https://127.0.0.1:{engine.Port}/ (TLS Tls, server name {TestCertificates.ServerName})");
    }

    [Fact]
    public async Task Tls_without_the_server_name_refuses_a_certificate_for_another_host()
    {
        using var certificates = new TestCertificates();
        await using var engine = await EngineStandIn.StartAsync(certificates);
        var environment = Environment(engine, FreeTcpPort.Next(), strategy: "tls");
        environment["HATCHET_CLIENT_TLS_ROOT_CA_FILE"] = certificates.RootCaFile;
        using var worker = ExampleWorkerProcess.Start(environment);

        await worker.WaitForOutputAsync("Hatchet PutWorkflow failed");

        worker.Output.Should().MatchRegex("(?i)ssl|certificate");
        engine.Workflows.Put.Should().BeEmpty();
        engine.Registrations.Should().BeEmpty();
    }

    [Fact]
    public async Task Tls_without_the_root_CA_file_refuses_a_certificate_the_system_does_not_trust()
    {
        using var certificates = new TestCertificates();
        await using var engine = await EngineStandIn.StartAsync(certificates);
        var environment = Environment(engine, FreeTcpPort.Next(), strategy: "tls");
        environment["HATCHET_CLIENT_TLS_SERVER_NAME"] = TestCertificates.ServerName;
        using var worker = ExampleWorkerProcess.Start(environment);

        await worker.WaitForOutputAsync("Hatchet PutWorkflow failed");

        engine.Registrations.Should().BeEmpty();
    }

    [Fact]
    public async Task Mtls_presents_the_client_certificate_to_an_engine_that_requires_one()
    {
        using var certificates = new TestCertificates();
        await using var engine = await EngineStandIn.StartAsync(certificates, requireClientCertificate: true);
        var port = FreeTcpPort.Next();
        var environment = Environment(engine, port, strategy: "mtls");
        environment["HATCHET_CLIENT_TLS_ROOT_CA_FILE"] = certificates.RootCaFile;
        environment["HATCHET_CLIENT_TLS_CERT_FILE"] = certificates.ClientCertFile;
        environment["HATCHET_CLIENT_TLS_KEY_FILE"] = certificates.ClientKeyFile;
        environment["HATCHET_CLIENT_TLS_SERVER_NAME"] = TestCertificates.ServerName;
        using var worker = ExampleWorkerProcess.Start(environment);

        await worker.WaitUntilHealthyAsync(port);

        engine.ClientCertificates.Should().ContainSingle().Which.Should().Be("CN=example-worker");
    }

    [Fact]
    public async Task Tls_without_a_client_certificate_is_refused_by_an_engine_that_requires_one()
    {
        using var certificates = new TestCertificates();
        await using var engine = await EngineStandIn.StartAsync(certificates, requireClientCertificate: true);
        var environment = Environment(engine, FreeTcpPort.Next(), strategy: "tls");
        environment["HATCHET_CLIENT_TLS_ROOT_CA_FILE"] = certificates.RootCaFile;
        environment["HATCHET_CLIENT_TLS_SERVER_NAME"] = TestCertificates.ServerName;
        using var worker = ExampleWorkerProcess.Start(environment);

        await worker.WaitForOutputAsync("Hatchet PutWorkflow failed");

        engine.Registrations.Should().BeEmpty();
    }

    private static Dictionary<string, string?> Environment(EngineStandIn engine, int healthcheckPort, string? strategy)
    {
        var environment = ExampleWorkerProcess.HealthcheckOn(healthcheckPort);
        environment["HATCHET_CLIENT_TOKEN"] = HatchetTestTokens.For(engine.HostPort);
        environment["HATCHET_CLIENT_TLS_STRATEGY"] = strategy;
        return environment;
    }
}
