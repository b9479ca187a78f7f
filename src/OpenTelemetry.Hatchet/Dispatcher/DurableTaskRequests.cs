using Grpc.Core;

namespace OpenTelemetry.Hatchet.Dispatcher;

/// <summary>
/// The durable-task stream's requests as the worker writes them, each shown to the interceptor first, which may send
/// a copy in its place (a spawn's children carrying the traceparent of its span); the worker's own message is never
/// changed. <paramref name="stream"/> names the stream they are written on (its <see cref="DurableTaskResponses{TResponse}"/>).
/// </summary>
internal sealed class DurableTaskRequests<TRequest>(IClientStreamWriter<TRequest> inner, HatchetDispatcherInterceptor interceptor, object stream) : IClientStreamWriter<TRequest>
    where TRequest : class
{
    public WriteOptions? WriteOptions
    {
        get => inner.WriteOptions;
        set => inner.WriteOptions = value;
    }

    public Task WriteAsync(TRequest message) => inner.WriteAsync(interceptor.DurableTaskRequest(message, stream));

    public Task WriteAsync(TRequest message, CancellationToken cancellationToken) => inner.WriteAsync(interceptor.DurableTaskRequest(message, stream), cancellationToken);

    public Task CompleteAsync() => inner.CompleteAsync();
}
