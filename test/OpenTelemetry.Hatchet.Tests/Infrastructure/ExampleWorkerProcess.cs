using System.Collections.Concurrent;
using System.Diagnostics;

namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>The example worker run as its own process, with its own environment, as a user runs it.</summary>
internal sealed class ExampleWorkerProcess : IDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private ExampleWorkerProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, line) => this.Collect(line.Data);
        process.ErrorDataReceived += (_, line) => this.Collect(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output => string.Join('\n', this.output);

    public int Id => this.process.Id;

    public bool HasExited => this.process.HasExited;

    public int ExitCode => this.process.ExitCode;

    /// <summary>Starts the example built for the JIT, or, given <paramref name="nativeExecutable"/>, that native build of it.</summary>
    public static ExampleWorkerProcess Start(IDictionary<string, string?> environment, string? nativeExecutable = null)
    {
        // A shell starts background jobs with SIGINT ignored, and an ignored signal stays ignored across
        // exec; env puts it back to default so that Ctrl-C (SIGINT) reaches the worker wherever tests run.
        string[] command = nativeExecutable is null ? ["dotnet", Repository.ExampleWorkerDll] : [nativeExecutable];
        var start = new ProcessStartInfo("env", ["--default-signal=INT", .. command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(nativeExecutable ?? Repository.ExampleWorkerDll)!,
        };

        // Start from a clean slate: the machine's own Hatchet and OpenTelemetry variables must not leak into the test.
        foreach (var name in start.Environment.Keys.Where(name => name.StartsWith("HATCHET_", StringComparison.Ordinal) || name.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return new ExampleWorkerProcess(Process.Start(start)!);
    }

    /// <summary>The environment that turns the example's healthcheck on, on the port.</summary>
    public static Dictionary<string, string?> HealthcheckOn(int port) => new()
    {
        [HatchetVariables.Enabled] = "True",
        [HatchetVariables.Port] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Sends a signal by name: TERM as Kubernetes and <c>docker stop</c> do, INT as Ctrl-C does.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", this.process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public Task<bool> WaitForExitAsync(TimeSpan timeout)
        => this.process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(timeout).ContinueWith(task => task.IsCompletedSuccessfully, TaskScheduler.Default);

    public Task WaitForOutputAsync(string text)
        => Eventually.Until(() => this.Output.Contains(text, StringComparison.Ordinal) || this.process.HasExited, $"'{text}' in the example's output");

    /// <summary>Waits until <c>/health</c> on the port answers 200; the output is in the error if it never does.</summary>
    public async Task<HealthcheckClient.Reply> WaitUntilHealthyAsync(int port)
    {
        var client = new HealthcheckClient(port, "localhost");
        try
        {
            return (await Eventually.Until(() => TryGetAsync(client, "/health"), reply => reply?.Status == System.Net.HttpStatusCode.OK, "the example's /health to answer 200"))!;
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message}\nThe example's output:\n{this.Output}", timeout);
        }
    }

    public void Dispose()
    {
        if (!this.process.HasExited)
        {
            this.process.Kill(entireProcessTree: true);
            this.process.WaitForExit();
        }

        this.process.Dispose();
    }

    private static async Task<HealthcheckClient.Reply?> TryGetAsync(HealthcheckClient client, string path)
    {
        try
        {
            return await client.GetAsync(path);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            this.output.Enqueue(line);
        }
    }
}
