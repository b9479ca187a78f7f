using StarvationProbe;

// build/starvation.sh drives this. Two modes:
//   run --label TEXT --out FILE [--threshold-seconds S] [--saturation-seconds S]
//       one measurement; the summary goes to stdout and, for `compare`, to FILE.
//   compare FILE...
//       the runs' summaries side by side, as markdown.
if (args is ["compare", .. var files])
{
    Console.Write(Report.Compare(files));
    return 0;
}

if (args is not ["run", .. var options] || options.Length % 2 != 0)
{
    Console.Error.WriteLine("usage: StarvationProbe run --label TEXT --out FILE [--threshold-seconds S] [--saturation-seconds S] | compare FILE...");
    return 2;
}

var named = Enumerable.Range(0, options.Length / 2).ToDictionary(i => options[2 * i], i => options[(2 * i) + 1], StringComparer.Ordinal);
var settings = new MeasurementSettings(named.GetValueOrDefault("--label", "run"), named.GetValueOrDefault("--threshold-seconds"));
if (named.TryGetValue("--saturation-seconds", out var saturation))
{
    settings = settings with { Saturation = TimeSpan.FromSeconds(double.Parse(saturation, System.Globalization.CultureInfo.InvariantCulture)) };
}

if (named.TryGetValue("--port", out var port))
{
    settings = settings with { Port = int.Parse(port, System.Globalization.CultureInfo.InvariantCulture) };
}

var run = Measurement.Run(settings);
foreach (var (key, value) in RunSummary.Rows(run))
{
    Console.WriteLine($"{key}: {value}");
}

foreach (var line in RunSummary.Timeline(run))
{
    Console.WriteLine(line);
}

if (named.TryGetValue("--out", out var file))
{
    Report.Write(run, file);
}

return 0;
