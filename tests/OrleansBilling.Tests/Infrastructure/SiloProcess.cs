using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// The silo as production runs it: its own operating-system process (the built <c>OrleansBilling.Silo</c>
/// beside the tests), configured only by its command line, on real time. <see cref="Kill"/> is
/// <c>kill -9</c>: nothing of the process runs after it, not even a shutdown hook. On Unix a small shell
/// watches the test process and ends the silo should the test process die first.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private const int OutputLines = 20_000;
    private const int TailLines = 150;

    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();
    private bool disposed;

    private SiloProcess(string name, Process process, Uri baseAddress)
    {
        Name = name;
        this.process = process;
        BaseAddress = baseAddress;
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    /// <summary>The operating system's id of the process.</summary>
    public int ProcessId => process.Id;

    /// <summary>The last lines the process wrote, for a failure's message.</summary>
    public string OutputTail => string.Join('\n', output.TakeLast(TailLines));

    /// <summary>Starts the silo listening for HTTP on <paramref name="httpPort"/>, with <paramref name="settings"/> as <c>--Key=value</c>.</summary>
    public static SiloProcess Start(string name, int httpPort, IEnumerable<string> settings)
    {
        var executable = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "OrleansBilling.Silo.exe" : "OrleansBilling.Silo");
        var start = Watched(executable, [$"--urls=http://127.0.0.1:{httpPort}", .. settings]);
        start.WorkingDirectory = AppContext.BaseDirectory;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return Launch(name, start, new Uri($"http://127.0.0.1:{httpPort}"));
    }

    /// <summary>
    /// Starts a published program as a container would: <c>dotnet &lt;dll&gt;</c> in its folder, with
    /// <paramref name="environment"/> as its whole environment (nothing of the test process's own), and
    /// <paramref name="arguments"/> as the container's arguments.
    /// </summary>
    public static SiloProcess StartPublished(string name, string dll, Uri baseAddress, IReadOnlyDictionary<string, string> environment, IEnumerable<string>? arguments = null)
    {
        var start = Watched(DotnetHost, [dll, .. arguments ?? []]);
        start.WorkingDirectory = Path.GetDirectoryName(dll)!;
        start.Environment.Clear();
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        // The watching shell needs its own tools; a container's environment has a PATH too.
        start.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        return Launch(name, start, baseAddress);
    }

    /// <summary>The <c>dotnet</c> host the tests run on.</summary>
    public static string DotnetHost { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(folder => Path.Combine(folder, "dotnet")).FirstOrDefault(File.Exists)
                ?? throw new InvalidOperationException("No dotnet host on PATH.");

    /// <summary>Ends the process with SIGTERM, as Kubernetes stops a pod, and does not wait.</summary>
    public void Terminate()
    {
        if (!process.HasExited)
        {
            // The watching shell passes nothing on: the signal goes to the program itself.
            var target = OperatingSystem.IsWindows() ? process.Id : ChildOf(process.Id) ?? process.Id;
            Process.Start("kill", ["-TERM", target.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        }
    }

    /// <summary>
    /// Freezes the process (SIGSTOP), as a node that hangs or drops off the network looks to its peers: its
    /// connections stay open and nothing answers, so only the membership probes' timeouts can tell.
    /// </summary>
    public void Freeze()
    {
        if (!process.HasExited)
        {
            var target = ChildOf(process.Id) ?? process.Id;
            Process.Start("kill", ["-STOP", target.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        }
    }

    /// <summary>Waits for the process to end by itself; its exit code, or null when it outlives <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public bool HasExited => disposed || process.HasExited;

    /// <summary>Every line the process wrote (up to the last 20,000).</summary>
    public IReadOnlyList<string> Lines => [.. output];

    private static int? ChildOf(int shell)
    {
        var children = $"/proc/{shell}/task/{shell}/children";
        return File.Exists(children) && File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var first, ..]
            ? int.Parse(first, System.Globalization.CultureInfo.InvariantCulture)
            : null;
    }

    /// <summary>Runs <paramref name="program"/> under a shell that ends it should the test process die first (on Unix).</summary>
    private static ProcessStartInfo Watched(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(OperatingSystem.IsWindows() ? program : "/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (!OperatingSystem.IsWindows())
        {
            // A shell that ends the silo if the test process dies without disposing it (killed itself):
            // a silo left behind would hold its ports and keep its cluster's reminders firing.
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(
                "\"$0\" \"$@\" & silo=$!; "
                + $"while kill -0 $silo 2>/dev/null; do kill -0 {Environment.ProcessId} 2>/dev/null || {{ kill -9 $silo; exit 137; }}; sleep 1; done; "
                + "wait $silo");
            start.ArgumentList.Add(program);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private static SiloProcess Launch(string name, ProcessStartInfo start, Uri baseAddress)
    {
        var process = new Process { StartInfo = start };
        var silo = new SiloProcess(name, process, baseAddress);
        process.OutputDataReceived += (_, line) => silo.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => silo.Keep(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>Waits until the silo answers its readiness check; fails at once if the process ends first.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await Poll.UntilAsync(async () => await ReadyAsync(http), timeout, $"silo {Name} to be ready");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n{OutputTail}", e);
        }
    }

    private async Task<bool> ReadyAsync(HttpClient http)
    {
        if (process.HasExited)
        {
            throw new InvalidOperationException($"Silo {Name} exited with {process.ExitCode} before it was ready:\n{OutputTail}");
        }

        try
        {
            using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false; // not listening yet
        }
        catch (TaskCanceledException)
        {
            return false; // listening, not answering yet
        }
    }

    /// <summary>A client of the silo's HTTP surface with a bearer key.</summary>
    public HttpClient Client(string? bearer)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(40) };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary>Ends the process as <c>kill -9</c> does, and waits until it is gone.</summary>
    public void Kill()
    {
        if (disposed)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        process.Dispose();
        disposed = true;
        return ValueTask.CompletedTask;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > OutputLines && output.TryDequeue(out _))
        {
        }
    }
}
