using Grpc.Core;
using Grpc.Net.Client;
using OpenTelemetry.Hatchet.Configuration;

namespace OpenTelemetry.Hatchet.Logs;

/// <summary>
/// The engine's <c>/EventsService/PutLog</c>, called over a channel of its own to the engine the spans are sent to
/// (<see cref="HatchetEngineConnection"/>: its address, TLS and token), with the <c>authorization: Bearer {token}</c> the Python SDK sends (<c>create_authorization_header</c>,
/// <c>clients/events.py</c> line 387 at upstream 89d130f). Requests are bytes written by
/// <see cref="PutLogRequestEncoder"/>; the answer, an empty <c>PutLogResponse</c>, is not read.
/// </summary>
internal sealed class PutLogCall : IDisposable
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(static bytes => bytes, static bytes => bytes);

    private static readonly Method<byte[], byte[]> PutLog = new(MethodType.Unary, "EventsService", "PutLog", Bytes, Bytes);

    private readonly GrpcChannel channel;
    private readonly CallInvoker invoker;
    private readonly Metadata headers;
    private readonly TimeSpan timeout;

    public PutLogCall(HatchetEngineConnection engine, TimeSpan timeout)
    {
        this.channel = GrpcChannel.ForAddress(engine.Address, new GrpcChannelOptions { HttpHandler = HatchetEngineHandler.Create(engine) });
        this.invoker = this.channel.CreateCallInvoker();
        this.headers = new Metadata { { "authorization", engine.Authorization } };
        this.timeout = timeout;
    }

    /// <summary>Sends one request; the status the engine answered, or the one the client gave the call.</summary>
    public async Task<StatusCode> SendAsync(byte[] request, CancellationToken cancellationToken)
    {
        try
        {
            using var call = this.invoker.AsyncUnaryCall(PutLog, null, new CallOptions(this.headers, DateTime.UtcNow + this.timeout, cancellationToken), request);
            await call.ResponseAsync.ConfigureAwait(false);
            return StatusCode.OK;
        }
        catch (RpcException exception)
        {
            return exception.StatusCode;
        }
        catch (OperationCanceledException)
        {
            return StatusCode.Cancelled;
        }
        catch (ObjectDisposedException)
        {
            // The channel is disposed with the provider while a call may still be under way.
            return StatusCode.Cancelled;
        }
    }

    public void Dispose() => this.channel.Dispose();
}
