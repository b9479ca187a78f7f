using System.Globalization;

namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>The TCP sockets a process holds, read from Linux's <c>/proc</c>.</summary>
/// <remarks>
/// <c>/proc/PID/net/tcp</c> and <c>tcp6</c> list every socket of the network namespace, whichever process
/// holds it, and other test runs on the machine use the same port range. A socket is the process's own when
/// one of the descriptors in <c>/proc/PID/fd</c> links to its inode, so only those are counted. The tables
/// leave out connections in TIME_WAIT, which no process holds, and connections the peer has reset, which
/// Linux drops from them at once even while a process still holds their descriptor.
/// </remarks>
internal static class OwnedSockets
{
    private const string Listen = "0A";

    /// <summary>The ports the process has a listening socket on, over IPv4 and IPv6.</summary>
    public static IReadOnlySet<int> ListeningPorts(int pid)
        => Sockets(pid).Where(socket => socket.Listening).Select(socket => socket.LocalPort).ToHashSet();

    /// <summary>How many connections the process holds whose local end is the port: those it accepted there.</summary>
    public static int ConnectionsOn(int pid, int port)
        => Sockets(pid).Count(socket => !socket.Listening && socket.LocalPort == port);

    /// <summary>The inode of the process's connection from <paramref name="localPort"/> to <paramref name="remotePort"/>, while it is in the tables.</summary>
    public static string? ConnectionInode(int pid, int localPort, int remotePort)
        => Sockets(pid).FirstOrDefault(socket => !socket.Listening && socket.LocalPort == localPort && socket.RemotePort == remotePort).Inode;

    /// <summary>Whether the process still holds a descriptor of the socket, whatever its state (a reset one included).</summary>
    public static bool Holds(int pid, string inode) => SocketInodesOf(pid).Contains(inode);

    private static int PortOf(string address)
        => int.Parse(address[(address.IndexOf(':', StringComparison.Ordinal) + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static List<(int LocalPort, int RemotePort, bool Listening, string Inode)> Sockets(int pid)
    {
        var owned = SocketInodesOf(pid);
        var sockets = new List<(int, int, bool, string)>();
        foreach (var table in new[] { "tcp", "tcp6" })
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/net/{table}").Skip(1))
            {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (owned.Contains(fields[9]))
                {
                    sockets.Add((PortOf(fields[1]), PortOf(fields[2]), fields[3] == Listen, fields[9]));
                }
            }
        }

        return sockets;
    }

    private static HashSet<string> SocketInodesOf(int pid)
    {
        var inodes = new HashSet<string>();
        foreach (var descriptor in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(descriptor).LinkTarget;
            }
            catch (IOException)
            {
                continue; // closed while the directory was read
            }

            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                inodes.Add(target["socket:[".Length..^1]);
            }
        }

        return inodes;
    }
}
