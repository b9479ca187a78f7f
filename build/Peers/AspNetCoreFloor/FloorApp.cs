using System.Net;

namespace AspNetCoreFloor;

/// <summary>
/// The floor: the least an ASP.NET Core app can do to answer <c>/health</c> and <c>/metrics</c> (Kestrel,
/// minimal API, no logging), with the healthcheck's <c>/health</c> answer and a small fixed <c>/metrics</c> text.
/// </summary>
public static class FloorApp
{
    private static readonly byte[] HealthBody = "{\"status\":\"HEALTHY\"}"u8.ToArray();

    private static readonly byte[] MetricsBody =
        "# HELP hatchet_worker_status Current status of the Hatchet worker\n# TYPE hatchet_worker_status gauge\nhatchet_worker_status 1\n"u8.ToArray();

    /// <summary>Builds the app on every IPv4 interface, as the healthcheck listens by default.</summary>
    public static WebApplication Create(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Any, port));

        var app = builder.Build();
        app.MapGet("/health", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return Results.Bytes(HealthBody, "application/json");
        });
        app.MapGet("/metrics", () => Results.Bytes(MetricsBody, "text/plain; version=0.0.4; charset=utf-8"));
        return app;
    }
}
