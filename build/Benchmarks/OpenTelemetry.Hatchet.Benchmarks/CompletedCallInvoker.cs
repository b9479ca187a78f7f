using Grpc.Core;

namespace OpenTelemetry.Hatchet.Benchmarks;

/// <summary>
/// A call invoker whose calls are answered at once, in memory: what is left to time is the client's and the
/// interceptor's own work, not the network's. Server-streaming calls return the given messages.
/// </summary>
internal sealed class CompletedCallInvoker(object[] streamed) : CallInvoker
{
    private static readonly Task<Metadata> NoHeaders = Task.FromResult(new Metadata());

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
        => Answers<TResponse>.Value;

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
        => new(Answers<TResponse>.Task, NoHeaders, static () => Grpc.Core.Status.DefaultSuccess, static () => [], static () => { });

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
        => new(new ArrayReader<TResponse>(streamed), NoHeaders, static () => Grpc.Core.Status.DefaultSuccess, static () => [], static () => { });

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options)
        => throw new NotSupportedException();

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options)
        => throw new NotSupportedException();

    private static class Answers<TResponse>
    {
        public static readonly TResponse Value = typeof(TResponse) == typeof(string) ? (TResponse)(object)"answer" : Activator.CreateInstance<TResponse>();
        public static readonly Task<TResponse> Task = System.Threading.Tasks.Task.FromResult(Value);
    }

    private sealed class ArrayReader<TResponse>(object[] messages) : IAsyncStreamReader<TResponse>
    {
        private static readonly Task<bool> More = Task.FromResult(true);
        private static readonly Task<bool> End = Task.FromResult(false);
        private int next = -1;

        public TResponse Current => (TResponse)messages[this.next];

        public Task<bool> MoveNext(CancellationToken cancellationToken) => ++this.next < messages.Length ? More : End;
    }
}
