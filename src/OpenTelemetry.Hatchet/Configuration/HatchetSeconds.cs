using System.Globalization;

namespace OpenTelemetry.Hatchet.Configuration;

/// <summary>
/// Reads a number of seconds the way the Python SDK does: <c>5</c>, <c>2.5</c> or <c>5s</c>.
/// </summary>
internal static class HatchetSeconds
{
    public const string AcceptedForms = "a positive number of seconds such as 5, 2.5 or 5s";

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        var number = text?.Trim() ?? string.Empty;
        if (number.EndsWith('s') || number.EndsWith('S'))
        {
            number = number[..^1].TrimEnd();
        }

        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            || seconds <= 0
            || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(seconds);
        return true;
    }
}
