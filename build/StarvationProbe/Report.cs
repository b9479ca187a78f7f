using System.Text;

namespace StarvationProbe;

/// <summary>
/// A run's summary as a small text file (one row per line, tab-separated), and several runs' files as one
/// markdown report with the runs side by side.
/// </summary>
internal static class Report
{
    public static void Write(RunRecord run, string file)
    {
        var text = new StringBuilder().Append("run\t").AppendLine(run.Label);
        foreach (var (key, value) in RunSummary.Rows(run))
        {
            text.Append("row\t").Append(key).Append('\t').AppendLine(value);
        }

        foreach (var line in RunSummary.Timeline(run))
        {
            text.Append("timeline\t").AppendLine(line);
        }

        File.WriteAllText(file, text.ToString());
    }

    /// <summary>Prints the rows of every run as one table, a column per run, then each run's timeline.</summary>
    public static string Compare(IEnumerable<string> files)
    {
        var runs = files.Select(Read).ToList();
        var keys = runs.SelectMany(run => run.Rows.Keys).Distinct().ToList();
        var text = new StringBuilder("| |");
        foreach (var run in runs)
        {
            text.Append(' ').Append(run.Label).Append(" |");
        }

        text.AppendLine().Append("| --- |").AppendJoin(string.Empty, runs.Select(_ => " --- |")).AppendLine();
        foreach (var key in keys)
        {
            text.Append("| ").Append(key).Append(" |");
            foreach (var run in runs)
            {
                text.Append(' ').Append(run.Rows.GetValueOrDefault(key, "—").Replace("|", "\\|", StringComparison.Ordinal)).Append(" |");
            }

            text.AppendLine();
        }

        foreach (var run in runs)
        {
            text.AppendLine().Append("### Timeline: ").AppendLine(run.Label).AppendLine().AppendLine("```");
            run.Timeline.ForEach(line => text.AppendLine(line));
            text.AppendLine("```");
        }

        return text.ToString();
    }

    private static (string Label, Dictionary<string, string> Rows, List<string> Timeline) Read(string file)
    {
        var label = file;
        var rows = new Dictionary<string, string>();
        var timeline = new List<string>();
        foreach (var line in File.ReadLines(file))
        {
            var fields = line.Split('\t');
            switch (fields[0])
            {
                case "run":
                    label = fields[1];
                    break;
                case "row" when fields.Length == 3:
                    rows[fields[1]] = fields[2];
                    break;
                case "timeline":
                    timeline.Add(line["timeline\t".Length..]);
                    break;
                default:
                    throw new InvalidDataException($"{file}: unexpected line '{line}'");
            }
        }

        return (label, rows, timeline);
    }
}
