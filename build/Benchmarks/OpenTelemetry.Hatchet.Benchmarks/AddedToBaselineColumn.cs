using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace OpenTelemetry.Hatchet.Benchmarks;

/// <summary>
/// What a row adds to the baseline of its group, in nanoseconds: this row's mean minus the baseline's, both
/// from the same run. With one operation per message, it is the cost of each message.
/// </summary>
internal sealed class AddedToBaselineColumn : IColumn
{
    public string Id => nameof(AddedToBaselineColumn);

    public string ColumnName => "Added ns";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Baseline;

    public int PriorityInCategory => -1;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "This row's mean minus its group's baseline (the same call or message without the interceptor), in ns, from the same run";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => this.GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var baseline = summary.GetBaseline(summary.GetLogicalGroupKey(benchmarkCase));
        if (baseline is null || baseline == benchmarkCase
            || summary[benchmarkCase]?.ResultStatistics is not { } row
            || summary[baseline]?.ResultStatistics is not { } bare)
        {
            return "-";
        }

        return (row.Mean - bare.Mean).ToString("N1", CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}

/// <summary>Adds <see cref="AddedToBaselineColumn"/> to a benchmark class's summary.</summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class AddedToBaselineColumnAttribute : ColumnConfigBaseAttribute
{
    public AddedToBaselineColumnAttribute()
        : base(new AddedToBaselineColumn())
    {
    }
}
