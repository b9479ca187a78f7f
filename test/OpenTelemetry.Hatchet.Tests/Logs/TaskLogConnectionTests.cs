// The task here logs as application code commonly does, through ILogger's extension methods.
#pragma warning disable CA1848, CA1873

using Microsoft.Extensions.Logging;
using OpenTelemetry.Hatchet.Tests.Example;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Logs;

/// <summary>
/// A task's logs go to the engine the spans go to: with <c>EnableHatchetCollector</c>, the one the Hatchet client's
/// variables name (config.py and connection.py at upstream 89d130f), over its TLS, with its token.
/// </summary>
public sealed class TaskLogConnectionTests
{
    [Fact]
    public async Task Task_logs_reach_the_engine_the_client_variables_name_over_TLS_with_the_root_CA_file_and_the_token()
    {
        using var certificates = new TestCertificates();
        var engine = await LogEngine.StartAsync(certificates);
        var token = HatchetTestTokens.For($"127.0.0.1:{engine.Address.Port}");
        await using var worker = await LoggedWorker.StartAsync(engine: engine, settings: new()
        {
            ["Hatchet:Instrumentation:EnableHatchetCollector"] = "true",
            ["HATCHET_CLIENT_TOKEN"] = token,
            ["HATCHET_CLIENT_TLS_ROOT_CA_FILE"] = certificates.RootCaFile,
            ["HATCHET_CLIENT_TLS_SERVER_NAME"] = TestCertificates.ServerName,
        });
        var run = await worker.AssignRunAsync();

        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
        {
            worker.Logger.LogInformation("charged {Amount}", 3);
        }

        await Eventually.Until(() => worker.AcceptedFor(run).Any(), "the line to reach the engine over TLS");
        worker.AcceptedFor(run).Single().Message.Should().Be("charged 3");
        worker.Engine.Received.Select(call => call.Authorization).Should().AllBe($"Bearer {token}");
    }
}
