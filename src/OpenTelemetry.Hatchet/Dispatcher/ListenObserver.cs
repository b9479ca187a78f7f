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

    /// <summary>The call failed; <paramref name="cancelledByWorker"/> when the worker's own cancellation ended it.</summary>
    public void Failed(Exception failure, bool cancelledByWorker)
        => this.End(cancelledByWorker ? "the worker cancelled the listen stream" : HatchetDispatcherInterceptor.Describe(failure), clean: cancelledByWorker);

    public void Completed() => this.End("the dispatcher ended the listen stream", clean: true);

    public void Disposed() => this.End("the worker closed the listen stream", clean: true);

    private void End(string reason, bool clean)
    {
        try
        {
            connection.Ended(call, reason, clean);
        }
        catch (Exception exception)
        {
            interceptor.Fault(exception);
        }
    }
}
