using System.Text.RegularExpressions;

namespace OpenTelemetry.Hatchet.Tests.Prometheus;

/// <summary>
/// The metric names a PromQL expression selects, found with a few regular expressions rather than a parser:
/// enough for the plain expressions of alerting rules and dashboards, and tested on such expressions.
/// </summary>
internal static partial class PromQlMetricNames
{
    // Words that are PromQL syntax, not metric names, when they stand outside a function call.
    private static readonly HashSet<string> Keywords = ["and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan"];

    public static IReadOnlySet<string> In(string expression)
    {
        var text = QuotedString().Replace(expression, "\"\"");          // label values, which may hold any word
        text = Braces().Replace(text, "{}");                            // label matchers
        text = Brackets().Replace(text, "[]");                          // ranges such as [5m] or [$__rate_interval]
        text = Grouping().Replace(text, " ");                           // by (instance), on (job): label names
        text = LabelValuesLabel().Replace(text, ")");                   // Grafana's label_values(metric, label)
        return Identifier().Matches(text)
            .Select(match => match.Value)
            .Where(word => !Keywords.Contains(word.ToLowerInvariant()))
            .ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'")]
    private static partial Regex QuotedString();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@",\s*[A-Za-z_]\w*\s*\)")]
    private static partial Regex LabelValuesLabel();

    // A name not inside another word or after a '$' (a Grafana variable), and not followed by '(' (a function).
    [GeneratedRegex(@"(?<![\w:$.])[A-Za-z_:][\w:]*(?![\w:])(?!\s*\()")]
    private static partial Regex Identifier();
}
