using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>
/// Serves a test's stand-in for the engine as the engine serves its services: gRPC over cleartext HTTP/2 on a
/// loopback port, with the stand-in itself given to its services as a singleton and the server's own logs off.
/// </summary>
internal static class LoopbackGrpcServer
{
    /// <summary>
    /// Starts the server; <paramref name="map"/> maps the stand-in's services, <paramref name="services"/> adds what
    /// they need, <paramref name="listen"/> sets up the port further (TLS, for an engine behind it).
    /// </summary>
    public static async Task<WebApplication> StartAsync<TStandIn>(int port, TStandIn standIn, Action<WebApplication> map, Action<IServiceCollection>? services = null, Action<ListenOptions>? listen = null)
        where TStandIn : class
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, options =>
        {
            options.Protocols = HttpProtocols.Http2;
            listen?.Invoke(options);
        }));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(standIn);
        services?.Invoke(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }
}
