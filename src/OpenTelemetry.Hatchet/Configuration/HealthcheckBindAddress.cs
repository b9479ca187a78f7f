using System.Net;
using System.Net.Sockets;

namespace OpenTelemetry.Hatchet.Configuration;

/// <summary>
/// Turns the bind address setting into the addresses the healthcheck's sockets listen on, with the
/// Python SDK's meanings so that one setting means the same for workers in either language.
/// </summary>
/// <remarks>
/// <c>0.0.0.0</c> is every IPv4 interface; <c>none</c> or empty is every interface, IPv4 and IPv6 (one
/// dual-mode socket); <c>::</c> is every IPv6 interface only, as Python's asyncio marks IPv6 sockets
/// IPv6-only; <c>localhost</c> is both loopbacks; a host name is resolved when the port opens.
/// </remarks>
internal sealed class HealthcheckBindAddress
{
    public const string Supported =
        "use 0.0.0.0 (every IPv4 interface, the default), none or empty (every interface, IPv4 and IPv6), :: (every IPv6 interface), localhost, an IP address or a host name";

    private readonly IReadOnlyList<ListenAddress>? addresses;
    private readonly string? hostName;

    private HealthcheckBindAddress(string display, IReadOnlyList<ListenAddress>? addresses, string? hostName)
    {
        this.Display = display;
        this.addresses = addresses;
        this.hostName = hostName;
    }

    /// <summary>Gets the address as a person reads it in a log line.</summary>
    public string Display { get; }

    public static bool TryParse(string? text, out HealthcheckBindAddress? address, out string? problem)
    {
        address = null;
        problem = null;
        var value = text?.Trim() ?? string.Empty;

        if (value is "0.0.0.0" or "*" or "+")
        {
            address = new("0.0.0.0", [new(IPAddress.Any, DualMode: false)], hostName: null);
        }
        else if (value.Length == 0 || string.Equals(value, "none", StringComparison.OrdinalIgnoreCase))
        {
            // One dual-mode socket serves both families; a machine without IPv6 gets IPv4 alone.
            address = Socket.OSSupportsIPv6
                ? new("[::] (IPv4 and IPv6)", [new(IPAddress.IPv6Any, DualMode: true)], hostName: null)
                : new("0.0.0.0", [new(IPAddress.Any, DualMode: false)], hostName: null);
        }
        else if (string.Equals(value, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = new(
                "localhost",
                Socket.OSSupportsIPv6
                    ? [new(IPAddress.Loopback, DualMode: false), new(IPAddress.IPv6Loopback, DualMode: false)]
                    : [new(IPAddress.Loopback, DualMode: false)],
                hostName: null);
        }
        else if (IPAddress.TryParse(Unbracketed(value), out var ip) && (value.Contains(':', StringComparison.Ordinal) || value.Count(c => c == '.') == 3))
        {
            // IPAddress.TryParse also takes shorthands such as "10.1"; only the full forms are addresses here.
            var display = ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip.ToString();
            address = new(display, [new(ip, DualMode: false)], hostName: null);
        }
        else if (Uri.CheckHostName(value) == UriHostNameType.Dns)
        {
            address = new(value, addresses: null, hostName: value);
        }
        else
        {
            problem = "neither an IP address nor a host name";
        }

        return address is not null;
    }

    // "[::1]" is "::1" as written in a URL; brackets hold IPv6 only, and a lone bracket is a typo, not an address.
    private static string Unbracketed(string value)
        => value.StartsWith('[') && value.EndsWith(']') && value.Contains(':', StringComparison.Ordinal) ? value[1..^1] : value;

    /// <summary>Gets the addresses to listen on, resolving a host name now.</summary>
    /// <exception cref="SocketException">The host name does not resolve.</exception>
    public IReadOnlyList<ListenAddress> Resolve()
        => this.addresses
            ?? [.. Dns.GetHostAddresses(this.hostName!).Distinct().Select(ip => new ListenAddress(ip, DualMode: false))];
}
