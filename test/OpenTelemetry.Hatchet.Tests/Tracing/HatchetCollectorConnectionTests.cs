using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Hatchet.Tests.Example;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Trace;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// Spans sent to the engine the Hatchet client's own variables name, once <c>EnableHatchetCollector</c> is on, as the
/// Python SDK's <c>_add_hatchet_exporter</c> sends them (instrumentor.py lines 349-374 at upstream 89d130f, the
/// connection read by config.py and connection.py): the address from the token or <c>HATCHET_CLIENT_HOST_PORT</c>, the
/// TLS the strategy asks for, the bearer token.
/// </summary>
public sealed class HatchetCollectorConnectionTests
{
    private const string EnableHatchetCollector = "Hatchet:Instrumentation:EnableHatchetCollector";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Spans_reach_an_engine_named_by_the_token_alone_or_with_the_host_port_without_TLS(bool hostPortSet)
    {
        await using var engine = await TraceReceiver.StartAsync();
        var token = HatchetTestTokens.For(hostPortSet ? "engine.invalid:7070" : engine.HostPort);
        var settings = Settings(token, strategy: "none");
        if (hostPortSet)
        {
            settings["HATCHET_CLIENT_HOST_PORT"] = engine.HostPort;
        }

        await using var traced = await CollectorHost.StartAsync(settings);
        traced.Span("charge card");

        traced.Flush().Should().BeTrue();
        var (_, _, authorization) = await engine.SpanNamedAsync("charge card");
        authorization.Should().Be($"Bearer {token}");
    }

    [Fact]
    public async Task Spans_reach_an_engine_over_TLS_checked_against_the_root_CA_file_under_the_server_name()
    {
        using var certificates = new TestCertificates();
        await using var engine = await TraceReceiver.StartAsync(certificates);
        var settings = Settings(HatchetTestTokens.For(engine.HostPort), strategy: "tls");
        settings["HATCHET_CLIENT_TLS_ROOT_CA_FILE"] = certificates.RootCaFile;
        settings["HATCHET_CLIENT_TLS_SERVER_NAME"] = TestCertificates.ServerName;

        await using var traced = await CollectorHost.StartAsync(settings);
        traced.Span("charge card");

        traced.Flush().Should().BeTrue();
        await engine.SpanNamedAsync("charge card");
        engine.ClientCertificates.Should().BeEmpty();
    }

    // grpc's ssl_target_name_override replaces only the name checked (connection.py lines 73-75 at upstream 89d130f):
    // a certificate the root CA file did not issue is refused whatever name it carries.
    [Fact]
    public async Task Engine_whose_certificate_the_root_CA_file_did_not_issue_gets_no_spans_though_it_names_the_server_name()
    {
        using var certificates = new TestCertificates();
        using var impostor = new TestCertificates();
        await using var engine = await TraceReceiver.StartAsync(impostor);
        var settings = Settings(HatchetTestTokens.For(engine.HostPort), strategy: "tls");
        settings["HATCHET_CLIENT_TLS_ROOT_CA_FILE"] = certificates.RootCaFile;
        settings["HATCHET_CLIENT_TLS_SERVER_NAME"] = TestCertificates.ServerName;

        await using var traced = await CollectorHost.StartAsync(settings);
        traced.Span("charge card");
        traced.Flush();

        engine.Exports.Should().Be(0, "the engine's certificate does not chain to HATCHET_CLIENT_TLS_ROOT_CA_FILE");
    }

    // config.py lines 218-222: without HATCHET_CLIENT_TLS_SERVER_NAME the name checked is the host of the address.
    [Fact]
    public async Task Spans_reach_an_engine_over_TLS_whose_certificate_names_its_address_when_no_server_name_is_set()
    {
        using var certificates = new TestCertificates(IPAddress.Loopback);
        await using var engine = await TraceReceiver.StartAsync(certificates);
        var settings = Settings(HatchetTestTokens.For(engine.HostPort), strategy: "tls");
        settings["HATCHET_CLIENT_TLS_ROOT_CA_FILE"] = certificates.RootCaFile;

        await using var traced = await CollectorHost.StartAsync(settings);
        traced.Span("charge card");

        traced.Flush().Should().BeTrue();
        await engine.SpanNamedAsync("charge card");
    }

    [Fact]
    public async Task Spans_reach_an_engine_that_requires_the_client_certificate_over_mTLS()
    {
        using var certificates = new TestCertificates();
        await using var engine = await TraceReceiver.StartAsync(certificates, requireClientCertificate: true);
        var settings = Settings(HatchetTestTokens.For(engine.HostPort), strategy: "mtls");
        settings["HATCHET_CLIENT_TLS_ROOT_CA_FILE"] = certificates.RootCaFile;
        settings["HATCHET_CLIENT_TLS_CERT_FILE"] = certificates.ClientCertFile;
        settings["HATCHET_CLIENT_TLS_KEY_FILE"] = certificates.ClientKeyFile;
        settings["HATCHET_CLIENT_TLS_SERVER_NAME"] = TestCertificates.ServerName;

        await using var traced = await CollectorHost.StartAsync(settings);
        traced.Span("charge card");

        traced.Flush().Should().BeTrue();
        await engine.SpanNamedAsync("charge card");
        engine.ClientCertificates.Should().Contain("CN=example-worker");
    }

    [Fact]
    public async Task Engine_that_answers_UNIMPLEMENTED_is_not_asked_again_until_the_pause_has_passed()
    {
        await using var engine = await TraceReceiver.StartAsync(tls: null, collector: false);
        var pause = TimeSpan.FromSeconds(1);
        await using var traced = await CollectorHost.StartAsync(Settings(HatchetTestTokens.For(engine.HostPort), strategy: "none"), pause);

        traced.Span("first");
        traced.Flush().Should().BeTrue("Python's exporter reports SUCCESS for a batch the engine refused UNIMPLEMENTED");
        var refusedAt = Stopwatch.StartNew();
        engine.Exports.Should().Be(1);

        traced.Span("while paused");
        traced.Flush().Should().BeTrue();
        var askedWhilePaused = engine.Exports;

        await Eventually.Until(
            () =>
            {
                traced.Span("later");
                traced.Flush();
                return engine.Exports > 1;
            },
            "the engine to be asked again");

        askedWhilePaused.Should().Be(1, "a batch within the pause is not sent");
        refusedAt.Elapsed.Should().BeGreaterThanOrEqualTo(pause - TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task Engine_batch_is_sized_and_scheduled_by_the_OTEL_BSP_variables()
    {
        await using var engine = await TraceReceiver.StartAsync();
        var settings = Settings(HatchetTestTokens.For(engine.HostPort), strategy: "none");
        settings["OTEL_BSP_SCHEDULE_DELAY"] = "50";
        settings["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"] = "1";

        await using var traced = await CollectorHost.StartAsync(settings);
        traced.Span("one");
        traced.Span("two");
        traced.Span("three");

        // Without a flush: the default delay (5 s) is past this deadline, and the default batch (512) takes all three at once.
        await Eventually.Until(() => engine.ExportSizes.Count >= 3, "three exports", timeout: TimeSpan.FromSeconds(3));
        engine.ExportSizes.Should().AllBeEquivalentTo(1, "the exports' sizes were {0}", string.Join(", ", engine.ExportSizes));
    }

    public static TheoryData<string, string?, string> RefusedSettings() => new()
    {
        { "HATCHET_CLIENT_TOKEN", null, "HATCHET_CLIENT_TOKEN='' is empty" },
        { "HATCHET_CLIENT_TOKEN", "t0k3n", "HATCHET_CLIENT_TOKEN='t0k3n' is not a JWT (a Hatchet API token starts with 'ey')" },
        { "HATCHET_CLIENT_TOKEN", "eyJhbGciOiJub25lIn0.bm90IGpzb24.c2ln", "HATCHET_CLIENT_TOKEN='eyJhb...' is a JWT whose payload is not base64url-encoded JSON" },
        { "HATCHET_CLIENT_TOKEN", HatchetTestTokens.Jwt(new() { ["sub"] = HatchetTestTokens.Tenant, ["server_url"] = "http://localhost:8080" }), "HATCHET_CLIENT_TOKEN='eyJhb...' is a JWT without the 'grpc_broadcast_address' claim" },
        { "HATCHET_CLIENT_TOKEN", "eyJhbGciOiJub25lIn0.e30", "HATCHET_CLIENT_TOKEN='eyJhb...' is not a JWT (3 dot-separated parts; this one has 2)" },
        { "HATCHET_CLIENT_TOKEN", HatchetTestTokens.For("engine-without-port"), "grpc_broadcast_address claim 'engine-without-port' is not a host:port" },
        { "HATCHET_CLIENT_HOST_PORT", "http://engine:7070", "HATCHET_CLIENT_HOST_PORT='http://engine:7070' is not a host:port" },
        { "HATCHET_CLIENT_TLS_STRATEGY", "ssl", "HATCHET_CLIENT_TLS_STRATEGY='ssl' is not a TLS strategy" },
        { "HATCHET_CLIENT_TLS_ROOT_CA_FILE", "/nonexistent/ca.pem", "HATCHET_CLIENT_TLS_ROOT_CA_FILE='/nonexistent/ca.pem' is not a readable PEM file" },
    };

    [Theory]
    [MemberData(nameof(RefusedSettings))]
    public async Task Missing_or_wrong_connection_setting_stops_startup_naming_it(string variable, string? value, string expected)
    {
        var settings = Settings(HatchetTestTokens.For("127.0.0.1:7070"), strategy: "tls");
        settings[variable] = value;

        var start = () => CollectorHost.StartAsync(settings);

        var refused = await start.Should().ThrowAsync<OptionsValidationException>();
        refused.Which.Message.Should().Contain(expected);
    }

    [Theory]
    [InlineData("HATCHET_CLIENT_TLS_ROOT_CA_FILE")]
    [InlineData("HATCHET_CLIENT_TLS_CERT_FILE")]
    [InlineData("HATCHET_CLIENT_TLS_KEY_FILE")]
    public async Task Mtls_without_one_of_its_three_files_stops_startup_naming_it(string missing)
    {
        using var certificates = new TestCertificates();
        var settings = Settings(HatchetTestTokens.For("127.0.0.1:7070"), strategy: "mtls");
        settings["HATCHET_CLIENT_TLS_ROOT_CA_FILE"] = certificates.RootCaFile;
        settings["HATCHET_CLIENT_TLS_CERT_FILE"] = certificates.ClientCertFile;
        settings["HATCHET_CLIENT_TLS_KEY_FILE"] = certificates.ClientKeyFile;
        settings[missing] = null;

        var start = () => CollectorHost.StartAsync(settings);

        // connection.py lines 21-23 assert all three for mtls.
        var refused = await start.Should().ThrowAsync<OptionsValidationException>();
        refused.Which.Message.Should().Contain($"{missing}='' is empty, but HATCHET_CLIENT_TLS_STRATEGY='mtls' needs it");
    }

    [Fact]
    public async Task Client_certificate_with_a_key_that_is_not_its_own_stops_startup_naming_both_files()
    {
        using var certificates = new TestCertificates();
        using var other = new TestCertificates();
        var settings = Settings(HatchetTestTokens.For("127.0.0.1:7070"), strategy: "mtls");
        settings["HATCHET_CLIENT_TLS_ROOT_CA_FILE"] = certificates.RootCaFile;
        settings["HATCHET_CLIENT_TLS_CERT_FILE"] = certificates.ClientCertFile;
        settings["HATCHET_CLIENT_TLS_KEY_FILE"] = other.ClientKeyFile;

        var start = () => CollectorHost.StartAsync(settings);

        var refused = await start.Should().ThrowAsync<OptionsValidationException>();
        refused.Which.Message.Should().Contain($"HATCHET_CLIENT_TLS_CERT_FILE='{certificates.ClientCertFile}' is not a PEM certificate whose key is in HATCHET_CLIENT_TLS_KEY_FILE='{other.ClientKeyFile}'");
    }

    [Fact]
    public async Task Nothing_is_read_from_the_client_variables_until_the_collector_is_enabled()
    {
        var settings = Settings("t0k3n", strategy: "ssl");
        settings[EnableHatchetCollector] = null;

        await using var traced = await CollectorHost.StartAsync(settings);

        traced.Flush().Should().BeTrue();
    }

    private static Dictionary<string, string?> Settings(string token, string strategy) => new()
    {
        [EnableHatchetCollector] = "true",
        ["HATCHET_CLIENT_TOKEN"] = token,
        ["HATCHET_CLIENT_TLS_STRATEGY"] = strategy,
    };

    /// <summary>A worker's host whose spans go to the engine the settings name, with an application source of its own.</summary>
    private sealed class CollectorHost : IAsyncDisposable
    {
        private readonly ActivitySource source;
        private readonly WorkerHost host;

        private CollectorHost(ActivitySource source, WorkerHost host)
        {
            this.source = source;
            this.host = host;
        }

        public static async Task<CollectorHost> StartAsync(Dictionary<string, string?> settings, TimeSpan? unimplementedPause = null)
        {
            var source = new ActivitySource($"App.{Guid.NewGuid():N}");
            try
            {
                var host = await WorkerHost.StartAsync(
                    settings: settings,
                    services: services => services.AddOpenTelemetry().WithTracing(tracing => tracing
                        .AddSource(source.Name)
                        .AddHatchetInstrumentation(options => options.HatchetEngineUnimplementedPause = unimplementedPause ?? options.HatchetEngineUnimplementedPause)));

                // The provider is built with the host; resolving it here is what a worker's first span does.
                _ = host.Host.Services.GetRequiredService<TracerProvider>();
                return new CollectorHost(source, host);
            }
            catch
            {
                source.Dispose();
                throw;
            }
        }

        public void Span(string name) => this.source.StartActivity(name)?.Dispose();

        public bool Flush() => this.host.Host.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000);

        public async ValueTask DisposeAsync()
        {
            await this.host.DisposeAsync();
            this.source.Dispose();
        }
    }
}
