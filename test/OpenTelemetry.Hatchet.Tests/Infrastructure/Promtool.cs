namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>Prometheus's own checker, <c>promtool</c>, run as an operator runs it.</summary>
internal static class Promtool
{
    /// <summary>promtool's exit code when it parsed its input and found lint problems (1 means it could not parse it).</summary>
    public const int LintProblems = 3;

    public static Task<CommandLine.Result> RunAsync(IEnumerable<string> arguments, string? input = null)
        => CommandLine.RunAsync(ExternalTool.Require("promtool"), arguments, input);
}
