using System.Buffers;
using System.Globalization;
using System.Text;
using OpenTelemetry.Hatchet.Metrics;

namespace OpenTelemetry.Hatchet.Healthcheck;

/// <summary>
/// Writes the <c>hatchet_worker_*</c> families exactly as the OpenTelemetry Prometheus exporter writes them
/// (names, labels, <c># TYPE</c>, <c># UNIT</c>, <c># HELP</c>, values), from <see cref="HatchetWorkerHealth"/>
/// and without the thread pool: for the scrapes the exporter cannot answer in time, and for answers of the
/// exporter that lack them.
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

    /// <summary>A whole answer of the Hatchet families only, as the exporter would end it.</summary>
    public static byte[] WriteExposition(HatchetWorkerHealth health, ExpositionFormat format)
    {
        var output = new ArrayBufferWriter<byte>(2048);
        WriteFamilies(output, health, format, present: default);
        if (format == ExpositionFormat.OpenMetrics)
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
        var endsWithEof = format == ExpositionFormat.OpenMetrics && body.EndsWith(EndOfFile);
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
            if (format == ExpositionFormat.OpenMetrics)
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
