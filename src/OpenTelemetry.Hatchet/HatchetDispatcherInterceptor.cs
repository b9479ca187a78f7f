using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Hatchet.Dispatcher;
using OpenTelemetry.Hatchet.Metrics;
using OpenTelemetry.Hatchet.Tracing;

namespace OpenTelemetry.Hatchet;

/// <summary>
/// Reads a Hatchet worker's health from its own gRPC client: wire a client generated from the Hatchet
/// dispatcher's contract with it, and <see cref="HatchetWorkerHealth"/> follows the real connection
/// (registration, listen stream, heartbeats, task runs) with no call from the worker's code.
/// </summary>
/// <remarks>
/// <para>
/// Resolve it from dependency injection after <c>WithHatchetWorkerMetrics()</c> and wire it with
/// <c>channel.Intercept(interceptor)</c> or <c>AddGrpcClient&lt;T&gt;(...).AddInterceptor&lt;HatchetDispatcherInterceptor&gt;()</c>.
/// From the moment it is resolved the worker is <see cref="HatchetWorkerStatus.Starting"/> until its listen
/// stream is connected.
/// </para>
/// <para>
/// Calls are recognised by their full method name (<c>/Dispatcher/Register</c>, <c>/Dispatcher/ListenV2</c>,
/// ...) and messages are read by field number, so any generated namespace or type names work; every other
/// call passes through untouched. It never throws into a call, never delays one, and never copies or
/// re-serialises a dispatcher message.
/// </para>
/// <para>
/// When the application has asked for the package's spans (<c>AddHatchetInstrumentation()</c>), it also traces
/// the task runs it sees, and the calls of a workflow, admin or events client it is wired into that trigger runs or
/// push events: those send a copy of the request whose <c>additional_metadata</c> carries the span's
/// <c>traceparent</c>. On the durable-task stream of a <c>V1Dispatcher</c> client it is wired into, a durable task's
/// waits and spawns get their spans too, and a spawn sends a copy whose children carry the traceparent. Without
/// that, nothing is traced and no request is copied.
/// </para>
/// </remarks>
public sealed class HatchetDispatcherInterceptor : Interceptor
{
    private readonly HatchetWorkerHealth health;
    private readonly TaskRunInstruments? instruments;
    private readonly ILogger logger;
    private readonly ListenConnection connection;
    private readonly HatchetInstrumentationOptions tracing;

    // Made once: a method group passed on each call would be a new delegate each time.
    private readonly Action<Exception> fault;
    private string? workerId;
    private int faults;

    internal HatchetDispatcherInterceptor(HatchetWorkerHealth health, TaskRunInstruments? instruments = null, ILogger<HatchetDispatcherInterceptor>? logger = null, HatchetInstrumentationOptions? tracing = null)
    {
        this.health = health;
        this.instruments = instruments;
        this.tracing = tracing ?? new HatchetInstrumentationOptions();
        this.fault = this.Fault;
        this.logger = logger ?? NullLogger<HatchetDispatcherInterceptor>.Instance;
        this.connection = new ListenConnection(health, health.Time);

        // Resolved means a client is being wired with it: from now on the connection decides the status.
        health.ReportListenerConnecting();
    }

    /// <inheritdoc/>
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        var method = DispatcherMethods.Classify(context.Method);
        if (method == DispatcherMethod.None)
        {
            return ClientCallTracing.AsyncUnaryCall(request, context, continuation, this.tracing, this.fault);
        }

        this.Sending(method, request);
        var call = continuation(request, context);
        if (method is DispatcherMethod.Register or DispatcherMethod.Heartbeat or DispatcherMethod.UpsertWorkerLabels)
        {
            // Watched beside the caller, on the same task: the caller's call is returned as it came.
            _ = call.ResponseAsync.ContinueWith(
                static (response, state) => ((UnaryWatch)state!).Completed(response),
                new UnaryWatch(this, method, request),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        return call;
    }

    /// <inheritdoc/>
    public override TResponse BlockingUnaryCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        var method = DispatcherMethods.Classify(context.Method);
        if (method == DispatcherMethod.None)
        {
            return ClientCallTracing.BlockingUnaryCall(request, context, continuation, this.tracing, this.fault);
        }

        this.Sending(method, request);
        TResponse response;
        try
        {
            response = continuation(request, context);
        }
        catch (Exception exception)
        {
            this.Completed(method, request, exception);
            throw;
        }

        this.Completed(method, request, failure: null);
        return response;
    }

    /// <inheritdoc/>
    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        var method = DispatcherMethods.Classify(context.Method);
        if (method is not (DispatcherMethod.ListenV2 or DispatcherMethod.Listen))
        {
            return continuation(request, context);
        }

        // The worker's id, which its task runs' spans carry, is the one it listens as.
        if (request is IMessage listenRequest)
        {
            this.workerId = DispatcherMessages.ListeningWorkerId(listenRequest);
        }

        // The old Listen carries the worker's heartbeats itself; ListenV2 leaves them to /Dispatcher/Heartbeat.
        var listen = this.connection.Opening(carriesHeartbeats: method == DispatcherMethod.Listen);
        AsyncServerStreamingCall<TResponse> call;
        try
        {
            call = continuation(request, context);
        }
        catch (Exception exception)
        {
            new ListenObserver(this, this.connection, listen).Failed(exception, context.Options.CancellationToken.IsCancellationRequested);
            throw;
        }

        var observer = new ListenObserver(this, this.connection, listen);

        return new AsyncServerStreamingCall<TResponse>(
            new ObservedListenStream<TResponse>(call.ResponseStream, observer, context.Options.CancellationToken),
            call.ResponseHeadersAsync,
            call.GetStatus,
            call.GetTrailers,
            () =>
            {
                observer.Disposed();
                call.Dispose();
            });
    }

    /// <inheritdoc/>
    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        var call = continuation(context);
        if (context.Method.FullName != DispatcherMethods.DurableTask)
        {
            return call;
        }

        var responses = new DurableTaskResponses<TResponse>(call.ResponseStream, this);
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(
            new DurableTaskRequests<TRequest>(call.RequestStream, this, responses),
            responses,
            call.ResponseHeadersAsync,
            call.GetStatus,
            call.GetTrailers,
            () =>
            {
                this.DurableTaskEnded(responses, new OperationCanceledException());
                call.Dispose();
            });
    }

    /// <summary>
    /// Makes the span of a task run the worker was given the current <see cref="System.Diagnostics.Activity"/> of
    /// the calling flow, so that spans and logs the task's code makes join the run's trace: write
    /// <c>using var trace = HatchetDispatcherInterceptor.JoinTaskRunTrace(action.TaskRunExternalId);</c> at the top
    /// of the task. Nothing happens when the run has no span (tracing not asked for, or the run has ended).
    /// </summary>
    /// <param name="taskRunId">The run's <c>task_run_external_id</c>, as its <c>AssignedAction</c> gave it.</param>
    /// <returns>What puts the flow's former current activity back when disposed.</returns>
    public static IDisposable JoinTaskRunTrace(string taskRunId)
    {
        ArgumentNullException.ThrowIfNull(taskRunId);
        return TaskRunSpans.Join(taskRunId);
    }

    /// <summary>How a failed call is named in a reason: its gRPC status as the protocol spells it, and its detail.</summary>
    internal static string Describe(Exception exception) => exception switch
    {
        RpcException rpc => string.IsNullOrEmpty(rpc.Status.Detail) ? StatusName(rpc.StatusCode) : $"{StatusName(rpc.StatusCode)}: {rpc.Status.Detail}",
        OperationCanceledException => "CANCELLED",
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };

    /// <summary>A message received on the listen stream: an assigned or cancelled task run.</summary>
    internal void Assigned(object? message)
    {
        if (message is not IMessage action)
        {
            return;
        }

        var (type, id, name) = DispatcherMessages.Assignment(action);
        if (string.IsNullOrEmpty(id))
        {
            return;
        }

        switch (type)
        {
            case DispatcherMessages.StartStepRun:
                this.health.TaskRuns.Assigned(id, name ?? string.Empty, this.instruments, TaskRunSpans.Start(action, id, this.workerId, this.tracing));
                break;
            case DispatcherMessages.StartBatch:
                // A batch's members came as runs of their own, each with its span; the batch is not one (nor in Python).
                this.health.TaskRuns.Assigned(id, name ?? string.Empty, this.instruments);
                break;
            case DispatcherMessages.CancelStepRun:
                // The worker may send nothing more about a cancelled run; the engine has taken its slot back.
                TaskRunSpans.Cancelled(id);
                this.health.TaskRuns.Ended(id, TaskRunOutcome.Cancelled, this.instruments);
                break;
        }
    }

    /// <summary>
    /// A message received on the durable-task stream: it ends the spans of the waits and spawns it answers, and a
    /// durable run evicted from the worker gives its slot back.
    /// </summary>
    internal void DurableTaskResponse(object? message)
    {
        try
        {
            if (message is not IMessage response)
            {
                return;
            }

            DurableSpans.Received(response);
            if (DispatcherMessages.EvictedTaskRunId(response) is { Length: > 0 } evicted)
            {
                this.health.TaskRuns.Ended(evicted, TaskRunOutcome.Evicted, this.instruments);
            }
        }
        catch (Exception exception)
        {
            this.Fault(exception);
        }
    }

    /// <summary>
    /// A message the worker writes on the durable-task stream: a wait or a spawn gets its span, and a spawn is sent as
    /// a copy whose children carry the span's traceparent. Never throws: the worker's message is sent as it came
    /// when anything fails.
    /// </summary>
    internal TRequest DurableTaskRequest<TRequest>(TRequest request, object stream)
        where TRequest : class
    {
        try
        {
            return DurableSpans.Writing(request, stream, this.tracing) ?? request;
        }
        catch (Exception exception)
        {
            this.Fault(exception);
            return request;
        }
    }

    /// <summary>A durable-task stream ended, with the failure it ended with, if any.</summary>
    internal void DurableTaskEnded(object stream, Exception? failure)
    {
        try
        {
            DurableSpans.StreamEnded(stream, failure);
        }
        catch (Exception exception)
        {
            this.Fault(exception);
        }
    }

    /// <summary>Something here went wrong: logged, never thrown into the caller's call.</summary>
    internal void Fault(Exception exception)
    {
        var level = Interlocked.Increment(ref this.faults) == 1 ? LogLevel.Warning : LogLevel.Debug;
        Log.InterceptorFailed(this.logger, level, exception);
    }

    // FAILED_PRECONDITION, not FailedPrecondition: the form operators know from the engine's logs.
    private static string StatusName(StatusCode code)
    {
        var name = code.ToString();
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (var index = 0; index < name.Length; index++)
        {
            if (index > 0 && char.IsUpper(name[index]))
            {
                builder.Append('_');
            }

            builder.Append(char.ToUpperInvariant(name[index]));
        }

        return builder.ToString();
    }

    private void Sending(DispatcherMethod method, object? request)
    {
        try
        {
            if (request is not IMessage message)
            {
                return;
            }

            switch (method)
            {
                case DispatcherMethod.SendStepActionEvent:
                    var (type, id) = DispatcherMessages.StepEvent(message);
                    this.TaskRunEvent(type, id, message, batchItem: false);
                    break;
                case DispatcherMethod.SendBatchActionEvent:
                    var batchType = DispatcherMessages.BatchEventType(message);
                    foreach (var item in DispatcherMessages.BatchItems(message))
                    {
                        this.TaskRunEvent(batchType, DispatcherMessages.BatchItemTaskRunId(item), item as IMessage, batchItem: true);
                    }

                    break;
                case DispatcherMethod.ReleaseSlot:
                    if (DispatcherMessages.ReleasedTaskRunId(message) is { Length: > 0 } released)
                    {
                        this.health.TaskRuns.SlotReleased(released);
                    }

                    break;
                case DispatcherMethod.Register:
                    this.connection.Registering();
                    break;
                case DispatcherMethod.Unsubscribe:
                    this.health.ReportUnsubscribed();
                    break;
            }
        }
        catch (Exception exception)
        {
            this.Fault(exception);
        }
    }

    private void TaskRunEvent(int type, string? id, IMessage? runEvent, bool batchItem)
    {
        if (string.IsNullOrEmpty(id))
        {
            return;
        }

        var runs = this.health.TaskRuns;
        switch (type)
        {
            case DispatcherMessages.Started:
                runs.Started(id, this.instruments);
                break;
            case DispatcherMessages.Completed:
                runs.Ended(id, TaskRunOutcome.Completed, this.instruments);
                break;
            case DispatcherMessages.Failed:
                if (runEvent is not null)
                {
                    TaskRunSpans.Failing(id, runEvent, batchItem);
                }

                runs.Ended(id, TaskRunOutcome.Failed, this.instruments);
                break;
            case DispatcherMessages.Cancelled:
                runs.Ended(id, TaskRunOutcome.Cancelled, this.instruments);
                break;
        }
    }

    private void Completed(DispatcherMethod method, object? request, Exception? failure)
    {
        try
        {
            switch (method)
            {
                case DispatcherMethod.Register when failure is null && request is IMessage register:
                    if (DispatcherMessages.Describe(register) is { } description)
                    {
                        this.health.Describe(description);
                    }

                    break;
                case DispatcherMethod.UpsertWorkerLabels when failure is null && request is IMessage upsert:
                    this.health.UpsertLabels(DispatcherMessages.UpsertedLabels(upsert));
                    break;
                case DispatcherMethod.Heartbeat when failure is null:
                    this.connection.HeartbeatSucceeded();
                    break;
                case DispatcherMethod.Heartbeat:
                    this.connection.HeartbeatFailed(Describe(failure!));
                    break;
            }
        }
        catch (Exception exception)
        {
            this.Fault(exception);
        }
    }

    /// <summary>A unary call whose outcome matters: what was sent, to read once the answer is in.</summary>
    private sealed class UnaryWatch(HatchetDispatcherInterceptor owner, DispatcherMethod method, object? request)
    {
        public void Completed(Task response) => owner.Completed(
            method,
            request,
            response.IsCompletedSuccessfully ? null : response.Exception?.InnerException ?? new OperationCanceledException());
    }
}
