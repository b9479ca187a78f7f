namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// A span's attributes kept as the Python SDK's instrumentor keeps them: <c>instrumentor</c> first, then
/// <c>hatchet.{name}</c> for each value that is truthy, not <c>"{}"</c> or <c>"[]"</c>, and not named in
/// <c>excluded_attributes</c> (<c>if v and k not in self.config.otel.excluded_attributes and v != "{}" and v != "[]"</c>,
/// instrumentor.py lines 919-924).
/// </summary>
internal sealed class FilteredAttributes(ISet<string> excluded)
{
    /// <summary>The attribute every span of the instrumentor has, <c>instrumentor</c>=<c>hatchet</c>.</summary>
    public const string InstrumentorKey = "instrumentor";

    public List<KeyValuePair<string, object?>> Tags { get; } = [new(InstrumentorKey, HatchetActivitySource.Instrumentor)];

    /// <summary>A text value: kept unless empty, <c>"{}"</c>, <c>"[]"</c> or excluded.</summary>
    public void Add(string name, string? value)
    {
        if (!string.IsNullOrEmpty(value) && value is not ("{}" or "[]") && !excluded.Contains(name))
        {
            this.Tags.Add(new("hatchet." + name, value));
        }
    }

    /// <summary>A number: kept unless absent, 0 (falsy in Python) or excluded.</summary>
    public void Add(string name, int? value)
    {
        if (value is { } number && number != 0 && !excluded.Contains(name))
        {
            this.Tags.Add(new("hatchet." + name, number));
        }
    }
}
