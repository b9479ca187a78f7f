using Grpc.Core;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>How a failed dispatcher call is named in the reason an operator reads in the log.</summary>
public sealed class FailureReasonTests
{
    [Fact]
    public void Grpc_failure_is_named_by_its_status_as_the_engine_spells_it_with_its_detail()
    {
        var reason = HatchetDispatcherInterceptor.Describe(new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, "heartbeat refused")));

        reason.Should().Be("FAILED_PRECONDITION: heartbeat refused");
    }

    [Fact]
    public void Grpc_failure_without_detail_is_named_by_its_status_alone()
    {
        var reason = HatchetDispatcherInterceptor.Describe(new RpcException(new Grpc.Core.Status(StatusCode.DeadlineExceeded, string.Empty)));

        reason.Should().Be("DEADLINE_EXCEEDED");
    }

    [Fact]
    public void Cancelled_call_is_named_cancelled()
    {
        var reason = HatchetDispatcherInterceptor.Describe(new OperationCanceledException());

        reason.Should().Be("CANCELLED");
    }

    [Fact]
    public void Other_failure_is_named_by_its_type_and_message()
    {
        var reason = HatchetDispatcherInterceptor.Describe(new HttpRequestException("connection refused"));

        reason.Should().Be("HttpRequestException: connection refused");
    }
}
