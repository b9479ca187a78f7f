namespace OpenTelemetry.Hatchet.Dispatcher;

/// <summary>What one listen call shows the interceptor: each message, and how it ends.</summary>
/// <remarks>Nothing here may throw into the caller's call: a fault is logged and the call goes on.</remarks>
internal sealed class ListenObserver(HatchetDispatcherInterceptor interceptor, ListenConnection connection, ListenConnection.ListenCall call)
{
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
}
