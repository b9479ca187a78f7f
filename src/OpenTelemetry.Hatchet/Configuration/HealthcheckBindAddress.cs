using System.Net;
using System.Net.Sockets;

namespace OpenTelemetry.Hatchet.Configuration;

/// <summary>
/// Turns the bind address setting into the host forms of HttpListener prefixes.
/// </summary>
/// <remarks>
/// The managed HttpListener on Linux serves <c>+</c> (every IPv4 interface) and single addresses, and it
/// routes a request by its Host header: a listener on <c>127.0.0.1</c> answers 404 to a request for
/// <c>localhost</c>. Loopback is therefore registered under both names. It cannot bind an IPv6 literal
/// ("Invalid port in prefix") or <c>0.0.0.0</c> ("The request is not supported"), so those are refused
/// with a message that says what is supported.
/// </remarks>
internal sealed class HealthcheckBindAddress
{
    public const string Supported =
        "use 0.0.0.0 (every IPv4 interface, the default), localhost or 127.0.0.1 (loopback only), or one IPv4 address of this machine";

    private HealthcheckBindAddress(string display, IReadOnlyList<string> listenerHosts)
    {
        this.Display = display;
        this.ListenerHosts = listenerHosts;
    }

    /// <summary>Gets the address as a person reads it in a log line.</summary>
    public string Display { get; }

    /// <summary>Gets the host parts of the HttpListener prefixes that serve this address.</summary>
    public IReadOnlyList<string> ListenerHosts { get; }

    public static bool TryParse(string? text, out HealthcheckBindAddress? address, out string? problem)
    {
        address = null;
        problem = null;
        var value = text?.Trim() ?? string.Empty;

        if (value is "0.0.0.0" or "*" or "+")
        {
            address = new HealthcheckBindAddress("0.0.0.0", ["+"]);
            return true;
        }

        if (string.Equals(value, "localhost", StringComparison.OrdinalIgnoreCase) || value == "127.0.0.1")
        {
            address = new HealthcheckBindAddress("127.0.0.1", ["localhost", "127.0.0.1"]);
            return true;
        }

        if (value.Length == 0 || string.Equals(value, "none", StringComparison.OrdinalIgnoreCase))
        {
            problem = "every interface including IPv6 cannot be served by .NET's HttpListener on Linux";
            return false;
        }

        if (IPAddress.TryParse(value, out var ip))
        {
            if (ip.AddressFamily == AddressFamily.InterNetworkV6)
            {
                problem = "IPv6 addresses cannot be served by .NET's HttpListener on Linux";
                return false;
            }

            // IPAddress.TryParse also accepts shorthands such as "10.1"; prefixes need the dotted form.
            address = new HealthcheckBindAddress(ip.ToString(), [ip.ToString()]);
            return true;
        }

        problem = "it is not an IP address";
        return false;
    }
}
