using System.Buffers;
using System.Globalization;
using System.Text;
using OpenTelemetry.Hatchet.Metrics;
using OpenTelemetry.Resources;

namespace OpenTelemetry.Hatchet.Scrape;

/// <summary>
/// Writes the <c>hatchet_worker_*</c> families exactly as the OpenTelemetry Prometheus exporter writes them
/// (names, labels, <c># TYPE</c>, <c># UNIT</c>, <c># HELP</c>, values), from <see cref="HatchetWorkerHealth"/>
/// and without the thread pool: for the scrapes the exporter cannot answer in time, and for answers of the
/// exporter that lack them. Given the <see cref="TargetInfo"/> of the MeterProvider's resource, the answer
/// starts with <c>target_info</c>, as the exporter's does.
/// </summary>
internal static class HatchetFamiliesWriter
{
    // In the exporter's order: by name.
    private static readonly Family[] Families =
    [
        .. new (HatchetWorkerGauge Gauge, Func<HatchetWorkerHealth, string?> Read)[]
        {
            (HatchetWorkerGauges.Status, health => Integer(HatchetWorkerGauges.ReadStatus(health))),
            (HatchetWorkerGauges.ListenerHealth, health => Integer(HatchetWorkerGauges.ReadListenerHealth(health))),
            (HatchetWorkerGauges.EventLoopLag, health => HatchetWorkerGauges.ReadEventLoopLag(health).ToString(CultureInfo.InvariantCulture)),
            (HatchetWorkerGauges.Slots, health => Integer(HatchetWorkerGauges.ReadSlots(health))),
            (HatchetWorkerGauges.Actions, health => Integer(HatchetWorkerGauges.ReadActions(health))),
        }
        .OrderBy(gauge => gauge.Gauge.PrometheusName, StringComparer.Ordinal)
        .Select(gauge => new Family(gauge.Gauge, gauge.Read)),
    ];

    private static ReadOnlySpan<byte> EndOfFile => "# EOF\n"u8;

    /// <summary>A whole answer of the Hatchet families only, as the exporter would end it, without <c>target_info</c>.</summary>
    public static byte[] WriteExposition(HatchetWorkerHealth health, ExpositionFormat format)
        => WriteExposition(health, format, targetInfo: null);

    /// <summary>
    /// A whole answer of <paramref name="targetInfo"/>'s <c>target_info</c> family (none when
    /// <see langword="null"/>) and the Hatchet families, as the exporter would begin and end it.
    /// </summary>
    public static byte[] WriteExposition(HatchetWorkerHealth health, ExpositionFormat format, TargetInfo? targetInfo)
    {
        var output = new ArrayBufferWriter<byte>(2048);
        if (targetInfo is not null)
        {
            output.Write(targetInfo.For(format));
        }

        WriteFamilies(output, health, format, present: default);
        if (ExpositionFormats.IsOpenMetrics(format))
        {
            output.Write(EndOfFile);
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The exporter's <paramref name="exposition"/> with the Hatchet families it lacks added (before
    /// <c># EOF</c> in OpenMetrics), or <see langword="null"/> when it lacks none.
    /// </summary>
    public static byte[]? Complete(ReadOnlySpan<byte> exposition, HatchetWorkerHealth health, ExpositionFormat format)
    {
        var complete = true;
        foreach (var family in Families)
        {
            complete &= Contains(exposition, family) || family.Read(health) is null;
        }

        if (complete)
        {
            return null;
        }

        var body = exposition;
        var endsWithEof = ExpositionFormats.IsOpenMetrics(format) && body.EndsWith(EndOfFile);
        if (endsWithEof)
        {
            body = body[..^EndOfFile.Length];
        }

        var output = new ArrayBufferWriter<byte>(exposition.Length + 2048);
        output.Write(body);
        WriteFamilies(output, health, format, exposition);
        if (endsWithEof)
        {
            output.Write(EndOfFile);
        }

        return output.WrittenSpan.ToArray();
    }

    private static void WriteFamilies(ArrayBufferWriter<byte> output, HatchetWorkerHealth health, ExpositionFormat format, ReadOnlySpan<byte> present)
    {
        foreach (var family in Families)
        {
            // A family the exporter wrote stays as it wrote it; one without a value is left out, as the exporter does.
            if ((!present.IsEmpty && Contains(present, family)) || family.Read(health) is not { } value)
            {
                continue;
            }

            output.Write(family.TypeLine);
            if (ExpositionFormats.IsOpenMetrics(format))
            {
                output.Write(family.UnitLine);
            }

            output.Write(family.HelpLine);
            output.Write(family.SamplePrefix);
            Write(output, value);
            output.Write("\n"u8);
        }
    }

    private static bool Contains(ReadOnlySpan<byte> exposition, Family family)
        => exposition.StartsWith(family.TypeLine) || exposition.IndexOf(family.TypeLineAfterLine) >= 0;

    private static string? Integer(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static void Write(ArrayBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    /// <summary>
    /// The <c>target_info</c> family the exporter writes first in every answer, in both formats, from its
    /// MeterProvider's resource (<c>TargetInfoEnabled</c>, on by default): written once, byte for byte as
    /// the exporter writes it (1.20.1-beta.1), so the fallback answer can begin with it too.
    /// </summary>
    /// <remarks>
    /// Each attribute is a label, in the resource's order. A key is written as the exporter's underscore
    /// escaping writes it: empty is <c>_</c>; a key that starts with a digit or holds a character other than
    /// an ASCII letter, digit or <c>_</c> gets <c>_</c> before a leading digit and for each run of such
    /// characters. Attributes whose keys come out the same share one label, their values joined with
    /// <c>;</c> in the ordinal order of their original keys. A value is written as the exporter writes a
    /// label value (<c>true</c>/<c>false</c>, integers and decimals invariant, floating point in its
    /// canonical form, anything else by its invariant <c>ToString</c>), with <c>\</c>, <c>"</c> and line
    /// feed escaped and lone surrogates as U+FFFD.
    /// </remarks>
    public sealed class TargetInfo
    {
        private static readonly SearchValues<char> LabelKeyCharacters =
            SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");

        private readonly byte[] text;
        private readonly byte[] openMetrics;

        private TargetInfo(byte[] text, byte[] openMetrics)
        {
            this.text = text;
            this.openMetrics = openMetrics;
        }

        /// <summary>
        /// The <c>target_info</c> the exporter writes for <paramref name="resource"/> (the MeterProvider's:
        /// <c>meterProvider.GetResource()</c>), or <see langword="null"/> when it writes none: a resource
        /// without attributes.
        /// </summary>
        public static TargetInfo? Of(Resource resource)
        {
            ArgumentNullException.ThrowIfNull(resource);
            var labels = new List<(string Key, List<(string OriginalKey, string Value)> Values)>();
            foreach (var (key, value) in resource.Attributes)
            {
                var outputKey = LabelKey(key);
                var label = labels.FindIndex(label => string.Equals(label.Key, outputKey, StringComparison.Ordinal));
                if (label < 0)
                {
                    labels.Add((outputKey, []));
                    label = labels.Count - 1;
                }

                labels[label].Values.Add((key, LabelValue(value)));
            }

            if (labels.Count == 0)
            {
                return null;
            }

            var sample = new StringBuilder("target_info{");
            foreach (var (key, values) in labels)
            {
                var value = values.Count == 1
                    ? values[0].Value
                    : string.Join(';', values.OrderBy(value => value.OriginalKey, StringComparer.Ordinal).Select(value => value.Value));
                sample.Append(key).Append("=\"").Append(EscapeLabelValue(value)).Append("\",");
            }

            sample.Length--;
            sample.Append("} 1\n");
            var sampleLine = Encoding.UTF8.GetBytes(sample.ToString());
            return new TargetInfo(
                [.. "# TYPE target_info gauge\n# HELP target_info Target metadata\n"u8, .. sampleLine],
                [.. "# TYPE target info\n# HELP target Target metadata\n"u8, .. sampleLine]);
        }

        /// <summary>The family's lines in <paramref name="format"/>.</summary>
        public ReadOnlySpan<byte> For(ExpositionFormat format) => ExpositionFormats.IsOpenMetrics(format) ? this.openMetrics : this.text;

        private static string LabelKey(string key)
        {
            if (key.Length == 0)
            {
                return "_";
            }

            if (!char.IsAsciiDigit(key[0]) && !key.AsSpan().ContainsAnyExcept(LabelKeyCharacters))
            {
                return key;
            }

            var output = new StringBuilder(key.Length + 1);
            var afterUnderscore = false;
            if (char.IsAsciiDigit(key[0]))
            {
                output.Append('_');
                afterUnderscore = true;
            }

            foreach (var character in key)
            {
                if (LabelKeyCharacters.Contains(character))
                {
                    output.Append(character);
                    afterUnderscore = character == '_';
                }
                else if (!afterUnderscore)
                {
                    output.Append('_');
                    afterUnderscore = true;
                }
            }

            return output.ToString();
        }

        private static string LabelValue(object? value) => value switch
        {
            null => string.Empty,
            string text => text,
            bool flag => flag ? "true" : "false",
            float number => CanonicalNumber(number),
            double number => CanonicalNumber(number),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };

        // The OpenMetrics canonical number: the shortest digits that read back as the value, in plain
        // notation with at least one decimal when its decimal exponent is from -4 to 5, else as d.ddde±XX.
        private static string CanonicalNumber(double value)
        {
            if (double.IsNaN(value))
            {
                return "NaN";
            }

            if (double.IsInfinity(value))
            {
                return value > 0 ? "+Inf" : "-Inf";
            }

            if (value == 0)
            {
                return "0.0";
            }

            var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
            var e = shortest.IndexOfAny(['E', 'e']);
            var mantissa = e < 0 ? shortest : shortest[..e];
            var exponent = e < 0 ? 0 : int.Parse(shortest[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            var point = mantissa.IndexOf('.', StringComparison.Ordinal);
            var digits = mantissa.Replace(".", string.Empty, StringComparison.Ordinal);
            exponent += (point < 0 ? mantissa.Length : point) - 1;
            var leadingZeros = digits.Length - digits.TrimStart('0').Length;
            digits = digits.Trim('0');
            exponent -= leadingZeros;

            var text = new StringBuilder(value < 0 ? "-" : string.Empty);
            if (exponent is >= -4 and < 6)
            {
                if (exponent < 0)
                {
                    text.Append("0.").Append('0', -exponent - 1).Append(digits);
                }
                else
                {
                    var whole = exponent + 1;
                    text.Append(digits.Length >= whole ? digits[..whole] : digits.PadRight(whole, '0'))
                        .Append('.')
                        .Append(digits.Length > whole ? digits[whole..] : "0");
                }
            }
            else
            {
                text.Append(digits[0]);
                if (digits.Length > 1)
                {
                    text.Append('.').Append(digits, 1, digits.Length - 1);
                }

                text.Append(exponent < 0 ? "e-" : "e+").Append(Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture));
            }

            return text.ToString();
        }

        // Lone surrogates become U+FFFD when the line is encoded, as the exporter writes them.
        private static string EscapeLabelValue(string text)
            => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
    }

    private sealed class Family
    {
        public Family(HatchetWorkerGauge gauge, Func<HatchetWorkerHealth, string?> read)
        {
            var name = gauge.PrometheusName;
            this.Read = read;
            this.TypeLine = Encoding.UTF8.GetBytes($"# TYPE {name} gauge\n");
            this.TypeLineAfterLine = [(byte)'\n', .. this.TypeLine];
            this.UnitLine = UnitName(gauge.Unit) is { } unit ? Encoding.UTF8.GetBytes($"# UNIT {name} {unit}\n") : [];
            this.HelpLine = Encoding.UTF8.GetBytes($"# HELP {name} {EscapeHelp(gauge.Description)}\n");
            var version = $",otel_scope_version=\"{EscapeLabel(HatchetWorkerMeter.Version)}\"";
            this.SamplePrefix = Encoding.UTF8.GetBytes($"{name}{{otel_scope_name=\"{EscapeLabel(HatchetWorkerMeter.MeterName)}\"{version}}} ");
        }

        public Func<HatchetWorkerHealth, string?> Read { get; }

        public byte[] TypeLine { get; }

        public byte[] TypeLineAfterLine { get; }

        public byte[] UnitLine { get; }

        public byte[] HelpLine { get; }

        public byte[] SamplePrefix { get; }

        private static string? UnitName(string? unit) => unit switch
        {
            null => null,
            "s" => "seconds",
            _ => throw new InvalidOperationException($"The Prometheus name of the unit '{unit}' is not known here."),
        };

        private static string EscapeHelp(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

        private static string EscapeLabel(string text) => EscapeHelp(text).Replace("\"", "\\\"", StringComparison.Ordinal);
    }
}
