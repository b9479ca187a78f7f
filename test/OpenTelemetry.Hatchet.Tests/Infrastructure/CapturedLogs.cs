using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>A logger provider that keeps every line, so tests can read what an operator would see.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> lines = new();

    public IReadOnlyList<LogLine> Lines => [.. this.lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    internal sealed record LogLine(string Category, LogLevel Level, string Message, Exception? Exception);

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => owner.lines.Enqueue(new LogLine(category, logLevel, formatter(state, exception), exception));
    }
}
