using Grpc.Core;

namespace OpenTelemetry.Hatchet.Dispatcher;

/// <summary>
/// The listen stream's reader as the caller gets it: each message is handed on as it is (the same instance,
/// never copied) after the interceptor has looked at it, and the stream's end or failure is seen on the way.
/// </summary>
/// <param name="inner">The call's own reader.</param>
/// <param name="observer">Where messages and the end go.</param>
/// <param name="callCancellation">The call's cancellation token: a failure once it is cancelled is the worker's own doing.</param>
internal sealed class ObservedListenStream<TResponse>(IAsyncStreamReader<TResponse> inner, ListenObserver observer, CancellationToken callCancellation) : IAsyncStreamReader<TResponse>
{
    public TResponse Current => inner.Current;

    public Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        Task<bool> next;
        try
        {
            next = inner.MoveNext(cancellationToken);
        }
        catch (Exception exception)
        {
            observer.Failed(exception, this.CancelledByWorker(cancellationToken));
            throw;
        }

        // A message already buffered costs no state machine.
        if (next.IsCompletedSuccessfully)
        {
            this.Moved(next.Result);
            return next;
        }

        return this.MoveNextAsync(next, cancellationToken);
    }

    private async Task<bool> MoveNextAsync(Task<bool> next, CancellationToken cancellationToken)
    {
        bool moved;
        try
        {
            moved = await next.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            observer.Failed(exception, this.CancelledByWorker(cancellationToken));
            throw;
        }

        this.Moved(moved);
        return moved;
    }

    private bool CancelledByWorker(CancellationToken read) => read.IsCancellationRequested || callCancellation.IsCancellationRequested;

    private void Moved(bool moved)
    {
        if (moved)
        {
            observer.Received(inner.Current);
        }
        else
        {
            observer.Completed();
        }
    }
}
