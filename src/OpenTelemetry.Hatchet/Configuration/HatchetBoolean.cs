namespace OpenTelemetry.Hatchet.Configuration;

/// <summary>
/// Reads a boolean the way the Python SDK's settings do (pydantic), so that a value written for a Python
/// worker means the same to a .NET one.
/// </summary>
internal static class HatchetBoolean
{
    public const string AcceptedWords = "true, 1, yes, on, t, y or false, 0, no, off, f, n (any case)";

    private static readonly string[] TrueWords = ["true", "1", "yes", "on", "t", "y"];
    private static readonly string[] FalseWords = ["false", "0", "no", "off", "f", "n"];

    public static bool TryParse(string? text, out bool value)
    {
        var word = text?.Trim() ?? string.Empty;
        value = Matches(TrueWords, word);
        return value || Matches(FalseWords, word);
    }

    private static bool Matches(string[] words, string word)
        => Array.Exists(words, candidate => string.Equals(candidate, word, StringComparison.OrdinalIgnoreCase));
}
