namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>The names the Python SDK's instrumentor gives the spans of calls made by a client, and a durable task's waits.</summary>
internal static class SpanNames
{
    /// <summary>A run triggered (instrumentor.py line 915), and each run of a bulk trigger when it has its own span (line 846).</summary>
    public const string RunWorkflow = "hatchet.run_workflow";

    /// <summary>A bulk trigger (line 1092).</summary>
    public const string RunWorkflows = "hatchet.run_workflows";

    /// <summary>A run scheduled (line 1049).</summary>
    public const string ScheduleWorkflow = "hatchet.schedule_workflow";

    /// <summary>An event pushed (line 592).</summary>
    public const string PushEvent = "hatchet.push_event";

    /// <summary>Events pushed in one call (line 640).</summary>
    public const string BulkPushEvent = "hatchet.bulk_push_event";

    /// <summary>A durable task's wait for a sleep or an event (line 1164).</summary>
    public const string DurableWaitFor = "hatchet.durable.wait_for";
}
