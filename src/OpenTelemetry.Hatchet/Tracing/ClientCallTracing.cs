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
        if (Start(request, context.Method, options, fault, out var previous) is not { } traced)
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
        if (Start(request, context.Method, options, fault, out var previous) is not { } traced)
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

    // The call's spans, or null for a call passed on untouched: nothing listens to the package's spans, the method is
    // not one the Python SDK traces, or ClientSpans started nothing. previous is the caller's current span, which is
    // current again once the call is made; an untraced call does not read it.
    private static TracedCall? Start<TRequest>(TRequest request, IMethod method, HatchetInstrumentationOptions options, Action<Exception> fault, out Activity? previous)
        where TRequest : class
    {
        previous = null;
        if (!HatchetActivitySource.Source.HasListeners() || TracedRequest.Of(method) is not { } kind)
        {
            return null;
        }

        previous = Activity.Current;
        return ClientSpans.Start(kind, request, options, fault);
    }
}
