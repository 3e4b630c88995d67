using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

[assembly: AssemblyFixture(typeof(PostgresServer))]

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server of a test run, shared by the whole test assembly. It uses the server named
/// by the <c>BILLING_TEST_POSTGRES</c> connection string when that is set; otherwise it starts a
/// throwaway server (initdb + pg_ctl in a temporary directory, a free loopback port, trust auth) the
/// first time a test asks for a database, and stops and deletes it when the run ends.
/// </summary>
/// <remarks>
/// Each test class asks for its own database with <see cref="CreateDatabaseAsync"/>, so classes are
/// isolated and can run in parallel. PostgreSQL refuses to run as root, so as root the server
/// binaries run as the <c>postgres</c> user.
/// </remarks>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>The environment variable naming an existing server to use instead of a throwaway one.</summary>
    public const string ConnectionStringVariable = "BILLING_TEST_POSTGRES";

    private const string ServiceUser = "postgres";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly SemaphoreSlim _startLock = new(1, 1);
    private readonly List<string> _createdDatabases = [];
    private string? _adminConnectionString;
    private string? _directory;
    private string? _dataDirectory;
    private bool _ownsServer;

    /// <summary>
    /// Creates an empty database named after <paramref name="prefix"/> plus a random suffix and
    /// returns a connection string to it. Starts the server on first use.
    /// </summary>
    /// <param name="prefix">The start of the database's name.</param>
    /// <param name="icuLocale">
    /// An ICU locale (e.g. <c>en-US</c>) for the database's text ordering instead of the server's
    /// byte order, for tests of code that must not depend on the database's collation.
    /// </param>
    public async Task<string> CreateDatabaseAsync(string prefix, string? icuLocale = null)
    {
        var admin = await EnsureStartedAsync().ConfigureAwait(false);
        var name = DatabaseName(prefix);
        var collation = icuLocale is null
            ? ""
            : $" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '{icuLocale.Replace("'", "''", StringComparison.Ordinal)}' LOCALE 'C'";

        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"{collation}", connection);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        lock (_createdDatabases)
        {
            _createdDatabases.Add(name);
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    /// <summary>Stops and deletes a throwaway server, or drops the databases created on a given one.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_adminConnectionString is null)
        {
            return;
        }

        // Pooled idle connections would keep databases busy (and a stopping server waiting).
        NpgsqlConnection.ClearAllPools();

        if (_ownsServer)
        {
            await StopThrowawayServerAsync().ConfigureAwait(false);
        }
        else
        {
            await DropCreatedDatabasesAsync().ConfigureAwait(false);
        }

        _startLock.Dispose();
    }

    private async Task<string> EnsureStartedAsync()
    {
        if (_adminConnectionString is { } started)
        {
            return started;
        }

        await _startLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_adminConnectionString is null)
            {
                var given = Environment.GetEnvironmentVariable(ConnectionStringVariable);
                _adminConnectionString = string.IsNullOrWhiteSpace(given)
                    ? await StartThrowawayServerAsync().ConfigureAwait(false)
                    : given;
            }

            return _adminConnectionString;
        }
        finally
        {
            _startLock.Release();
        }
    }

    private async Task<string> StartThrowawayServerAsync()
    {
        var binaries = FindBinaries();
        var asRoot = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);

        _directory = Directory.CreateTempSubdirectory("billing-pg-").FullName;
        _dataDirectory = Path.Combine(_directory, "data");
        _ownsServer = true;
        if (asRoot)
        {
            // The server runs as postgres; it needs to own its data directory and socket directory.
            await RunAsync("chown", ["-R", $"{ServiceUser}:{ServiceUser}", _directory], asUser: null).ConfigureAwait(false);
        }

        var runAs = asRoot ? ServiceUser : null;
        await RunAsync(Path.Combine(binaries, "initdb"),
            ["-D", _dataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"],
            runAs).ConfigureAwait(false);

        // The port is found free just before start; another process could still take it, so a
        // failed start is retried on a new port.
        Exception? lastError = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = FreeLoopbackPort();
            var logFile = Path.Combine(_directory, "server.log");
            var serverOptions = string.Join(' ',
                $"-p {port.ToString(CultureInfo.InvariantCulture)}",
                $"-k {_directory}",
                "-c listen_addresses=127.0.0.1",
                "-c max_connections=300",
                // Durability is pointless for a throwaway server and costs seconds per test run.
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off");
            try
            {
                await RunAsync(Path.Combine(binaries, "pg_ctl"),
                    ["-D", _dataDirectory, "-l", logFile, "-o", serverOptions, "-w", "-t", ((int)StartTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture), "start"],
                    runAs).ConfigureAwait(false);

                var admin = new NpgsqlConnectionStringBuilder
                {
                    Host = "127.0.0.1",
                    Port = port,
                    Username = "postgres",
                    Database = "postgres",
                    // Tests start many short-lived pools; keep each one small.
                    MaxPoolSize = 20,
                }.ConnectionString;
                await WaitUntilAcceptingAsync(admin).ConfigureAwait(false);
                return admin;
            }
            catch (Exception ex) when (ex is InvalidOperationException or NpgsqlException or SocketException or OperationCanceledException)
            {
                lastError = ex;
                await TryRunAsync(Path.Combine(binaries, "pg_ctl"), ["-D", _dataDirectory, "-m", "immediate", "stop"], runAs).ConfigureAwait(false);
            }
        }

        var log = Path.Combine(_directory, "server.log");
        var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : "(no server log)";
        throw new InvalidOperationException($"The throwaway PostgreSQL server did not start. Server log:\n{tail}", lastError);
    }

    // pg_ctl -w already waits for the server; this also proves that a TCP client gets in.
    private static Task WaitUntilAcceptingAsync(string connectionString) =>
        Poll.UntilAsync(
            async () =>
            {
                try
                {
                    await using var connection = new NpgsqlConnection(connectionString);
                    await connection.OpenAsync().ConfigureAwait(false);
                    return true;
                }
                catch (Exception ex) when (ex is NpgsqlException or SocketException)
                {
                    return false;
                }
            },
            StartTimeout,
            "the throwaway PostgreSQL server to accept connections");

    private async Task StopThrowawayServerAsync()
    {
        if (_dataDirectory is not null)
        {
            var runAs = string.Equals(Environment.UserName, "root", StringComparison.Ordinal) ? ServiceUser : null;
            // Immediate: the data is thrown away, so there is nothing to flush.
            await TryRunAsync(Path.Combine(FindBinaries(), "pg_ctl"), ["-D", _dataDirectory, "-m", "immediate", "-w", "stop"], runAs).ConfigureAwait(false);
        }

        if (_directory is not null)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary directory must not fail the test run.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private async Task DropCreatedDatabasesAsync()
    {
        string[] names;
        lock (_createdDatabases)
        {
            names = [.. _createdDatabases];
        }

        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        foreach (var name in names)
        {
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }

    private static string DatabaseName(string prefix)
    {
        var cleaned = new StringBuilder();
        foreach (var c in prefix.ToLowerInvariant())
        {
            cleaned.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        var stem = cleaned.Length > 40 ? cleaned.ToString(0, 40) : cleaned.ToString();
        return $"{stem}_{Guid.NewGuid():N}"[..Math.Min(stem.Length + 13, 63)];
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The directory of initdb and pg_ctl: the PATH first, then the newest /usr/lib/postgresql/*/bin.</summary>
    private static string FindBinaries()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl")))
            {
                return directory;
            }
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(dir => Path.Combine(dir, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), CultureInfo.InvariantCulture, out var v) ? v : 0)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        throw new InvalidOperationException(
            $"PostgreSQL binaries (initdb, pg_ctl) were not found; install PostgreSQL or set {ConnectionStringVariable}.");
    }

    private static async Task TryRunAsync(string fileName, IReadOnlyList<string> arguments, string? asUser)
    {
        try
        {
            await RunAsync(fileName, arguments, asUser).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Best effort (stopping a server that may not be running).
        }
    }

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments, string? asUser)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asUser is null)
        {
            start.FileName = fileName;
        }
        else
        {
            start.FileName = "runuser";
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add(asUser);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(fileName);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        // pg_ctl's server inherits nothing from these pipes (it logs to a file), so reading to the
        // end returns when the command itself exits.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StartTimeout * 2);
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{fileName} {string.Join(' ', arguments)}' exited with {process.ExitCode}: {await stderr.ConfigureAwait(false)}{await stdout.ConfigureAwait(false)}");
        }
    }
}
