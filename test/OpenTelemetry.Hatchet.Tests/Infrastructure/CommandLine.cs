using System.Diagnostics;

namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>Runs a program to its end, as an operator runs it from a shell, and keeps what it printed.</summary>
internal static class CommandLine
{
    public static async Task<Result> RunAsync(string program, IEnumerable<string> arguments, string? input = null)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var cancellation = TestContext.Current.CancellationToken;

        // Read both streams while writing, so that a program filling one pipe cannot stall the other.
        var output = process.StandardOutput.ReadToEndAsync(cancellation);
        var error = process.StandardError.ReadToEndAsync(cancellation);
        await process.StandardInput.WriteAsync(input ?? string.Empty);
        process.StandardInput.Close();
        await process.WaitForExitAsync(cancellation);

        return new Result(process.ExitCode, await output + await error);
    }

    internal sealed record Result(int ExitCode, string Output);
}
