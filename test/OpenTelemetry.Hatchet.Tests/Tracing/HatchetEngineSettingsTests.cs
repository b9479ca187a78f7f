using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OpenTelemetry.Hatchet.Configuration;
using OpenTelemetry.Hatchet.Tests.Example;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// Each reader of the engine connection on its own, as the Python SDK reads the client's settings at upstream 89d130f:
/// the token's claims (<c>utils/token.py</c>, the claims pydantic requires as strings), the TLS variables
/// (<c>config.py</c> lines 218-222, <c>connection.py</c> lines 15-23) and the address (<c>config.py</c> lines 205-213).
/// The spans and task logs that travel over it are <see cref="HatchetCollectorConnectionTests"/>'.
/// </summary>
public sealed class HatchetEngineSettingsTests
{
    private const string Engine = "engine.example";

    [Fact]
    public void Token_claims_are_read_past_claims_of_other_shapes_written_before_them()
    {
        var token = HatchetTestTokens.WithPayload($$"""
            {"scopes":{"sub":"not the tenant","list":[1,{"server_url":"not the server"}]},"iat":1700000000,"admin":true,
             "sub":"{{HatchetTestTokens.Tenant}}","server_url":"http://localhost:8080","grpc_broadcast_address":"engine.example:7070"}
            """);
        var failures = new List<string>();

        var claims = HatchetTokenClaims.Read(token, failures);

        failures.Should().BeEmpty();
        claims.Should().Be(new HatchetTokenClaims(HatchetTestTokens.Tenant, "http://localhost:8080", "engine.example:7070"));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"a string\"")]
    [InlineData("7")]
    public void Token_whose_payload_is_json_but_no_object_is_refused_saying_so(string payload)
    {
        var failures = new List<string>();

        HatchetTokenClaims.Read(HatchetTestTokens.WithPayload(payload), failures).Should().BeNull();

        failures.Should().ContainSingle().Which.Should().Be("HATCHET_CLIENT_TOKEN='eyJhb...' is a JWT whose payload is not a JSON object: use an API token created in the Hatchet dashboard.");
    }

    [Theory]
    [InlineData("sub")]
    [InlineData("server_url")]
    [InlineData("grpc_broadcast_address")]
    public void Token_without_a_claim_or_with_one_that_is_no_string_is_refused_naming_the_claim(string claim)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = HatchetTestTokens.Tenant,
            ["server_url"] = "http://localhost:8080",
            ["grpc_broadcast_address"] = "engine.example:7070",
        };
        var without = new Dictionary<string, object>(claims);
        without.Remove(claim);
        var notAString = new Dictionary<string, object>(claims) { [claim] = 7070 };

        foreach (var payload in new[] { without, notAString })
        {
            var failures = new List<string>();
            HatchetTokenClaims.Read(HatchetTestTokens.WithPayload(System.Text.Json.JsonSerializer.Serialize(payload)), failures).Should().BeNull();
            failures.Should().ContainSingle().Which.Should().Contain($"is a JWT without the '{claim}' claim a Hatchet API token carries");
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("tls")]
    [InlineData("TLS")]
    public void Tls_strategy_by_default_or_named_encrypts_and_checks_the_engines_own_host(string? strategy)
    {
        var failures = new List<string>();

        var tls = HatchetEngineTls.Read(Variables(("HATCHET_CLIENT_TLS_STRATEGY", strategy)), Engine, failures);

        failures.Should().BeEmpty();
        tls.Should().BeEquivalentTo(new { Encrypted = true, ServerName = Engine, RootCertificates = (object?)null, ClientCertificate = (object?)null });
    }

    [Fact]
    public void Server_name_is_the_variable_when_set_the_engines_host_otherwise_and_localhost_without_a_host()
    {
        var failures = new List<string>();

        HatchetEngineTls.Read(Variables(("HATCHET_CLIENT_TLS_SERVER_NAME", "cluster.internal")), Engine, failures)!.ServerName.Should().Be("cluster.internal");
        HatchetEngineTls.Read(Variables(("HATCHET_CLIENT_TLS_SERVER_NAME", "")), Engine, failures)!.ServerName.Should().Be(Engine);
        HatchetEngineTls.Read(Variables(), string.Empty, failures)!.ServerName.Should().Be("localhost");
        failures.Should().BeEmpty();
    }

    [Fact]
    public void Tls_strategy_sends_no_client_certificate_even_with_its_files_set()
    {
        using var certificates = new TestCertificates();
        var failures = new List<string>();

        // connection.py lines 15-19: for tls, grpc gets the root certificates only; the key and chain are mtls's.
        var tls = HatchetEngineTls.Read(
            Variables(("HATCHET_CLIENT_TLS_STRATEGY", "tls"), ("HATCHET_CLIENT_TLS_CERT_FILE", certificates.ClientCertFile), ("HATCHET_CLIENT_TLS_KEY_FILE", certificates.ClientKeyFile)),
            Engine,
            failures);

        failures.Should().BeEmpty();
        tls!.ClientCertificate.Should().BeNull();
    }

    [Fact]
    public void Root_ca_file_without_a_certificate_in_it_is_refused_naming_it()
    {
        var file = TextFile("this is not a certificate\n");
        var failures = new List<string>();

        HatchetEngineTls.Read(Variables(("HATCHET_CLIENT_TLS_ROOT_CA_FILE", file)), Engine, failures).Should().BeNull();

        failures.Should().ContainSingle().Which.Should().Be($"HATCHET_CLIENT_TLS_ROOT_CA_FILE='{file}' is a file without a PEM certificate: use the path of the PEM file of the engine's root CA certificate.");
    }

    [Fact]
    public void Client_certificate_file_without_a_certificate_in_it_is_refused_naming_both_files()
    {
        using var certificates = new TestCertificates();
        var file = TextFile("this is not a certificate\n");
        var failures = new List<string>();

        var tls = HatchetEngineTls.Read(
            Variables(("HATCHET_CLIENT_TLS_STRATEGY", "mtls"), ("HATCHET_CLIENT_TLS_ROOT_CA_FILE", certificates.RootCaFile), ("HATCHET_CLIENT_TLS_CERT_FILE", file), ("HATCHET_CLIENT_TLS_KEY_FILE", certificates.ClientKeyFile)),
            Engine,
            failures);

        tls.Should().BeNull();
        failures.Should().ContainSingle().Which.Should().StartWith($"HATCHET_CLIENT_TLS_CERT_FILE='{file}' is not a PEM certificate whose key is in HATCHET_CLIENT_TLS_KEY_FILE='{certificates.ClientKeyFile}' (");
    }

    [Theory]
    [InlineData("user@engine.example:7070")]
    [InlineData("user:secret@engine.example:7070")]
    public void Host_port_with_user_info_is_refused_naming_it(string hostPort)
    {
        var options = new HatchetInstrumentationOptions { EnableHatchetCollector = true };

        var resolve = () => HatchetEngineConnection.Resolve(options, Variables(("HATCHET_CLIENT_TOKEN", HatchetTestTokens.For("engine.example:7070")), ("HATCHET_CLIENT_HOST_PORT", hostPort)));

        resolve.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain($"HATCHET_CLIENT_HOST_PORT='{hostPort}' is not a host:port");
    }

    [Fact]
    public void Resolving_settings_that_are_wrong_throws_the_startup_error_naming_them()
    {
        var resolve = () => HatchetEngineConnection.Resolve(new HatchetInstrumentationOptions { EnableHatchetCollector = true }, Variables());

        resolve.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("HATCHET_CLIENT_TOKEN='' is empty");
    }

    private static IConfiguration Variables(params (string Name, string? Value)[] variables)
        => new ConfigurationBuilder().AddInMemoryCollection(variables.Select(variable => new KeyValuePair<string, string?>(variable.Name, variable.Value))).Build();

    private static string TextFile(string text)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("hatchet-settings-").FullName, "file.pem");
        File.WriteAllText(file, text);
        return file;
    }
}
