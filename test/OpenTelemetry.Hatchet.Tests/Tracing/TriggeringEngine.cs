using Grpc.Core;
using OpenTelemetry.Hatchet.Tests.DispatcherInterception;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// The engine's workflow service beside the engine-like <see cref="TestDispatcher"/>: a run triggered here is
/// handed to a listening worker as the engine hands it, its <c>additional_metadata</c> carried through. Each behaviour
/// names the upstream line (<c>hatchet-dev/hatchet</c> at 89d130f) it follows.
/// </summary>
internal sealed class TriggeringEngine(TestDispatcher dispatcher) : WorkflowService.WorkflowServiceBase
{
    public const string Tenant = "707d0855-80ab-4e1f-a156-f1c4546cbf52";

    public override Task<TriggerWorkflowResponse> TriggerWorkflow(V1.TriggerWorkflowRequest request, ServerCallContext context)
    {
        // internal/services/admin/server_v1.go lines 69-71, with pkg/repository/jsonb.go lines 10-24: metadata that is
        // not JSON is refused.
        if (request.HasAdditionalMetadata && request.AdditionalMetadata.Length > 0 && !IsJson(request.AdditionalMetadata))
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.InvalidArgument, "Invalid request: invalid json in field `additionalMetadata`"));
        }

        // internal/services/dispatcher/subscribed_worker_v1.go lines 240-263 (populateAssignedAction): the task's
        // fields, its additional metadata as stored. The action id is the workflow's task's; this stand-in keeps no
        // workflow definitions, so it names one.
        var workflowRunId = Guid.NewGuid().ToString();
        var run = new AssignedAction
        {
            TenantId = Tenant,
            WorkflowRunId = workflowRunId,
            JobName = "step",
            TaskId = Guid.NewGuid().ToString(),
            TaskRunExternalId = Guid.NewGuid().ToString(),
            ActionId = $"{request.Name}:step",
            TaskName = "step",
            ActionType = ActionType.StartStepRun,
            ActionPayload = request.Input,
            WorkflowId = Guid.NewGuid().ToString(),
            WorkflowVersionId = Guid.NewGuid().ToString(),
        };
        if (request.HasAdditionalMetadata)
        {
            run.AdditionalMetadata = request.AdditionalMetadata;
        }

        dispatcher.Assign(run);
        return Task.FromResult(new TriggerWorkflowResponse { WorkflowRunId = workflowRunId });
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = System.Text.Json.JsonDocument.Parse(text);
            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
