using System.Threading.Channels;
using Grpc.Core;

namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>
/// Writes a duplex stream's responses from a queue, on a task of their own, as the engine's durable-task handler
/// answers from its own goroutine while it reads the worker's requests (grpc-go allows one writer beside one reader).
/// </summary>
internal static class ResponsePump
{
    public static Task Start<T>(ChannelReader<T> responses, IServerStreamWriter<T> stream, CancellationToken cancellationToken) => Task.Run(
        async () =>
        {
            await foreach (var response in responses.ReadAllAsync(cancellationToken))
            {
                await stream.WriteAsync(response, cancellationToken);
            }
        },
        CancellationToken.None);
}
