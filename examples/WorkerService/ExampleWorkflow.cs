using System.Text.Json;
using System.Text.Json.Serialization;
using V1;

namespace WorkerService;

/// <summary>
/// The example's one workflow, <c>example</c>, with one task, <c>step</c>: registered with the engine so that a
/// run can be triggered from the Hatchet dashboard or CLI, and run by this worker as the action <c>example:step</c>.
/// </summary>
internal static partial class ExampleWorkflow
{
    public const string Name = "example";
    public const string TaskName = "step";

    /// <summary>The action the worker registers and the engine assigns (runnables/workflow.py lines 182-187: service name, ':', task name; the service name is the workflow's name in lower case).</summary>
    public const string Action = $"{Name}:{TaskName}";

    /// <summary>
    /// The workflow as the Python SDK declares a one-task workflow with its defaults (<c>runnables/workflow.py</c>
    /// lines 192-276 and <c>runnables/task.py</c> lines 485-511 at upstream 89d130f): no triggers, the task a root
    /// task with no retries, a 60 s execution timeout and a 5 min schedule timeout (<c>hatchet.py</c> lines
    /// 410-411, written as <c>timedelta_to_expr</c> writes them), one default slot, empty conditions.
    /// </summary>
    public static CreateWorkflowVersionRequest Definition() => new()
    {
        Name = Name,
        Description = "The OpenTelemetry.Hatchet example worker's workflow: one task that answers its input.",
        Tasks =
        {
            new CreateTaskOpts
            {
                ReadableId = TaskName,
                Action = Action,
                Timeout = "1m",
                Inputs = "{}",
                Retries = 0,
                ScheduleTimeout = "5m",
                SlotRequests = { ["default"] = 1 },
                Conditions = new TaskConditions(),
            },
        },
    };

    /// <summary>
    /// The task itself: it logs a line, as a real task does (the worker sends it to the engine, which shows it beside
    /// the run), then fails when its input asks it to (a string field <c>fail</c>: an exception with that text as its
    /// message), else answers with the size of its input and when it ran, as the run's output (a JSON object).
    /// </summary>
    /// <param name="actionPayload">The run's <c>action_payload</c>, as the engine assigned it.</param>
    /// <param name="logger">The task's logger.</param>
    public static string Run(string actionPayload, ILogger logger)
    {
        var fail = FailRequested(actionPayload, logger);
        LogRunning(logger, actionPayload.Length);
        if (fail is not null)
        {
            throw new InvalidOperationException(fail);
        }

        return JsonSerializer.Serialize(new StepOutput(Message: "done by the .NET example worker", InputBytes: actionPayload.Length, RanAt: DateTimeOffset.UtcNow), StepJsonContext.Default.StepOutput);
    }

    // The run's input is the payload's "input" object (the engine's TaskInput, pkg/repository/input.go lines 11-12,
    // which the Python SDK reads as ActionPayload.input, runnables/action.py line 21). A payload that is not JSON is
    // logged and taken as no input, as action_listener.py lines 219-229 take it.
    private static string? FailRequested(string actionPayload, ILogger logger)
    {
        if (actionPayload.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(actionPayload);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("input", out var input) && input.ValueKind == JsonValueKind.Object
                && input.TryGetProperty("fail", out var fail) && fail.ValueKind == JsonValueKind.String
                ? fail.GetString()
                : null;
        }
        catch (JsonException exception)
        {
            LogUnreadableInput(logger, exception);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Answering an input of {InputBytes} bytes")]
    private static partial void LogRunning(ILogger logger, int inputBytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The run's payload is not JSON: running with no input")]
    private static partial void LogUnreadableInput(ILogger logger, Exception exception);

    internal sealed record StepOutput(
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("input_bytes")] int InputBytes,
        [property: JsonPropertyName("ran_at")] DateTimeOffset RanAt);
}

/// <summary>Source-generated, so the task's output stays trim- and Native-AOT-safe.</summary>
[JsonSerializable(typeof(ExampleWorkflow.StepOutput))]
internal sealed partial class StepJsonContext : JsonSerializerContext;
