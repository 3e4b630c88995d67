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
    private const int OutputLines = 400;

    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private SiloProcess(string name, Process process, Uri baseAddress)
    {
        Name = name;
        this.process = process;
        BaseAddress = baseAddress;
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    /// <summary>The last lines the process wrote, for a failure's message.</summary>
    public string OutputTail => string.Join('\n', output);

    /// <summary>Starts the silo listening for HTTP on <paramref name="httpPort"/>, with <paramref name="settings"/> as <c>--Key=value</c>.</summary>
    public static SiloProcess Start(string name, int httpPort, IEnumerable<string> settings)
    {
        var executable = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "OrleansBilling.Silo.exe" : "OrleansBilling.Silo");
        var start = new ProcessStartInfo(OperatingSystem.IsWindows() ? executable : "/bin/sh")
        {
            WorkingDirectory = AppContext.BaseDirectory,
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
            start.ArgumentList.Add(executable);
        }

        start.ArgumentList.Add($"--urls=http://127.0.0.1:{httpPort}");
        foreach (var setting in settings)
        {
            start.ArgumentList.Add(setting);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = new Process { StartInfo = start };
        var silo = new SiloProcess(name, process, new Uri($"http://127.0.0.1:{httpPort}"));
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
