using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Example;

/// <summary>The example worker refuses a bad engine configuration at start, naming the variable and the bad value.</summary>
public sealed class ExampleWorkerConfigurationTests
{
    [Fact]
    public async Task A_token_that_is_not_a_JWT_stops_the_worker_showing_only_its_first_characters()
    {
        var output = await ExitOutputAsync(new() { ["HATCHET_CLIENT_TOKEN"] = "secret-api-key-value" });

        output.Should().Contain("HATCHET_CLIENT_TOKEN='secre...' is not a Hatchet API token").And.NotContain("secret-api-key-value");
    }

    [Fact]
    public async Task A_token_whose_payload_is_not_base64url_JSON_stops_the_worker()
    {
        var output = await ExitOutputAsync(new() { ["HATCHET_CLIENT_TOKEN"] = "eyJhbGciOiJFUzI1NiJ9.not*json.c2ln" });

        output.Should().Contain("HATCHET_CLIENT_TOKEN='eyJhb...' is not a Hatchet API token: its payload is not base64url-encoded JSON");
    }

    [Fact]
    public async Task A_token_without_the_engine_address_claim_stops_the_worker_naming_the_claim()
    {
        var token = HatchetTestTokens.Jwt(new() { ["sub"] = HatchetTestTokens.Tenant, ["server_url"] = "http://localhost:8080" });

        var output = await ExitOutputAsync(new() { ["HATCHET_CLIENT_TOKEN"] = token, ["HATCHET_CLIENT_HOST_PORT"] = "127.0.0.1:7070" });

        output.Should().Contain("its claims have no 'grpc_broadcast_address'");
    }

    [Fact]
    public async Task A_host_without_a_token_stops_the_worker_naming_both_variables()
    {
        var output = await ExitOutputAsync(new() { ["HATCHET_CLIENT_HOST_PORT"] = "127.0.0.1:7070" });

        output.Should().Contain("HATCHET_CLIENT_TOKEN must be set to reach the engine at HATCHET_CLIENT_HOST_PORT='127.0.0.1:7070'");
    }

    [Fact]
    public async Task A_host_port_without_a_port_stops_the_worker_naming_variable_and_value()
    {
        var output = await ExitOutputAsync(new() { ["HATCHET_CLIENT_TOKEN"] = HatchetTestTokens.For("127.0.0.1:7070"), ["HATCHET_CLIENT_HOST_PORT"] = "engine.example" });

        output.Should().Contain("HATCHET_CLIENT_HOST_PORT='engine.example' is not a host:port");
    }

    [Fact]
    public async Task Mtls_without_a_key_file_stops_the_worker_naming_the_variable()
    {
        using var certificates = new TestCertificates();

        var output = await ExitOutputAsync(new()
        {
            ["HATCHET_CLIENT_TOKEN"] = HatchetTestTokens.For("127.0.0.1:7070"),
            ["HATCHET_CLIENT_TLS_STRATEGY"] = "mtls",
            ["HATCHET_CLIENT_TLS_ROOT_CA_FILE"] = certificates.RootCaFile,
            ["HATCHET_CLIENT_TLS_CERT_FILE"] = certificates.ClientCertFile,
        });

        output.Should().Contain("HATCHET_CLIENT_TLS_KEY_FILE must be set when HATCHET_CLIENT_TLS_STRATEGY='mtls'");
    }

    [Fact]
    public async Task A_root_CA_file_that_does_not_exist_stops_the_worker_naming_variable_and_path()
    {
        var output = await ExitOutputAsync(new()
        {
            ["HATCHET_CLIENT_TOKEN"] = HatchetTestTokens.For("127.0.0.1:7070"),
            ["HATCHET_CLIENT_TLS_ROOT_CA_FILE"] = "/nonexistent/ca.pem",
        });

        output.Should().Contain("HATCHET_CLIENT_TLS_ROOT_CA_FILE='/nonexistent/ca.pem' could not be read");
    }

    [Fact]
    public async Task A_client_key_that_is_not_PEM_stops_the_worker_naming_both_files()
    {
        using var certificates = new TestCertificates();

        var output = await ExitOutputAsync(new()
        {
            ["HATCHET_CLIENT_TOKEN"] = HatchetTestTokens.For("127.0.0.1:7070"),
            ["HATCHET_CLIENT_TLS_STRATEGY"] = "mtls",
            ["HATCHET_CLIENT_TLS_ROOT_CA_FILE"] = certificates.RootCaFile,
            ["HATCHET_CLIENT_TLS_CERT_FILE"] = certificates.ClientCertFile,
            ["HATCHET_CLIENT_TLS_KEY_FILE"] = certificates.RootCaFile,
        });

        output.Should().Contain($"HATCHET_CLIENT_TLS_CERT_FILE='{certificates.ClientCertFile}' and HATCHET_CLIENT_TLS_KEY_FILE='{certificates.RootCaFile}' could not be read");
    }

    private static async Task<string> ExitOutputAsync(Dictionary<string, string?> environment)
    {
        using var worker = ExampleWorkerProcess.Start(environment);

        (await worker.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().BeTrue($"a bad configuration must stop the worker; output:\n{worker.Output}");
        worker.ExitCode.Should().NotBe(0);
        return worker.Output;
    }
}
