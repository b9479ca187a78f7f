using System.Text.Json;
using System.Text.RegularExpressions;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Prometheus;

/// <summary>The files of examples/operations, and the PromQL queries their alerting rules and dashboard hold.</summary>
internal static partial class OperatorKit
{
    public static string Directory { get; } = Path.Combine(Repository.Root, "examples", "operations");

    public static string PrometheusConfig { get; } = Path.Combine(Directory, "prometheus", "prometheus.yml");

    public static string AlertingRules { get; } = Path.Combine(Directory, "prometheus", "hatchet-worker-alerts.yml");

    public static string AlertingRulesTests { get; } = Path.Combine(Directory, "prometheus", "hatchet-worker-alerts.test.yml");

    public static string Dashboard { get; } = Path.Combine(Directory, "grafana", "hatchet-worker-dashboard.json");

    public static string KubernetesManifest { get; } = Path.Combine(Directory, "kubernetes", "worker-service.yaml");

    /// <summary>The <c>expr:</c> of every rule. Rules keep each expression on its line, which this reads without a YAML parser.</summary>
    public static IReadOnlyList<string> RuleExpressions()
    {
        var expressions = RuleExpression().Matches(File.ReadAllText(AlertingRules)).Select(match => match.Groups["expr"].Value.Trim()).ToList();
        expressions.Should().NotContain(expression => expression.StartsWith('|') || expression.StartsWith('>'), "rule expressions are read one line each");
        return expressions;
    }

    /// <summary>Every query of the dashboard: its panels' <c>expr</c> and its query variables' <c>query</c>.</summary>
    public static IReadOnlyList<string> DashboardQueries()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Dashboard));
        var queries = new List<string>();
        CollectExpressions(json.RootElement, queries);
        foreach (var variable in json.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            // Only a "query" variable holds PromQL; a datasource or textbox variable's query is a plain word.
            if (variable.GetProperty("type").GetString() == "query")
            {
                var query = variable.GetProperty("query");
                queries.Add((query.ValueKind == JsonValueKind.String ? query : query.GetProperty("query")).GetString()!);
            }
        }

        return queries;
    }

    private static void CollectExpressions(JsonElement element, List<string> queries)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                CollectExpressions(item, queries);
            }
        }
        else if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == "expr")
                {
                    queries.Add(property.Value.GetString()!);
                }

                CollectExpressions(property.Value, queries);
            }
        }
    }

    [GeneratedRegex(@"(?m)^\s*expr:\s*(?<expr>.+)$")]
    private static partial Regex RuleExpression();
}
