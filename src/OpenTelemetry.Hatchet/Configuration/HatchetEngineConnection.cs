using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using static OpenTelemetry.Hatchet.Configuration.HatchetEnvironmentVariables;

namespace OpenTelemetry.Hatchet.Configuration;

/// <summary>
/// The one description of the engine that the spans (<c>TraceService/Export</c>) and the task logs
/// (<c>EventsService/PutLog</c>) are sent to: its gRPC address, the token every call carries, and its TLS.
/// </summary>
/// <remarks>
/// Named in code by <see cref="HatchetInstrumentationOptions.HatchetEngineAddress"/> and
/// <see cref="HatchetInstrumentationOptions.HatchetEngineToken"/>; otherwise, once
/// <see cref="HatchetInstrumentationOptions.EnableHatchetCollector"/> asks for it, read as the Hatchet SDKs read their
/// client's connection (<c>ClientConfig</c>, <c>sdks/python/hatchet_sdk/config.py</c> at upstream 89d130f):
/// <c>HATCHET_CLIENT_TOKEN</c> is required (lines 190-197), the address is its <c>grpc_broadcast_address</c> claim
/// unless <c>HATCHET_CLIENT_HOST_PORT</c> is set (lines 205-213), and the TLS variables say how to reach it
/// (<see cref="HatchetEngineTls"/>).
/// </remarks>
internal sealed record HatchetEngineConnection(Uri Address, string Token, HatchetEngineTls Tls)
{
    /// <summary>The <c>authorization</c> header of every call, as the Python SDK's exporter writes it (<c>instrumentor.py</c> line 360).</summary>
    public string Authorization => $"Bearer {this.Token}";

    /// <summary>The connection the options name, or <see langword="null"/> when they ask for none; what is wrong is added to <paramref name="failures"/>.</summary>
    public static HatchetEngineConnection? Read(HatchetInstrumentationOptions options, IConfiguration? configuration, List<string> failures)
    {
        if (options.HatchetEngineAddress is { } address)
        {
            return FromCode(address, options.HatchetEngineToken, failures);
        }

        return options.EnableHatchetCollector ? FromVariables(configuration, failures) : null;
    }

    /// <summary>The connection the options name; throws the startup error when they name a bad one.</summary>
    public static HatchetEngineConnection? Resolve(HatchetInstrumentationOptions options, IConfiguration? configuration)
    {
        var failures = new List<string>();
        var connection = Read(options, configuration, failures);
        return failures.Count == 0 ? connection : throw new OptionsValidationException(Options.DefaultName, typeof(HatchetInstrumentationOptions), failures);
    }

    private static HatchetEngineConnection? FromCode(Uri address, string? token, List<string> failures)
    {
        var failed = failures.Count;
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttps && address.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"HatchetEngineAddress='{address}' is not the engine's gRPC address: use https://host:port, or http://host:port for an engine without TLS.");
        }

        if (string.IsNullOrWhiteSpace(token))
        {
            failures.Add($"HatchetEngineToken='{token}' is empty, but HatchetEngineAddress='{address}' asks for spans to be sent to the engine: use the worker's HATCHET_CLIENT_TOKEN.");
        }

        if (failures.Count > failed)
        {
            return null;
        }

        var tls = address.Scheme == Uri.UriSchemeHttps ? HatchetEngineTls.System(address.Host) : HatchetEngineTls.Clear(address.Host);
        return new HatchetEngineConnection(address, token!, tls);
    }

    private static HatchetEngineConnection? FromVariables(IConfiguration? configuration, List<string> failures)
    {
        // config.py lines 190-197: a token is required, whatever else is set; the TypeScript SDK's ConfigLoader too.
        var token = HatchetEnvironmentVariables.Read(configuration, HatchetEnvironmentVariables.Token);
        if (string.IsNullOrEmpty(token))
        {
            failures.Add($"{HatchetEnvironmentVariables.Token}='{token}' is empty, but EnableHatchetCollector asks for spans to be sent to the engine the Hatchet client connects to: use the worker's API token, created in the Hatchet dashboard.");
            return null;
        }

        if (HatchetTokenClaims.Read(token, failures) is not { } claims)
        {
            return null;
        }

        // config.py lines 205-213: HATCHET_CLIENT_HOST_PORT, when set, overrides the token's grpc_broadcast_address.
        var set = HatchetEnvironmentVariables.Read(configuration, HostPort);
        var hostPort = string.IsNullOrEmpty(set) ? claims.GrpcBroadcastAddress : set;
        if (!Uri.TryCreate($"tcp://{hostPort}", UriKind.Absolute, out var parsed) || parsed.IsDefaultPort || parsed.AbsolutePath != "/"
            || parsed.UserInfo.Length > 0 || hostPort.Contains('?', StringComparison.Ordinal) || hostPort.Contains('#', StringComparison.Ordinal))
        {
            failures.Add(string.IsNullOrEmpty(set)
                ? $"{HatchetEnvironmentVariables.Token}='{HatchetTokenClaims.Shown(token)}' is a token whose grpc_broadcast_address claim '{hostPort}' is not a host:port: use {HostPort} to name the engine's gRPC address, such as localhost:7070."
                : $"{HostPort}='{set}' is not a host:port: use the engine's gRPC address, such as localhost:7070.");
            return null;
        }

        if (HatchetEngineTls.Read(configuration, parsed.DnsSafeHost, failures) is not { } tls)
        {
            return null;
        }

        // Python gives the exporter host_port and insecure=(strategy == "none") (instrumentor.py lines 359-370).
        var address = new Uri(string.Create(CultureInfo.InvariantCulture, $"{(tls.Encrypted ? Uri.UriSchemeHttps : Uri.UriSchemeHttp)}://{parsed.Authority}"));
        return new HatchetEngineConnection(address, token, tls);
    }
}
