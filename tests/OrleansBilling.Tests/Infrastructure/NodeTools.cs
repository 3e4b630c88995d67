using System.Diagnostics;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// The npm tools the tests run beside the service, installed from the repository's lockfile
/// (<c>package-lock.json</c>): <c>.ci/run</c> installs them, and a first test run without them does.
/// </summary>
public static class NodeTools
{
    private static readonly SemaphoreSlim Installing = new(1, 1);

    /// <summary>The repository's root: where the solution and <c>package.json</c> are.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The path of a tool's command (<c>redocly</c>), installing the tools first when they are missing.</summary>
    public static async Task<string> CommandAsync(string tool)
    {
        var command = Path.Combine(RepositoryRoot, "node_modules", ".bin", tool);
        await EnsureInstalledAsync(command);
        return command;
    }

    /// <summary>The folder of an npm package the tests import (<c>stripe</c>), installing the tools first when it is missing.</summary>
    public static async Task<string> PackageAsync(string package)
    {
        var folder = Path.Combine(RepositoryRoot, "node_modules", package);
        await EnsureInstalledAsync(Path.Combine(folder, "package.json"));
        return folder;
    }

    private static async Task EnsureInstalledAsync(string marker)
    {
        await Installing.WaitAsync();
        try
        {
            if (!System.IO.File.Exists(marker))
            {
                var (exit, output) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], RepositoryRoot, TimeSpan.FromMinutes(5));
                if (exit != 0)
                {
                    throw new InvalidOperationException($"npm ci failed ({exit}): {output}");
                }
            }
        }
        finally
        {
            Installing.Release();
        }
    }

    /// <summary>Runs a command to its end (or the timeout) and answers its exit code and its output, both streams.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish within {timeout}.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(directory.FullName, "OrleansBilling.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No OrleansBilling.sln above {AppContext.BaseDirectory}.");
    }
}
