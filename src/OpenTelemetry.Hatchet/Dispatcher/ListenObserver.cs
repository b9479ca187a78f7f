using Grpc.Core;

namespace OpenTelemetry.Hatchet.Dispatcher;

/// <summary>What one listen call shows the interceptor: its headers, each message, and how it ends.</summary>
/// <remarks>Nothing here may throw into the caller's call: a fault is logged and the call goes on.</remarks>
internal sealed class ListenObserver(HatchetDispatcherInterceptor interceptor, ListenConnection connection, ListenConnection.ListenCall call, Func<Grpc.Core.Status> status)
{
    public void HeadersArrived(Task<Metadata> headers)
    {
        // Reading the exception marks a failed task observed; the caller sees the failure on its own reads.
        if (headers.Exception is not null)
        {
            return;
        }

        try
        {
            connection.HeadersArrived(call, this.IsStatusKnown());
        }
        catch (Exception exception)
        {
            interceptor.Fault(exception);
        }
    }

    public void Received(object? message)
    {
        try
        {
            connection.MessageArrived(call);
            interceptor.Assigned(message);
        }
        catch (Exception exception)
        {
            interceptor.Fault(exception);
        }
    }

    public void Failed(Exception failure) => this.End(HatchetDispatcherInterceptor.Describe(failure));

    public void Completed() => this.End("the dispatcher ended the listen stream");

    public void Disposed() => this.End("the worker closed the listen stream");

    private void End(string reason)
    {
        try
        {
            connection.Ended(call, reason);
        }
        catch (Exception exception)
        {
            interceptor.Fault(exception);
        }
    }

    // The status is known only once the call has ended: known at headers time means the call was refused.
    private bool IsStatusKnown()
    {
        try
        {
            status();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
