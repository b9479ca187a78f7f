using Grpc.Core;
using Grpc.Core.Interceptors;

namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// Placeholder: client-side spans and traceparent injection for the engine's trigger and event calls are being
/// written; until then every call passes through untouched.
/// </summary>
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
        => continuation(request, context);

    public static TResponse BlockingUnaryCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        Interceptor.BlockingUnaryCallContinuation<TRequest, TResponse> continuation,
        HatchetInstrumentationOptions options,
        Action<Exception> fault)
        where TRequest : class
        where TResponse : class
        => continuation(request, context);
}
