namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// Where a request that triggers or schedules one run keeps what a span's attributes are read from: field numbers
/// of the engine's contract, 0 where the request has no such field.
/// </summary>
internal sealed record TriggerFields(
    int Name,
    int Input,
    int AdditionalMetadata,
    int Priority,
    int ParentId = 0,
    int ParentTaskRunExternalId = 0,
    int ChildIndex = 0,
    int ChildKey = 0,
    int DesiredWorkerId = 0,
    int Schedules = 0)
{
    /// <summary><c>v1.TriggerWorkflowRequest</c> (<c>api-contracts/v1/shared/trigger.proto</c>), also each item of a bulk trigger.</summary>
    public static readonly TriggerFields TriggerWorkflow = new(
        Name: 1, Input: 2, AdditionalMetadata: 7, Priority: 9, ParentId: 3, ParentTaskRunExternalId: 4, ChildIndex: 5, ChildKey: 6, DesiredWorkerId: 8);

    /// <summary><c>ScheduleWorkflowRequest</c> (<c>api-contracts/workflows/workflows.proto</c>).</summary>
    public static readonly TriggerFields ScheduleWorkflow = new(
        Name: 1, Input: 3, AdditionalMetadata: 8, Priority: 9, ParentId: 4, ParentTaskRunExternalId: 5, ChildIndex: 6, ChildKey: 7, Schedules: 2);

    /// <summary><c>v1.TriggerWorkflowRunRequest</c> (<c>api-contracts/v1/workflows.proto</c>): input and metadata are bytes.</summary>
    public static readonly TriggerFields TriggerWorkflowRun = new(Name: 1, Input: 2, AdditionalMetadata: 3, Priority: 4);
}
