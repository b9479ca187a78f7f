using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace OpenTelemetry.Hatchet.Logs;

/// <summary>
/// Formats an <c>ILogger</c> message template with its values as <c>Microsoft.Extensions.Logging</c> does
/// (<c>LogValuesFormatter</c>): each <c>{Name[,alignment][:format]}</c> replaced by its value under the invariant
/// culture, <c>{{</c> and <c>}}</c> as single braces, a null as <c>(null)</c>, a sequence as its items joined by
/// <c>", "</c>. The OpenTelemetry SDK gives a record its template and values but not the formatted text unless
/// <c>IncludeFormattedMessage</c> is on, which would format every record of the application, not only a run's.
/// </summary>
internal static class MessageTemplate
{
    public const string OriginalFormat = "{OriginalFormat}";

    /// <summary>The template with its values; the template as it is when a hole names no value or is not closed.</summary>
    public static string Format(string template, IReadOnlyList<KeyValuePair<string, object?>>? values)
    {
        if (template.AsSpan().IndexOfAny('{', '}') < 0)
        {
            return template;
        }

        var text = new DefaultInterpolatedStringHandler(template.Length, 0, CultureInfo.InvariantCulture, stackalloc char[256]);
        var hole = 0;
        var i = 0;
        while (i < template.Length)
        {
            var brace = template.AsSpan(i).IndexOfAny('{', '}');
            if (brace < 0)
            {
                text.AppendFormatted(template.AsSpan(i));
                break;
            }

            text.AppendFormatted(template.AsSpan(i, brace));
            i += brace;
            var c = template[i];
            if (i + 1 < template.Length && template[i + 1] == c)
            {
                text.AppendFormatted(c);
                i += 2;
                continue;
            }

            if (c == '}')
            {
                text.AppendFormatted(c);
                i++;
                continue;
            }

            var close = template.IndexOf('}', i + 1);
            if (close < 0 || !TryAppendHole(ref text, template.AsSpan(i + 1, close - i - 1), hole, values))
            {
                text.ToStringAndClear();
                return template;
            }

            hole++;
            i = close + 1;
        }

        return text.ToStringAndClear();
    }

    private static bool TryAppendHole(ref DefaultInterpolatedStringHandler text, ReadOnlySpan<char> hole, int position, IReadOnlyList<KeyValuePair<string, object?>>? values)
    {
        var end = hole.IndexOfAny(',', ':');
        var name = end < 0 ? hole : hole[..end];
        if (!TryFind(values, name, position, out var value))
        {
            return false;
        }

        var alignment = 0;
        string? format = null;
        if (end >= 0)
        {
            var colon = hole.IndexOf(':');
            var alignmentText = colon < 0 ? hole[(end + 1)..] : colon > end ? hole[(end + 1)..colon] : default;
            if (!alignmentText.IsEmpty && !int.TryParse(alignmentText, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out alignment))
            {
                return false;
            }

            format = colon < 0 ? null : hole[(colon + 1)..].ToString();
        }

        text.AppendFormatted(Argument(value), alignment, format);
        return true;
    }

    // The values are in template order (FormattedLogValues), or named (the logging source generator's own order).
    private static bool TryFind(IReadOnlyList<KeyValuePair<string, object?>>? values, ReadOnlySpan<char> name, int position, out object? value)
    {
        value = null;
        if (values is null)
        {
            return false;
        }

        // Each read of the logging generator's values boxes a value type again: one read per value.
        if (position < values.Count && values[position] is var at && name.SequenceEqual(at.Key))
        {
            value = at.Value;
            return true;
        }

        for (var i = 0; i < values.Count; i++)
        {
            var pair = values[i];
            if (name.SequenceEqual(pair.Key))
            {
                value = pair.Value;
                return true;
            }
        }

        return false;
    }

    private static object Argument(object? value) => value switch
    {
        null => "(null)",
        string => value,
        IEnumerable items => Joined(items),
        _ => value,
    };

    private static string Joined(IEnumerable items)
    {
        var text = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[256]);
        var first = true;
        foreach (var item in items)
        {
            if (!first)
            {
                text.AppendLiteral(", ");
            }

            text.AppendFormatted(item ?? "(null)");
            first = false;
        }

        return text.ToStringAndClear();
    }
}
