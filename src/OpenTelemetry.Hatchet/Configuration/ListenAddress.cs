using System.Net;

namespace OpenTelemetry.Hatchet.Configuration;

/// <summary>One address a listening socket binds, and whether it also takes IPv4 on an IPv6 socket.</summary>
internal readonly record struct ListenAddress(IPAddress Address, bool DualMode);
