using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Hatchet.Status;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.HealthChecks;

public sealed class TaggedHealthCheckTests
{
    private const string Tag = "hatchet";

    [Fact]
    public async Task Failing_tagged_check_makes_the_worker_answer_503_unhealthy()
    {
        await using var worker = await StartWith(checks => checks.AddCheck("database", () => HealthCheckResult.Unhealthy("connection refused"), tags: [Tag]));

        var reply = await Eventually.Until(() => worker.Client.GetAsync("/health"), reply => reply.Body.Contains("UNHEALTHY", StringComparison.Ordinal), "the failing check to count");

        reply.Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        reply.Body.Should().Be("""{"status":"UNHEALTHY"}""");
        worker.Logs.Lines.Should().Contain(line => line.Message.EndsWith("health check 'database' is unhealthy: connection refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Failing_check_without_the_tag_does_not_count()
    {
        await using var worker = await StartWith(checks => checks
            .AddCheck("cache", () => HealthCheckResult.Unhealthy("down"), tags: ["other"])
            .AddCheck("database", () => HealthCheckResult.Healthy(), tags: [Tag]));

        // Until the first run ends the worker is starting, so healthy means the run has counted only the tagged check.
        await Eventually.Until(() => worker.Health.Status == HatchetWorkerStatus.Healthy, "the tagged checks to run");

        worker.Health.Evaluate().Reason.Should().Be("the health checks tagged 'hatchet' are healthy");
    }

    [Fact]
    public async Task First_run_is_made_at_start_not_one_interval_later()
    {
        await using var worker = await StartWith(checks => checks.AddCheck("database", () => HealthCheckResult.Healthy(), tags: [Tag]), interval: TimeSpan.FromHours(1));

        await Eventually.Until(() => worker.Health.Status == HatchetWorkerStatus.Healthy, "the first run of the tagged checks");

        worker.Health.Evaluate().Reason.Should().Be("the health checks tagged 'hatchet' are healthy");
    }

    [Fact]
    public async Task Degraded_tagged_check_leaves_the_worker_healthy()
    {
        var runs = 0;
        await using var worker = await StartWith(checks => checks.AddCheck("queue", () =>
        {
            Interlocked.Increment(ref runs);
            return HealthCheckResult.Degraded("slow");
        }, tags: [Tag]));

        // A second run begins only after the first one's result has been reported.
        await Eventually.Until(() => Volatile.Read(ref runs) >= 2, "the tagged checks to have run");

        worker.Health.Evaluate().Should().Be(new StatusReport(HatchetWorkerStatus.Healthy, "the health checks tagged 'hatchet' are healthy"));
    }

    [Fact]
    public async Task Worker_recovers_when_the_tagged_check_does()
    {
        var failing = true;
        await using var worker = await StartWith(checks => checks.AddCheck("database", () => Volatile.Read(ref failing) ? HealthCheckResult.Unhealthy("down") : HealthCheckResult.Healthy(), tags: [Tag]));
        await Eventually.Until(() => worker.Health.Status == HatchetWorkerStatus.Unhealthy, "the failing check to count");

        Volatile.Write(ref failing, false);

        await Eventually.Until(() => worker.Health.Status == HatchetWorkerStatus.Healthy, "the recovered check to count");
    }

    [Fact]
    public async Task Probe_does_not_wait_for_a_check_that_never_finishes()
    {
        await using var worker = await StartWith(HangingCheck);

        var whileRunning = await worker.Client.GetAsync("/health");

        whileRunning.Body.Should().Be("""{"status":"STARTING"}""", "the first run has not finished, and the probe reads instead of waiting");
    }

    [Fact]
    public async Task Worker_is_starting_the_moment_the_host_has_started_while_the_first_run_is_pending()
    {
        // The first run is on the thread pool; a report made there used to land after the host said HEALTHY
        // in most starts, so one start is not enough to see the order is certain.
        for (var start = 1; start <= 20; start++)
        {
            await using var worker = await StartWith(HangingCheck, healthcheckPort: false);

            worker.Health.Evaluate().Should().Be(
                new StatusReport(HatchetWorkerStatus.Starting, "the tagged health checks have not run yet"),
                "start {0} has returned, and no check has finished yet",
                start);
        }
    }

    [Fact]
    public async Task Check_that_outlasts_its_timeout_makes_the_worker_unhealthy()
    {
        await using var worker = await StartWith(HangingCheck, timeout: TimeSpan.FromMilliseconds(300));

        await Eventually.Until(() => worker.Health.Status == HatchetWorkerStatus.Unhealthy, "the timeout to count");

        worker.Health.Evaluate().Reason.Should().Be("the health checks tagged 'hatchet' did not finish within 0.3 s");
    }

    [Fact]
    public async Task Tag_without_any_registered_health_checks_says_how_to_register_them()
    {
        await using var worker = await WorkerHost.StartAsync(configure: options => options.HealthChecksTag = Tag);

        await Eventually.Until(() => worker.Health.Status == HatchetWorkerStatus.Unhealthy, "the missing registration to count");

        worker.Health.Evaluate().Reason.Should().Contain("services.AddHealthChecks()");
    }

    [Fact]
    public async Task Worker_check_carrying_the_tag_does_not_count_toward_itself()
    {
        await using var worker = await StartWith(checks => checks
            .AddHatchetWorker(tags: [Tag])
            .AddCheck("database", () => HealthCheckResult.Healthy(), tags: [Tag]));
        worker.Health.ReportListenerConnecting();

        worker.Health.ReportListenerConnected();

        await Eventually.Until(() => worker.Health.Status == HatchetWorkerStatus.Healthy, "the worker to be healthy");
        worker.Health.Evaluate().Reason.Should().NotContain("hatchet_worker");
    }

    private static void HangingCheck(IHealthChecksBuilder checks) => checks.AddAsyncCheck("hung", async token =>
    {
        await Task.Delay(Timeout.Infinite, token);
        return HealthCheckResult.Healthy();
    }, tags: [Tag]);

    private static Task<WorkerHost> StartWith(Action<IHealthChecksBuilder> register, TimeSpan? timeout = null, bool healthcheckPort = true, TimeSpan? interval = null)
        => WorkerHost.StartAsync(
            settings: healthcheckPort ? null : new Dictionary<string, string?> { [HatchetVariables.Enabled] = "false" },
            configure: options =>
            {
                options.HealthChecksTag = Tag;
                options.HealthChecksInterval = interval ?? TimeSpan.FromMilliseconds(100);
                options.HealthChecksTimeout = timeout ?? TimeSpan.FromSeconds(5);
            },
            services: services => register(services.AddHealthChecks()));
}
