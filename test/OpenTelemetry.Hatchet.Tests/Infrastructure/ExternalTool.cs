namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>
/// A program a test needs from the machine, such as <c>prometheus</c> or <c>promtool</c>. On a developer's
/// machine without it the test is skipped and says why; under CI (the <c>CI</c> variable set, as .ci/run
/// does) a missing program fails the test, so a CI run cannot pass by skipping what it is meant to check.
/// </summary>
internal static class ExternalTool
{
    /// <summary>The program's full path, or a skip (a failure under CI) naming what to install.</summary>
    public static string Require(string program, string debianPackages = "prometheus")
    {
        var path = Find(program);
        if (path is not null)
        {
            return path;
        }

        var reason = $"'{program}' is not on PATH; install it (Debian: apt-get install {debianPackages}) to run this test.";
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            throw new InvalidOperationException($"{reason} CI is set, so the test does not skip.");
        }

        Assert.Skip(reason);
        return string.Empty;
    }

    private static string? Find(string program)
        => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
}
