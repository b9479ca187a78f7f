using System.Threading.Channels;
using Grpc.Core;

namespace OpenTelemetry.Hatchet.Logs;

/// <summary>
/// Sends queued task-log records to the engine, one <c>PutLog</c> call after the other in the order they were
/// written, from a loop of its own, as the Python SDK's <c>AsyncLogSender</c> does from its thread
/// (<c>worker/runner/utils/capture_logs.py</c> lines 127-160 at upstream 89d130f). Unlike Python's, its queue is
/// bounded, a writer never waits for it, and a failing engine is not asked for every record.
/// </summary>
/// <remarks>
/// A record whose call fails is dropped, as Python drops it after its retries. After a failure (the engine down,
/// slow or erring) the loop waits before the next call, from <see cref="HatchetTaskLogOptions.RetryDelay"/> doubling
/// to <see cref="HatchetTaskLogOptions.MaxRetryDelay"/>, while records queue up to the queue's size; after
/// <c>UNIMPLEMENTED</c> (an engine without <c>PutLog</c>) it drops what is written for
/// <see cref="HatchetTaskLogOptions.UnimplementedPause"/>, then tries again. A record the engine refuses on its
/// own (<c>INVALID_ARGUMENT</c>, <c>NOT_FOUND</c>: a run the engine does not know) is dropped without a wait.
/// </remarks>
internal sealed class TaskLogSender : IDisposable
{
    private readonly Channel<PendingTaskLog> queue;
    private readonly PutLogCall call;
    private readonly TaskLogDrops drops;
    private readonly HatchetTaskLogOptions options;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task loop;
    private int truncationLogged;

    public TaskLogSender(PutLogCall call, TaskLogDrops drops, HatchetTaskLogOptions options)
    {
        this.call = call;
        this.drops = drops;
        this.options = options;
        this.queue = Channel.CreateBounded<PendingTaskLog>(new BoundedChannelOptions(options.QueueSize)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });

        // The loop must not carry the span current where the provider was built into every call it makes.
        using (ExecutionContext.SuppressFlow())
        {
            this.loop = Task.Run(this.RunAsync);
        }
    }

    public TaskLogDrops Drops => this.drops;

    /// <summary>Queues a record without waiting; a record that finds the queue full is dropped and counted.</summary>
    public void Enqueue(in PendingTaskLog log)
    {
        if (!this.queue.Writer.TryWrite(log))
        {
            this.drops.Drop(TaskLogDrops.QueueFull, $"more than {this.options.QueueSize} records waiting to be sent");
        }
    }

    /// <summary>Stops taking records, and waits for the queued ones to be sent, no longer than the shorter of both times.</summary>
    public bool Shutdown(TimeSpan timeout)
    {
        this.queue.Writer.TryComplete();
        var wait = timeout < this.options.ShutdownTimeout ? timeout : this.options.ShutdownTimeout;
        var drained = Task.WaitAny([this.loop], wait) == 0;
        if (!drained)
        {
            this.stopping.Cancel();
            Task.WaitAny([this.loop], TimeSpan.FromSeconds(1));
        }

        var left = 0;
        while (this.queue.Reader.TryRead(out _))
        {
            left++;
        }

        this.drops.Drop(TaskLogDrops.Shutdown, "the host stopped before they were sent", left);
        return drained;
    }

    public void Dispose()
    {
        this.queue.Writer.TryComplete();
        this.stopping.Cancel();
        this.stopping.Dispose();
        this.call.Dispose();
    }

    private async Task RunAsync()
    {
        var reader = this.queue.Reader;
        var delay = this.options.RetryDelay;
        var pausedUntil = DateTime.MinValue;
        try
        {
            while (await reader.WaitToReadAsync(this.stopping.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var log))
                {
                    if (DateTime.UtcNow < pausedUntil)
                    {
                        this.drops.Drop(TaskLogDrops.Paused, "the engine answered UNIMPLEMENTED to PutLog");
                        continue;
                    }

                    var status = await this.call.SendAsync(PutLogRequestEncoder.Encode(log, this.Truncated(log.Message)), this.stopping.Token).ConfigureAwait(false);
                    switch (status)
                    {
                        case StatusCode.OK:
                            delay = this.options.RetryDelay;
                            this.drops.Delivered();
                            break;
                        case StatusCode.Unimplemented:
                            pausedUntil = DateTime.UtcNow + this.options.UnimplementedPause;
                            this.drops.Drop(TaskLogDrops.Refused, "the engine answered UNIMPLEMENTED to PutLog; nothing is sent for " + this.options.UnimplementedPause);
                            break;
                        case StatusCode.InvalidArgument or StatusCode.NotFound:
                            this.drops.Drop(TaskLogDrops.Refused, $"the engine answered {status} for run {log.TaskRunId}");
                            break;
                        default:
                            this.drops.Drop(TaskLogDrops.Refused, $"PutLog failed with {status}");
                            await Task.Delay(delay, this.stopping.Token).ConfigureAwait(false);
                            delay = delay * 2 < this.options.MaxRetryDelay ? delay * 2 : this.options.MaxRetryDelay;
                            break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (this.stopping.IsCancellationRequested)
        {
            // Shutdown gave up waiting; what is left is counted there.
        }
    }

    private string Truncated(string message)
    {
        var cut = TaskLogMessage.Truncated(message, out var truncated);
        if (truncated && Interlocked.Exchange(ref this.truncationLogged, 1) == 0)
        {
            this.drops.Say(log => Log.TaskLogTruncated(log, message.Length));
        }

        return cut;
    }
}
