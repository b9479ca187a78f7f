using System.Net;
using Microsoft.Extensions.Logging;

namespace OpenTelemetry.Hatchet.Healthcheck;

/// <summary>
/// Starts an <see cref="HttpListener"/>, surviving a race in .NET's managed implementation.
/// </summary>
/// <remarks>
/// When a client connects in the instant the listener starts (a probe or a scrape arriving as the worker
/// boots), the managed HttpListener's endpoint can accept that connection before it has finished
/// initialising itself, and <see cref="HttpListener.Start"/> throws an <see cref="ArgumentNullException"/>.
/// The half-made endpoint's listening socket stays open until its finalizer runs, so every later attempt
/// fails with "Address already in use". Measured here: 4 starts in 300 faulted with a client connecting in
/// a loop, and each retry after collecting garbage succeeded, while a retry without it never did.
/// </remarks>
internal static class HttpListenerStartup
{
    private const int Attempts = 5;

    /// <summary>Starts a listener on the prefixes; an <see cref="HttpListenerException"/> means the port is not available.</summary>
    public static HttpListener Start(IReadOnlyList<string> prefixes, ILogger logger)
    {
        for (var attempt = 1; ; attempt++)
        {
            var listener = new HttpListener { IgnoreWriteExceptions = true };
            foreach (var prefix in prefixes)
            {
                listener.Prefixes.Add(prefix);
            }

            try
            {
                listener.Start();
                return listener;
            }
            catch (Exception exception) when (exception is not HttpListenerException && attempt < Attempts)
            {
                listener.Close();
                Log.StartRaced(logger, attempt, exception);
                ReleaseAbandonedSockets();
            }
            catch
            {
                listener.Close();
                throw;
            }
        }
    }

    // The abandoned endpoint holds the port through its socket's finalizer; run it now rather than at the next GC.
    private static void ReleaseAbandonedSockets()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
