using System.Diagnostics;
using System.Globalization;

/// <summary>
/// CPU seconds from /proc (Linux): this process, the PostgreSQL server (its postmaster and backends,
/// given by BENCH_POSTMASTER_PID), and the whole machine, so a run can say what it cost and how much
/// of the machine others took meanwhile.
/// </summary>
internal readonly record struct CpuTime(double Bench, double Postgres, double Machine)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public static CpuTime Now()
    {
        var postmaster = Environment.GetEnvironmentVariable("BENCH_POSTMASTER_PID");
        var postgres = 0.0;
        if (int.TryParse(postmaster, CultureInfo.InvariantCulture, out var pid))
        {
            postgres = Seconds(pid, withReapedChildren: true);
            foreach (var child in Children(pid))
            {
                postgres += Seconds(child, withReapedChildren: false);
            }
        }

        var busy = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var machine = (double.Parse(busy[1], CultureInfo.InvariantCulture) + double.Parse(busy[2], CultureInfo.InvariantCulture) + double.Parse(busy[3], CultureInfo.InvariantCulture)) / TicksPerSecond;
        return new CpuTime(Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, postgres, machine);
    }

    public static CpuTime operator -(CpuTime after, CpuTime before) =>
        new(after.Bench - before.Bench, after.Postgres - before.Postgres, after.Machine - before.Machine);

    /// <summary>What the rest of the machine used: neither this process nor PostgreSQL.</summary>
    public double Others => Math.Max(0, Machine - Bench - Postgres);

    private static double Seconds(int pid, bool withReapedChildren)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // utime, stime (fields 14 and 15), and cutime, cstime for exited backends.
            var ticks = double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
            if (withReapedChildren)
            {
                ticks += double.Parse(fields[13], CultureInfo.InvariantCulture) + double.Parse(fields[14], CultureInfo.InvariantCulture);
            }

            return ticks / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0; // exited meanwhile: counted in its parent's reaped time
        }
    }

    private static IEnumerable<int> Children(int pid)
    {
        var path = $"/proc/{pid}/task/{pid}/children";
        return File.Exists(path)
            ? File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(c => int.Parse(c, CultureInfo.InvariantCulture))
            : [];
    }
}
