using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>The demo product's dunning as the tests of real silo processes drive it over HTTP.</summary>
public static class DunningApi
{
    /// <summary>Sets the demo product's policy (admin API): one step per (ISO 8601 duration, action, template).</summary>
    public static async Task SetPolicyAsync(HttpClient admin, params (TimeSpan After, string Action, string Template)[] steps)
    {
        using var response = await admin.PutAsJsonAsync("/admin/v1/products/demo/dunning", new
        {
            steps = steps.Select(s => new { after = System.Xml.XmlConvert.ToString(s.After), action = s.Action, template = s.Template }),
        }, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>When the customer's open episode started (the far future when none is open) and how many of its steps were taken.</summary>
    public static async Task<(DateTimeOffset StartedAt, int StepsTaken)> DunningAsync(HttpClient api, string customer)
    {
        var dunning = await api.GetFromJsonAsync<JsonElement>(new Uri($"/v1/customers/{customer}/dunning", UriKind.Relative), TestContext.Current.CancellationToken);
        return dunning.GetProperty("startedAt").ValueKind == JsonValueKind.Null
            ? (DateTimeOffset.MaxValue, 0)
            : (dunning.GetProperty("startedAt").GetDateTimeOffset(), dunning.GetProperty("steps").EnumerateArray().Count(step => step.GetProperty("taken").GetBoolean()));
    }
}
