using System.Globalization;

namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>What a process holds, read from Linux's <c>/proc</c>: its threads, open descriptors and resident memory.</summary>
internal sealed record ProcessCounters(int Threads, int Descriptors, long ResidentBytes)
{
    public static ProcessCounters Of(int pid)
    {
        var status = File.ReadAllLines($"/proc/{pid}/status");
        return new ProcessCounters(
            int.Parse(Field(status, "Threads:"), CultureInfo.InvariantCulture),
            Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count(),
            long.Parse(Field(status, "VmRSS:").Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) * 1024);
    }

    public override string ToString()
        => $"{this.Threads} threads, {this.Descriptors} descriptors, {this.ResidentBytes / (1024 * 1024.0):0.0} MB resident";

    private static string Field(string[] status, string name)
        => status.Single(line => line.StartsWith(name, StringComparison.Ordinal))[name.Length..].Trim();
}
