using System.Runtime.InteropServices;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.NativeAot;

/// <summary>
/// The example worker published with Native AOT, once per test run, as a user would: <c>PublishAot=true</c>
/// on the command line, not in the project, so the other tests keep running the JIT build.
/// </summary>
/// <remarks>
/// Published into a folder of its own with its own artifacts, so it shares no <c>obj</c> with the build of
/// the solution. The repository's warnings-as-errors applies to the AOT compiler too; the output is kept
/// so a test can also show that no trim or AOT warning was written.
/// </remarks>
internal static class NativeExample
{
    private static readonly Lazy<Task<Published>> Publishing = new(PublishAsync);

    /// <summary>Publishes on first use (skipped without clang outside CI) and returns the native executable.</summary>
    public static Task<Published> GetAsync()
    {
        ExternalTool.Require("clang", "clang zlib1g-dev");
        return Publishing.Value;
    }

    private static async Task<Published> PublishAsync()
    {
        var folder = Directory.CreateTempSubdirectory("hatchet-aot-").FullName;
        var output = Path.Combine(folder, "out");
        var project = Path.Combine(Repository.Root, "examples", "WorkerService", "WorkerService.csproj");
        var result = await CommandLine.RunAsync("dotnet", [
            "publish", project, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier,
            "-p:PublishAot=true", "-o", output, "--artifacts-path", Path.Combine(folder, "artifacts")]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"The native publish failed:\n{result.Output}");
        }

        // A publish that was cut short (a killed compiler) can end without its executable: say so with its output.
        var executable = Path.Combine(output, "WorkerService");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"The native publish wrote no executable at {executable}:\n{result.Output}");
        }

        return new Published(executable, result.Output);
    }

    internal sealed record Published(string Executable, string PublishOutput);
}
