using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Trace;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>The Python SDK's <c>HATCHET_CLIENT_OPENTELEMETRY_*</c> variables, read as it reads them, and refused at startup when they do not parse.</summary>
public sealed class TracingVariablesTests
{
    [Theory]
    [InlineData("HATCHET_CLIENT_OPENTELEMETRY_EXCLUDED_ATTRIBUTES", "payload")]
    [InlineData("HATCHET_CLIENT_OPENTELEMETRY_EXCLUDED_ATTRIBUTES", """{"payload":true}""")]
    [InlineData("HATCHET_CLIENT_OPENTELEMETRY_EXCLUDED_ATTRIBUTES", "[1]")]
    [InlineData("HATCHET_CLIENT_OPENTELEMETRY_INCLUDE_TASK_NAME_IN_START_STEP_RUN_SPAN_NAME", "maybe")]
    [InlineData("HATCHET_CLIENT_OPENTELEMETRY_INDIVIDUAL_RUN_SPANS_FOR_BULK_RUN", " true ")]
    public async Task Value_that_does_not_parse_stops_startup_naming_the_variable_and_the_value(string variable, string value)
    {
        var start = () => WorkerHost.StartAsync(
            settings: new Dictionary<string, string?> { [variable] = value },
            services: services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddHatchetInstrumentation()));

        var refused = await start.Should().ThrowAsync<OptionsValidationException>();
        refused.Which.Message.Should().Contain($"{variable}='{value}'");
    }

    [Fact]
    public async Task Variables_set_the_options_and_code_wins_over_them()
    {
        await using var host = await WorkerHost.StartAsync(
            settings: new Dictionary<string, string?>
            {
                ["HATCHET_CLIENT_OPENTELEMETRY_EXCLUDED_ATTRIBUTES"] = """["payload","additional_metadata"]""",
                ["HATCHET_CLIENT_OPENTELEMETRY_INCLUDE_TASK_NAME_IN_START_STEP_RUN_SPAN_NAME"] = "yes",
                ["HATCHET_CLIENT_OPENTELEMETRY_INDIVIDUAL_RUN_SPANS_FOR_BULK_RUN"] = "1",
            },
            services: services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddHatchetInstrumentation(options => options.IncludeTaskNameInStartStepRunSpanName = false)));

        var options = host.Host.Services.GetRequiredService<IOptions<HatchetInstrumentationOptions>>().Value;

        options.ExcludedAttributes.Should().BeEquivalentTo(["payload", "additional_metadata"]);
        options.IndividualRunSpansForBulkRun.Should().BeTrue();
        options.IncludeTaskNameInStartStepRunSpanName.Should().BeFalse("code runs after the variables");
    }
}
