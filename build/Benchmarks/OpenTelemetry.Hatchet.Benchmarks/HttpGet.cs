namespace OpenTelemetry.Hatchet.Benchmarks;

/// <summary>One request as a scraper or probe makes it: GET, the whole body read, on a kept-alive connection.</summary>
internal static class HttpGet
{
    public static async Task DrainAsync(HttpClient client, Uri url)
    {
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        await response.Content.CopyToAsync(Stream.Null).ConfigureAwait(false);
    }
}
