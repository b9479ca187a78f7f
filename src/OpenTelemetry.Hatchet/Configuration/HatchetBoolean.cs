namespace OpenTelemetry.Hatchet.Configuration;

/// <summary>
/// Reads a boolean the way the Python SDK's settings do (pydantic), so that a value written for a Python
/// worker means the same to a .NET one.
/// </summary>
/// <remarks>
/// pydantic compares the variable's value as it is with its words, ignoring case only (pydantic-core
/// <c>str_as_bool</c>; pydantic-settings does not strip environment variables): <c>" true "</c> or
/// <c>"true\n"</c> stops a Python worker with a validation error. So it is refused here too, and the
/// worker does not start, with a message that shows the value in quotes, rather than mean "on" to .NET and
/// a crash to Python.
/// </remarks>
internal static class HatchetBoolean
{
    public const string AcceptedWords = "true, 1, yes, on, t, y or false, 0, no, off, f, n (any case, nothing around it)";

    private static readonly string[] TrueWords = ["true", "1", "yes", "on", "t", "y"];
    private static readonly string[] FalseWords = ["false", "0", "no", "off", "f", "n"];

    public static bool TryParse(string? text, out bool value)
    {
        var word = text ?? string.Empty;
        value = Matches(TrueWords, word);
        return value || Matches(FalseWords, word);
    }

    // .NET's ordinal case never matches a non-ASCII letter with an ASCII one ("yeſ" is not "yes"), so this is
    // pydantic's eq_ignore_ascii_case for these words.
    private static bool Matches(string[] words, string word)
        => Array.Exists(words, candidate => string.Equals(candidate, word, StringComparison.OrdinalIgnoreCase));
}
