namespace OpenTelemetry.Hatchet.Logs;

/// <summary>
/// A record waiting to be sent: what a <c>PutLog</c> request carries, held by value in the queue so that queuing a
/// record makes no object of its own.
/// </summary>
internal readonly record struct PendingTaskLog(string TaskRunId, int RetryCount, DateTime CreatedAt, string Level, string Message);
