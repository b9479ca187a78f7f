using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace OpenTelemetry.Hatchet.Tests.Example;

/// <summary>Stands in for the engine's v1 <c>AdminService</c>: it records the workflows a worker registers.</summary>
internal sealed class TestAdminService(TestAdminService.Workflows workflows) : V1.AdminService.AdminServiceBase
{
    /// <summary>Adds the stand-in to a test dispatcher: <c>TestDispatcher.StartAsync(TestAdminService.Services(w), TestAdminService.Map)</c>.</summary>
    public static Action<IServiceCollection> Services(Workflows workflows) => services => services.AddSingleton(workflows);

    public static void Map(WebApplication app) => app.MapGrpcService<TestAdminService>();

    public override Task<V1.CreateWorkflowVersionResponse> PutWorkflow(V1.CreateWorkflowVersionRequest request, ServerCallContext context)
    {
        workflows.Put.Enqueue(request);
        workflows.Authorizations.Enqueue(context.RequestHeaders.GetValue("authorization"));
        return Task.FromResult(new V1.CreateWorkflowVersionResponse { Id = "version-1", WorkflowId = "workflow-1" });
    }

    /// <summary>What the stand-in has been sent.</summary>
    internal sealed class Workflows
    {
        public ConcurrentQueue<V1.CreateWorkflowVersionRequest> Put { get; } = new();

        public ConcurrentQueue<string?> Authorizations { get; } = new();
    }
}
