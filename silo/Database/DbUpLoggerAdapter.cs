using System.Globalization;
using DbUp.Engine.Output;
using Microsoft.Extensions.Logging;

namespace OrleansBilling.Silo.Database;

/// <summary>Forwards DbUp's progress messages to Microsoft.Extensions.Logging.</summary>
/// <remarks>
/// DbUp hands over composite format strings (<c>{0}</c>), which are not logging message templates;
/// they are formatted here and logged as one <c>Message</c> property.
/// </remarks>
internal sealed partial class DbUpLoggerAdapter(ILogger logger) : IUpgradeLog
{
    public void LogTrace(string format, params object[] args) => Write(LogLevel.Trace, null, format, args);

    public void LogDebug(string format, params object[] args) => Write(LogLevel.Debug, null, format, args);

    public void LogInformation(string format, params object[] args) => Write(LogLevel.Information, null, format, args);

    public void LogWarning(string format, params object[] args) => Write(LogLevel.Warning, null, format, args);

    public void LogError(string format, params object[] args) => Write(LogLevel.Error, null, format, args);

    public void LogError(Exception ex, string format, params object[] args) => Write(LogLevel.Error, ex, format, args);

    private void Write(LogLevel level, Exception? exception, string format, object[] args)
    {
        if (!logger.IsEnabled(level))
        {
            return;
        }

        var message = args is { Length: > 0 } ? string.Format(CultureInfo.InvariantCulture, format, args) : format;
        Log(logger, level, exception, message);
    }

    [LoggerMessage(EventId = 1, EventName = "DbUp", Message = "DbUp: {Message}")]
    private static partial void Log(ILogger logger, LogLevel level, Exception? exception, string message);
}
