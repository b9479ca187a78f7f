using System.Reflection;
using System.Runtime.InteropServices;

namespace WorkerService;

/// <summary>What the worker tells the engine about itself when it registers (<c>RuntimeInfo</c>).</summary>
/// <remarks>
/// The SDKs fill the same fields (<c>sdks/python/hatchet_sdk/clients/dispatcher/dispatcher.py</c> lines 94-99
/// at upstream 89d130f: sdk version, language, language version, OS in lower case). The <c>SDKS</c> enum has no
/// .NET value, and the engine refuses any <c>language</c> it does not map (<c>pkg/repository/worker.go</c> lines
/// 581-605: GO, PYTHON, TYPESCRIPT and RUBY, else "invalid sdk", UNKNOWN included), so <c>language</c> is left
/// unset (the engine stores none) and the language goes into <c>extra</c>, which it stores as given (lines 613-615).
/// </remarks>
internal static class WorkerRuntime
{
    public static RuntimeInfo Describe() => new()
    {
        // The package that does the Hatchet side of this worker: its version, as its assembly reports it.
        SdkVersion = typeof(OpenTelemetry.Hatchet.HatchetWorkerHealth).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
        LanguageVersion = Environment.Version.ToString(),
        Os = OperatingSystemName(),
        Extra = $"language=csharp; runtime={RuntimeInformation.FrameworkDescription}; arch={RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}; worker=OpenTelemetry.Hatchet example",
    };

    // Python's platform.system().lower(): linux, darwin, windows.
    private static string OperatingSystemName()
        => OperatingSystem.IsLinux() ? "linux"
            : OperatingSystem.IsMacOS() ? "darwin"
            : OperatingSystem.IsWindows() ? "windows"
            : RuntimeInformation.OSDescription.ToLowerInvariant();
}
