using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// Traces the unary calls of a client that trigger runs and push events, as the Python SDK's instrumentor traces its
/// admin and event clients: a PRODUCER span for the call (see <see cref="TracedRequest"/>), whose traceparent the
/// runs' and events' <c>additional_metadata</c> then carries, so that the runs they start join the caller's trace.
/// </summary>
/// <remarks>
/// Unless a listener has asked for the package's spans, a call costs a look at whether one has and is passed on
/// untouched. A traced call sends a copy of the caller's request, never the request itself changed, and the caller's
/// request as it came whenever the copy cannot be made; nothing here throws into a call.
/// </remarks>
internal static class ClientCallTracing
{
    public static AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        Interceptor.AsyncUnaryCallContinuation<TRequest, TResponse> continuation,
        HatchetInstrumentationOptions options,
        Action<Exception> fault)
        where TRequest : class
        where TResponse : class
    {
        if (!HatchetActivitySource.Source.HasListeners() || TracedRequest.Of(context.Method) is not { } kind)
        {
            return continuation(request, context);
        }

        var previous = Activity.Current;
        if (ClientSpans.Start(kind, request, options, fault) is not { } traced)
        {
            return continuation(request, context);
        }

        AsyncUnaryCall<TResponse> call;
        try
        {
            call = continuation(traced.Request as TRequest ?? request, context);
        }
        catch (Exception exception)
        {
            traced.End(exception);
            throw;
        }
        finally
        {
            // The span stays open until the answer is in, but is no longer the caller's current one.
            Activity.Current = previous;
        }

        // The caller gets the call as it came; the span ends beside the caller's own wait for its answer.
        traced.EndWhenDone(call.ResponseAsync);
        return call;
    }

    public static TResponse BlockingUnaryCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        Interceptor.BlockingUnaryCallContinuation<TRequest, TResponse> continuation,
        HatchetInstrumentationOptions options,
        Action<Exception> fault)
        where TRequest : class
        where TResponse : class
    {
        if (!HatchetActivitySource.Source.HasListeners() || TracedRequest.Of(context.Method) is not { } kind)
        {
            return continuation(request, context);
        }

        var previous = Activity.Current;
        if (ClientSpans.Start(kind, request, options, fault) is not { } traced)
        {
            return continuation(request, context);
        }

        try
        {
            var response = continuation(traced.Request as TRequest ?? request, context);
            traced.End(failure: null);
            return response;
        }
        catch (Exception exception)
        {
            traced.End(exception);
            throw;
        }
        finally
        {
            Activity.Current = previous;
        }
    }
}
