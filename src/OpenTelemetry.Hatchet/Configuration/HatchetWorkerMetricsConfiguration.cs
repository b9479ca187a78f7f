using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace OpenTelemetry.Hatchet.Configuration;

/// <summary>
/// Fills <see cref="HatchetWorkerMetricsOptions"/> from configuration: the <c>Hatchet:Worker</c> section
/// first, then the Hatchet SDKs' environment variables on top, as environment variables override
/// <c>appsettings.json</c> everywhere else in .NET.
/// </summary>
/// <remarks>
/// The variables are read through <see cref="IConfiguration"/>, which the .NET hosts fill from the
/// environment, so tests and containers can supply them the same way; without an
/// <see cref="IConfiguration"/> they are read from the process environment.
/// </remarks>
internal sealed class HatchetWorkerMetricsConfiguration(IConfiguration? configuration = null) : IConfigureOptions<HatchetWorkerMetricsOptions>
{
    public void Configure(HatchetWorkerMetricsOptions options)
    {
        var failures = new List<string>();
        BindSection(options, failures);

        if (this.ReadBoolean(HatchetEnvironmentVariables.Enabled, failures) is { } enabled)
        {
            options.HealthcheckEnabled = enabled;
        }

        if (this.ReadBoolean(HatchetEnvironmentVariables.OtlpEnabled, failures) is { } otlpEnabled)
        {
            options.OtlpEnabled = otlpEnabled;
        }

        if (this.Read(HatchetEnvironmentVariables.Port) is { } port)
        {
            if (int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= 65535)
            {
                options.HealthcheckPort = value;
            }
            else
            {
                failures.Add($"{HatchetEnvironmentVariables.Port}='{port}' is not a port: use a whole number from 1 to 65535.");
            }
        }

        if (this.Read(HatchetEnvironmentVariables.BindAddress) is { } bindAddress)
        {
            options.HealthcheckBindAddress = bindAddress;
        }

        if (this.Read(HatchetEnvironmentVariables.EventLoopBlockThreshold) is { } threshold)
        {
            if (HatchetSeconds.TryParse(threshold, out var value))
            {
                options.ThreadPoolLagThreshold = value;
            }
            else
            {
                failures.Add($"{HatchetEnvironmentVariables.EventLoopBlockThreshold}='{threshold}' is not a duration: use {HatchetSeconds.AcceptedForms}.");
            }
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(HatchetWorkerMetricsOptions), failures);
        }
    }

    // The binder throws at the first value it cannot convert (an OtlpProtocol that is not Grpc or
    // HttpProtobuf, a port that is not a number); its message names the key and the value.
    private void BindSection(HatchetWorkerMetricsOptions options, List<string> failures)
    {
        try
        {
            configuration?.GetSection(HatchetWorkerMetricsOptions.ConfigurationSectionName).Bind(options);
        }
        catch (InvalidOperationException exception)
        {
            failures.Add(exception.Message);
        }
    }

    private bool? ReadBoolean(string variable, List<string> failures) => HatchetEnvironmentVariables.ReadBoolean(configuration, variable, failures);

    private string? Read(string variable) => HatchetEnvironmentVariables.Read(configuration, variable);
}
