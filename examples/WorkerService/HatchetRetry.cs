using Grpc.Core;

namespace WorkerService;

/// <summary>When and how soon the worker calls the engine again after a call failed.</summary>
internal static class HatchetRetry
{
    /// <summary>
    /// Whether a failed call is worth repeating: all codes but the permanent ones, as the SDKs decide
    /// (<c>sdks/python/hatchet_sdk/clients/rest/tenacity_utils.py</c> lines 49-64 at upstream 89d130f).
    /// </summary>
    public static bool IsRetryable(StatusCode code) => code is not (StatusCode.Unimplemented or StatusCode.InvalidArgument
        or StatusCode.AlreadyExists or StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.NotFound);

    /// <summary>
    /// The wait before attempt <paramref name="attempt"/> (1 for the first retry): 100 ms doubling, plus up to
    /// 100 ms of jitter, as <c>utils/backoff.py</c> (<c>exp_backoff_sleep</c>) waits before the listen stream
    /// reconnects, but at most <paramref name="max"/>.
    /// </summary>
    public static TimeSpan Backoff(int attempt, TimeSpan max)
    {
        var wait = TimeSpan.FromMilliseconds((100 * Math.Pow(2, Math.Min(attempt, 16))) + Random.Shared.Next(100));
        return wait < max ? wait : max;
    }
}
