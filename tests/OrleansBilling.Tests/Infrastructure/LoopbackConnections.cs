using System.Globalization;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>Which process holds a TCP connection to a port on this machine, read from Linux's <c>/proc</c> (no tool needed).</summary>
public static class LoopbackConnections
{
    /// <summary>
    /// The first of <paramref name="processIds"/> that, itself or a process it started, holds an established connection to
    /// <paramref name="port"/>; null when none does.
    /// </summary>
    public static int? OwnerOfConnectionTo(int port, IEnumerable<int> processIds)
    {
        var sockets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists))
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9 && fields[3] == "01"
                    && int.Parse(fields[2][(fields[2].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
                {
                    sockets.Add($"socket:[{fields[9]}]");
                }
            }
        }

        return processIds.FirstOrDefault(pid => Tree(pid).Any(member => Holds(member, sockets))) is var owner and not 0 ? owner : null;
    }

    private static bool Holds(int pid, HashSet<string> sockets)
    {
        try
        {
            return Directory.EnumerateFiles($"/proc/{pid}/fd").Any(fd => new FileInfo(fd).LinkTarget is { } target && sockets.Contains(target));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The process ended meanwhile.
            return false;
        }
    }

    /// <summary>The process and its descendants (a silo runs under a watching shell).</summary>
    private static List<int> Tree(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var stat in Directory.EnumerateDirectories("/proc").Select(d => Path.Combine(d, "stat")))
        {
            try
            {
                // pid (comm) state ppid …; the command may hold spaces and parentheses, so read after its last ')'.
                var text = File.ReadAllText(stat);
                var rest = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                parents[int.Parse(text[..text.IndexOf(' ')], CultureInfo.InvariantCulture)] = int.Parse(rest[1], CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
            {
                // Not a process, or one that ended meanwhile.
            }
        }

        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(parents.Where(p => p.Value == tree[i]).Select(p => p.Key));
        }

        return tree;
    }
}
