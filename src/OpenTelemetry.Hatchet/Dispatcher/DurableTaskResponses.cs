using Grpc.Core;

namespace OpenTelemetry.Hatchet.Dispatcher;

/// <summary>
/// The durable-task stream's responses as the caller reads them (the same instances, never copied), each shown to
/// the interceptor first: the engine tells a worker there which durable runs have left it, and answers the waits and
/// spawns the worker wrote (<see cref="DurableTaskRequests{TRequest}"/>). The interceptor is also told when the
/// stream ends. The instance names its stream to the interceptor.
/// </summary>
/// <remarks>
/// An eviction the worker asked for is acknowledged only once the engine has evicted the task, which takes it off
/// the worker (<c>internal/services/dispatcher/server_v1.go</c>, <c>handleEvictInvocation</c>, lines 1305-1343 at
/// upstream 89d130f); a server eviction notice tells the worker the engine evicted an invocation itself (lines
/// 835-845, 1427-1434, 1474-1480). Either way the run no longer holds a slot on the worker.
/// </remarks>
internal sealed class DurableTaskResponses<TResponse>(IAsyncStreamReader<TResponse> inner, HatchetDispatcherInterceptor interceptor) : IAsyncStreamReader<TResponse>
{
    public TResponse Current => inner.Current;

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        bool moved;
        try
        {
            moved = await inner.MoveNext(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            interceptor.DurableTaskEnded(this, exception);
            throw;
        }

        if (moved)
        {
            interceptor.DurableTaskResponse(inner.Current);
        }
        else
        {
            interceptor.DurableTaskEnded(this, failure: null);
        }

        return moved;
    }
}
