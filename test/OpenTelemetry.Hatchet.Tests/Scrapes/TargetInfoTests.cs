using System.Text;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Hatchet.Scrape;
using OpenTelemetry.Resources;

namespace OpenTelemetry.Hatchet.Tests.Scrapes;

/// <summary>
/// The fallback's <c>target_info</c>: the exporter's, byte for byte, for the MeterProvider's resource,
/// whatever its attributes.
/// </summary>
public sealed class TargetInfoTests
{
    // Keys the exporter must rewrite (dots, a leading digit, runs of other characters, empty, two keys
    // that come out the same) and values it must escape or format.
    private static readonly KeyValuePair<string, object>[] AwkwardAttributes =
    [
        new("service.name", "checkout \"eu\"\\west\nline two"),
        new("service.version", "1.2.3-é-日本-😀"),
        new("deployment.environment.name", string.Empty),
        new("1st.key", true),
        new("a--b..c", 42L),
        new("a_b_c", "merged with a--b..c"),
        new("ratio", 0.1),
        new("tiny", 1e-7),
        new("huge", 12345678901234567890.0),
        new("whole", 100.0),
        new("tags", new[] { "a", "b" }),
        new("counts", new long[] { 1, 2 }),
    ];

    public static TheoryData<string> Accepts() =>
    [
        HatchetExposition.PrometheusAccept,
        HatchetExposition.OpenMetricsV0Accept,
        HatchetExposition.TextAccept,
        HatchetExposition.TextV1Accept,
    ];

    [Theory]
    [MemberData(nameof(Accepts))]
    public async Task Fallback_writes_target_info_as_the_exporter_does_for_a_resource_with_awkward_attributes(string accept)
    {
        await using var worker = await HatchetExposition.StartStillWorkerAsync(
            services => services.AddOpenTelemetry().ConfigureResource(resource => resource.AddAttributes(AwkwardAttributes)));
        var format = ExpositionFormats.Negotiate(Encoding.ASCII.GetBytes(accept));

        var exporter = await HatchetExposition.AskExporterUtf8Async(worker, accept);
        var fallback = HatchetExposition.FallbackWithTargetInfo(worker, format);

        var targetInfo = HatchetExposition.TargetInfo(exporter);
        targetInfo.Should().Contain("_1st_key=\"true\"").And.Contain("a_b_c=\"42;merged with a--b..c\"").And.Contain("\\\"eu\\\"\\\\west\\nline two").And.Contain("1.2.3-é-日本-😀");
        fallback.Should().StartWith(targetInfo);
        HatchetExposition.TargetInfo(fallback).Should().Be(targetInfo);
    }

    [Fact]
    public void Resource_without_attributes_gets_no_target_info_as_the_exporter_writes_none()
    {
        var empty = ResourceBuilder.CreateEmpty().Build();

        HatchetFamiliesWriter.TargetInfo.Of(empty).Should().BeNull();
        ExporterInternals.TargetInfo(empty, ExpositionFormat.OpenMetrics).Should().BeEmpty();
        ExporterInternals.TargetInfo(empty, ExpositionFormat.PrometheusText).Should().BeEmpty();
    }

    [Fact]
    public void Any_resource_gets_the_target_info_the_exporters_own_writer_gives_it()
    {
        // Property: for resources of any keys (ASCII words, separators, digits, non-ASCII, lone
        // surrogates, keys that collide once rewritten) and values of every type a resource keeps, the
        // fallback's target_info is the exporter's, in each format.
        var keyPiece = Gen.Frequency(
            (6, Gen.OneOf("service", "name", "a", "b", "_", ".", "-", "..", "1", "9x", "é", "日", "😀", " ", "/", "\"", "A")),
            (1, Gen.Char.Select(c => c.ToString())));
        var key = keyPiece.Array[0, 5].Select(pieces => string.Concat(pieces));
        var text = Gen.Frequency(
            (4, Gen.OneOf("", "x", "\"", "\\", "\n", "\r", "\t", "é", "😀", "\ud800", "\udc00", "a;b", "{}", "=", ",").Array[0, 6].Select(pieces => string.Concat(pieces))),
            (1, Gen.String));
        var number = Gen.Frequency(
            (3, Gen.Double),
            (2, Gen.OneOf(0.0, -0.0, 1.0, 0.1, 1e-4, 9.9e-5, 123456.0, 999999.5, 1e6, 1e21, 1e-300, 5e-324, double.MaxValue, double.NaN, double.PositiveInfinity, double.NegativeInfinity)),
            (2, Gen.Int[-1_000_000, 1_000_000].Select(scaled => scaled / 1000.0)));
        var value = Gen.OneOf<object>(
            text.Select(v => (object)v),
            Gen.Bool.Select(v => (object)v),
            Gen.Long.Select(v => (object)v),
            Gen.Int.Select(v => (object)v),
            number.Select(v => (object)v),
            Gen.Float.Select(v => (object)v),
            text.Array[0, 3].Select(v => (object)v),
            Gen.Long.Array[0, 3].Select(v => (object)v),
            Gen.Bool.Array[0, 3].Select(v => (object)v),
            Gen.Double.Array[0, 3].Select(v => (object)v));
        var resource = Gen.Select(key, value, (k, v) => new KeyValuePair<string, object>(k, v)).Array[0, 40]
            .Select(attributes => ResourceBuilder.CreateEmpty().AddAttributes(attributes).Build());

        resource.Sample(
            resource =>
            {
                var fallback = HatchetFamiliesWriter.TargetInfo.Of(resource);
                return (fallback is null ? string.Empty : Encoding.UTF8.GetString(fallback.For(ExpositionFormat.OpenMetrics))) == ExporterInternals.TargetInfo(resource, ExpositionFormat.OpenMetrics)
                    && (fallback is null ? string.Empty : Encoding.UTF8.GetString(fallback.For(ExpositionFormat.PrometheusText))) == ExporterInternals.TargetInfo(resource, ExpositionFormat.PrometheusText);
            },
            iter: 3_000);
    }

    [Theory]
    [InlineData(HatchetExposition.TextAccept)]
    [InlineData(HatchetExposition.PrometheusAccept)]
    public async Task Target_info_the_application_turned_off_is_not_added_by_the_fallback_either(string accept)
    {
        await using var worker = await HatchetExposition.StartStillWorkerAsync(services =>
        {
            services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("checkout"));
            services.Configure<OpenTelemetry.Exporter.PrometheusHttpListenerOptions>("OpenTelemetry.Hatchet", exporter => exporter.TargetInfoEnabled = false);
        });

        var exporters = await HatchetExposition.ScrapeAsync(worker.Port, accept);
        worker.Health.ReportThreadPoolLag(TimeSpan.FromSeconds(7.25));
        var fallback = await HatchetExposition.ScrapeAsync(worker.Port, accept);

        // Else the series would appear in the scrapes the fallback answers and vanish from the others.
        exporters.Body.Should().Contain("dotnet_", "the exporter answered the first scrape");
        fallback.Body.Should().NotContain("dotnet_", "the fallback answered the second");
        HatchetExposition.TargetInfo(exporters.Body).Should().BeEmpty();
        HatchetExposition.TargetInfo(fallback.Body).Should().BeEmpty();
        fallback.Body.Should().NotContain("checkout");
    }
}
