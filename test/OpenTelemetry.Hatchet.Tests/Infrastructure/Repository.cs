using System.Reflection;

namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>Where the repository and this build's outputs are, as recorded when the tests were built.</summary>
internal static class Repository
{
    public static string Root { get; } = Metadata("RepositoryRoot");

    public static string Configuration { get; } = Metadata("Configuration");

    public static string ExampleWorkerDll { get; } =
        Path.Combine(Root, "examples", "WorkerService", "bin", Configuration, "net10.0", "WorkerService.dll");

    private static string Metadata(string key)
        => typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(attribute => attribute.Key == key).Value!;
}
