using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Trace;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>The Python SDK's <c>HATCHET_CLIENT_OPENTELEMETRY_*</c> variables, read as it reads them, and refused at startup when they do not parse.</summary>
public sealed class TracingVariablesTests
{
    /// <summary>The values of <c>OTelAttribute</c>, <c>sdks/python/hatchet_sdk/utils/opentelemetry.py</c> at upstream 89d130f.</summary>
    private static readonly string[] PythonAttributeNames =
    [
        "namespace", "additional_metadata", "workflow_name", "priority", "payload", "action_name", "step_name", "child_workflow_index",
        "child_workflow_key", "parent_workflow_run_id", "retry_count", "step_id", "step_run_id", "tenant_id", "worker_id", "workflow_id",
        "workflow_run_id", "workflow_version_id", "triggering_event_external_id", "triggering_event_key", "event_key", "scope", "parent_id",
        "parent_step_run_id", "child_index", "child_key", "desired_worker_id", "sticky", "key", "run_at_timestamps", "signal_key",
        "num_conditions", "memo_fn_name",
    ];

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
    public async Task Excluded_attribute_the_python_sdk_does_not_know_stops_startup_naming_it()
    {
        const string Value = """["payload","paylod","hatchet.tenant_id"]""";
        var start = () => WorkerHost.StartAsync(
            settings: new Dictionary<string, string?> { ["HATCHET_CLIENT_OPENTELEMETRY_EXCLUDED_ATTRIBUTES"] = Value },
            services: services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddHatchetInstrumentation()));

        // pydantic refuses a value that is not an OTelAttribute (config.py line 84 at upstream 89d130f).
        var refused = await start.Should().ThrowAsync<OptionsValidationException>();
        refused.Which.Message.Should().Contain($"HATCHET_CLIENT_OPENTELEMETRY_EXCLUDED_ATTRIBUTES='{Value}' names 'paylod', 'hatchet.tenant_id', which are not attributes");
    }

    [Fact]
    public async Task Instrumentation_section_value_of_the_wrong_type_stops_startup_naming_the_key_and_the_value()
    {
        var start = () => WorkerHost.StartAsync(
            settings: new Dictionary<string, string?> { ["Hatchet:Instrumentation:EnableHatchetCollector"] = "maybe" },
            services: services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddHatchetInstrumentation()));

        // The configuration binder's own message, which names both.
        var refused = await start.Should().ThrowAsync<OptionsValidationException>();
        refused.Which.Message.Should().Contain("'maybe'").And.Contain("'Hatchet:Instrumentation:EnableHatchetCollector'");
    }

    [Fact]
    public async Task Excluded_attribute_set_in_code_that_the_python_sdk_does_not_know_stops_startup_naming_it()
    {
        var start = () => WorkerHost.StartAsync(
            services: services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddHatchetInstrumentation(options => options.ExcludedAttributes.Add("instrumentor"))));

        var refused = await start.Should().ThrowAsync<OptionsValidationException>();
        refused.Which.Message.Should().Contain($"ExcludedAttributes names 'instrumentor', which is not an attribute the Python SDK knows (OTelAttribute): use any of {string.Join(", ", PythonAttributeNames.Order(StringComparer.Ordinal))}");
    }

    [Fact]
    public async Task Every_attribute_name_the_python_sdk_knows_is_accepted()
    {
        var names = PythonAttributeNames;
        await using var host = await WorkerHost.StartAsync(
            settings: new Dictionary<string, string?> { ["HATCHET_CLIENT_OPENTELEMETRY_EXCLUDED_ATTRIBUTES"] = $"[{string.Join(",", names.Select(name => $"\"{name}\""))}]" },
            services: services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddHatchetInstrumentation()));

        host.Host.Services.GetRequiredService<IOptions<HatchetInstrumentationOptions>>().Value.ExcludedAttributes.Should().BeEquivalentTo(names);
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
