using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.Tests.EndToEnd;
using OrleansBilling.Tests.Http;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Browser;

/// <summary>
/// The support console in a real browser (issue 12 §3–4), on the local default with Stripe.net and the sandbox: find a
/// customer, see why they were charged, refund part of an invoice once however often it is confirmed, grant an override,
/// and find each action in the customer's timeline and the audit trail under the person's name; a support agent is refused
/// a refund, and a form without its antiforgery token changes nothing. Every page is checked by axe-core and kept as a
/// screenshot.
/// </summary>
[Trait(TestKind.Trait, TestKind.EndToEnd)]
public sealed class ConsoleCustomerTests(SandboxConsoleService service, Chromium chromium) : IClassFixture<SandboxConsoleService>, IClassFixture<Chromium>
{
    private const string SearchLabel = "Customer id, email address, or Stripe customer, subscription or invoice id";

    [Fact]
    public async Task Finance_finds_a_customer_by_email_sees_the_charge_and_refunds_part_of_it_once_however_often_confirmed()
    {
        using var api = service.Client();
        var subscription = await api.SubscribeToStripeSubscriptionAsync("cons_ana");
        await api.AllDeliveredAsync();
        var invoice = (await api.StripeGetAsync($"subscriptions/{subscription}")).GetProperty("latest_invoice").GetString()!;
        var intent = (await api.StripeGetAsync($"invoices/{invoice}?expand[]=payments")).GetProperty("payments").GetProperty("data")[0]
            .GetProperty("payment").GetProperty("payment_intent").GetString()!;
        var charge = (await api.StripeGetAsync($"payment_intents/{intent}")).GetProperty("latest_charge").GetString()!;

        var page = await SignedInAsync(SandboxConsoleService.FinancePerson, SandboxConsoleService.FinancePassword);
        await page.GetByLabel(SearchLabel).FillAsync("CONS_ANA@example.com");
        await page.Keyboard.PressAsync("Enter");

        // One match: the customer's page, with the charge and what it was for.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("cons_ana");
        await Assertions.Expect(page.Locator("#state")).ToHaveTextAsync("Active");
        await Assertions.Expect(page.Locator("#plan")).ToContainTextAsync("basic");
        var row = page.Locator("#invoices tbody tr", new() { HasText = invoice });
        await Assertions.Expect(row).ToContainTextAsync("paid");
        await Assertions.Expect(page.Locator("#timeline")).ToContainTextAsync("Activated");
        await Assertions.Expect(page.GetByRole(AriaRole.Main)).Not.ToContainTextAsync("cons_ana@example.com");
        await ConsolePages.KeepScreenshotAsync(page, "customer");
        await ConsolePages.AssertAccessibleAsync(page);

        var form = page.Locator("#refund-form");
        await form.GetByLabel("Invoice").SelectOptionAsync(invoice);
        await form.GetByLabel("Amount (empty for all that remains)").FillAsync("3.00");
        await form.GetByLabel("Reason").FillAsync("Charged twice for the same seat");
        await form.GetByRole(AriaRole.Button, new() { Name = "Review refund…" }).ClickAsync();
        await Assertions.Expect(page.Locator("#consequence")).ToContainTextAsync($"3.00 USD of invoice {invoice}");
        await ConsolePages.KeepScreenshotAsync(page, "confirm-refund");
        await ConsolePages.AssertAccessibleAsync(page);

        // The confirmation sent twice (a double click, a resent form): one refund, and the second answered as the first.
        var confirmation = await page.Locator("#confirm form input[type=hidden]").EvaluateAllAsync<Dictionary<string, string>>(
            "inputs => Object.fromEntries(inputs.map(i => [i.name, i.value]))");
        await page.Locator("#confirm-action").ClickAsync();
        await Assertions.Expect(page.Locator("#outcome")).ToContainTextAsync("Done: Refunded 3.00 USD");
        var second = await PostFormAsync(page, "apply", confirmation, "cons_ana");
        Assert.Equal((int)HttpStatusCode.Redirect, second.Status);
        await api.AllDeliveredAsync();
        var reloaded = await page.ReloadAsync();
        Assert.Contains("no-store", reloaded!.Headers["cache-control"], StringComparison.Ordinal);

        var refunds = (await api.StripeGetAsync($"charges/{charge}")).GetProperty("refunds").GetProperty("data");
        Assert.Equal([300L], refunds.EnumerateArray().Select(r => r.GetProperty("amount").GetInt64()));
        var issued = page.Locator("#timeline li", new() { HasText = "RefundIssued" });
        await Assertions.Expect(issued).ToHaveCountAsync(1);
        await Assertions.Expect(issued).ToContainTextAsync("admin:fay");
        await Assertions.Expect(issued).ToContainTextAsync("3.00 USD");
        await Assertions.Expect(page.Locator("#refunds li")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#refunds")).ToContainTextAsync("3.00 USD by admin:fay");
        var audit = page.Locator("#customer-audit tbody tr", new() { HasText = "refund" });
        await Assertions.Expect(audit).ToHaveCountAsync(1);
        await Assertions.Expect(audit).ToContainTextAsync("fay (finance)");
        await Assertions.Expect(audit).ToContainTextAsync("Succeeded");
        await Assertions.Expect(audit).ToContainTextAsync("Charged twice for the same seat");
        await Assertions.Expect(page.Locator("#customer-audit")).ToContainTextAsync("view-customer");
    }

    [Fact]
    public async Task Support_grants_an_override_the_product_sees_and_is_refused_a_refund()
    {
        using var api = service.Client();
        var subscription = await api.SubscribeToStripeSubscriptionAsync("cons_bo");
        await api.AllDeliveredAsync();
        var invoice = (await api.StripeGetAsync($"subscriptions/{subscription}")).GetProperty("latest_invoice").GetString()!;

        var page = await SignedInAsync(SandboxConsoleService.SupportPerson, SandboxConsoleService.SupportPassword);
        await page.GotoAsync($"{service.BaseAddress}console/customers/demo/cons_bo");
        await Assertions.Expect(page.Locator("#refund-form")).ToHaveCountAsync(0);

        var form = page.Locator("#override-form");
        await form.GetByLabel("Feature or limit").SelectOptionAsync("feature:sso");
        await form.GetByLabel("Value (on/off for a feature, a number for a limit)").FillAsync("on");
        await form.GetByLabel("Last day it applies").FillAsync(Today().AddDays(13).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await form.GetByLabel("Reason").FillAsync("Pilot of single sign-on agreed with sales");
        await form.GetByRole(AriaRole.Button, new() { Name = "Review override…" }).ClickAsync();
        await Assertions.Expect(page.Locator("#consequence")).ToContainTextAsync("the feature sso is on for this customer");
        await page.Locator("#confirm-action").ClickAsync();

        await Assertions.Expect(page.Locator("#outcome")).ToContainTextAsync("Done: Override");
        await Assertions.Expect(page.Locator("#entitlements tr", new() { HasText = "sso" })).ToContainTextAsync("on");
        await Assertions.Expect(page.Locator("#entitlements tr", new() { HasText = "sso" })).ToContainTextAsync("override");
        await Assertions.Expect(page.Locator("#timeline li", new() { HasText = "OverrideGranted" })).ToContainTextAsync("admin:sam");
        using (var entitlements = await api.GetAsync("/v1/customers/cons_bo/entitlements", TestContext.Current.CancellationToken))
        {
            Assert.True((await entitlements.ReadOkAsync()).GetProperty("features").GetProperty("sso").GetBoolean());
        }

        // The refund form is not offered; posted anyway, with the page's own antiforgery token, it is a 403 problem.
        var refused = await PostFormAsync(page, "review", new()
        {
            ["Form.Action"] = "refund", ["Form.Invoice"] = invoice, ["Form.Reason"] = "asked nicely",
            ["__RequestVerificationToken"] = (await page.Locator("#override-form input[name=__RequestVerificationToken]").GetAttributeAsync("value"))!,
        });
        Assert.Equal((int)HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("This needs the finance role; sam has support.", await refused.TextAsync(), StringComparison.Ordinal);

        var trail = await service.Grains.GetGrain<IStaffAuditGrain>(0).Find(new AuditQuery(Person: "sam", ProductId: "demo", CustomerId: "cons_bo"));
        Assert.Equal(
            ["refund Forbidden", "view-customer Viewed", "grant-override Succeeded"],
            trail.Select(r => $"{r.Action} {r.Outcome}").Distinct());
    }

    [Fact]
    public async Task An_action_posted_without_its_antiforgery_token_is_refused_and_changes_nothing()
    {
        using var api = service.Client();
        await api.SubscribeToStripeSubscriptionAsync("cons_cy");
        await api.AllDeliveredAsync();
        var page = await SignedInAsync(SandboxConsoleService.AdminPerson, SandboxConsoleService.AdminPassword);

        var response = await PostFormAsync(page, "review", new()
        {
            ["Form.Action"] = "cancel-now", ["Form.Reason"] = "no token",
        }, "cons_cy");
        var confirmed = await PostFormAsync(page, "apply", new()
        {
            ["Form.Action"] = "cancel-now", ["Form.Reason"] = "no token", ["Form.Key"] = new string('a', 32),
        }, "cons_cy");

        Assert.Equal(((int)HttpStatusCode.BadRequest, (int)HttpStatusCode.BadRequest), (response.Status, confirmed.Status));
        Assert.Equal("Active", await api.StateOfAsync("cons_cy"));
    }

    [Fact]
    public async Task An_admin_reads_the_trail_by_person_and_customer_and_the_search_lists_every_match()
    {
        using var api = service.Client();
        await api.SubscribeToStripeSubscriptionAsync("cons_dee_1");
        await api.SubscribeToStripeSubscriptionAsync("cons_dee_2");
        await api.AllDeliveredAsync();
        var page = await SignedInAsync(SandboxConsoleService.AdminPerson, SandboxConsoleService.AdminPassword);

        await page.GetByLabel(SearchLabel).FillAsync("cons_dee_");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.Locator("#matches tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#matches")).ToContainTextAsync("c•••@e•••.com");
        await ConsolePages.KeepScreenshotAsync(page, "search");
        await ConsolePages.AssertAccessibleAsync(page);

        // An address searched for is never shown back, nor put in the URL.
        await page.GetByLabel(SearchLabel).FillAsync("nobody.here@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.Locator("#no-matches")).ToHaveTextAsync("No customer matches the address searched.");
        Assert.DoesNotContain("nobody.here", await page.ContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("nobody.here", page.Url, StringComparison.Ordinal);
        var searches = await service.Grains.GetGrain<IStaffAuditGrain>(0).Find(new AuditQuery(Person: "ada", Action: "search-customers"));
        Assert.Contains(searches, r => r.Detail == "'cons_dee_' listed 2: demo/cons_dee_1, demo/cons_dee_2");
        Assert.Contains(searches, r => r.Detail == "an email address listed 0");

        await page.GetByLabel(SearchLabel).FillAsync("cons_dee_");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "cons_dee_2" }).ClickAsync();
        await page.Locator("#lifecycle-actions form", new() { HasText = "Cancel at the period end" }).GetByLabel("Reason").FillAsync("Moving to the yearly plan next month");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel at the period end…" }).ClickAsync();
        await page.Locator("#confirm-action").ClickAsync();
        await Assertions.Expect(page.Locator("#state")).ToHaveTextAsync("Canceling");

        await page.GetByRole(AriaRole.Link, new() { Name = "Audit trail" }).ClickAsync();
        await page.GetByLabel("Person").FillAsync("ada");
        await page.GetByLabel("Customer").FillAsync("cons_dee_2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        var rows = page.Locator("#audit tbody tr");
        await Assertions.Expect(rows.First).ToContainTextAsync("view-customer");
        await Assertions.Expect(page.Locator("#audit tbody tr", new() { HasText = "cancel-at-period-end" })).ToContainTextAsync("Moving to the yearly plan next month");
        await Assertions.Expect(page.Locator("#audit tbody tr", new() { HasText = "cancel-at-period-end" })).ToContainTextAsync("Succeeded");
        await ConsolePages.KeepScreenshotAsync(page, "audit-trail");
        await ConsolePages.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task Support_is_refused_the_audit_trail_with_a_403_problem()
    {
        var page = await SignedInAsync(SandboxConsoleService.SupportPerson, SandboxConsoleService.SupportPassword);

        var response = await page.GotoAsync($"{service.BaseAddress}console/audit");

        Assert.Equal((int)HttpStatusCode.Forbidden, response!.Status);
        await Assertions.Expect(page.Locator("#problem-detail")).ToHaveTextAsync("This needs the admin role; sam has support.");
    }

    [Fact]
    public async Task An_admin_sees_a_product_s_plans_and_dunning_timeline_and_issues_then_revokes_an_api_key()
    {
        var page = await SignedInAsync(SandboxConsoleService.AdminPerson, SandboxConsoleService.AdminPassword);
        await page.GetByRole(AriaRole.Link, new() { Name = "Operate" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "demo", Exact = true }).ClickAsync();

        await Assertions.Expect(page.Locator("#plans")).ToContainTextAsync("9.00 USD per month");
        await Assertions.Expect(page.Locator("#dunning-preview li").First).ToContainTextAsync("payment_failed");
        await page.GetByLabel("Reason for a new key").FillAsync("The mobile app gets its own key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Issue a new key" }).ClickAsync();
        var key = (await page.Locator("#new-key").TextContentAsync())!.Trim();
        var keyId = (await page.Locator("#new-key-title").TextContentAsync())!.Split(' ')[^1];
        await ConsolePages.KeepScreenshotAsync(page, "operate");
        await ConsolePages.AssertAccessibleAsync(page);

        using (var product = service.Client(key))
        using (var works = await product.GetAsync("/v1/customers/anyone/entitlements", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, works.StatusCode);
        }

        var revoke = page.Locator("#keys tr", new() { HasText = keyId }).Locator("form", new() { HasText = "Revoke" });
        await revoke.GetByLabel("Reason").FillAsync("Issued by mistake");
        await revoke.GetByRole(AriaRole.Checkbox).CheckAsync();
        await revoke.GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(page.Locator("#outcome")).ToContainTextAsync($"Revoked {keyId}");

        using (var product = service.Client(key))
        using (var refused = await product.GetAsync("/v1/customers/anyone/entitlements", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var trail = await service.Grains.GetGrain<IStaffAuditGrain>(0).Find(new AuditQuery(Person: "ada", ProductId: "demo"));
        Assert.Equal(
            ["revoke-api-key Succeeded", "revoke-api-key Attempted", "issue-api-key Succeeded", "issue-api-key Attempted"],
            trail.Where(r => r.Action.EndsWith("-api-key", StringComparison.Ordinal)).Select(r => $"{r.Action} {r.Outcome}").Take(4));
        Assert.DoesNotContain(trail, r => r.Detail?.Contains(key, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Finance_reads_the_reports_as_charts_with_their_numbers_and_csv_and_support_is_refused_them()
    {
        using var api = service.Client();
        await api.SubscribeToStripeSubscriptionAsync("cons_rep");
        await api.AllDeliveredAsync();
        var today = Today();

        var page = await SignedInAsync(SandboxConsoleService.FinancePerson, SandboxConsoleService.FinancePassword);
        await page.GetByRole(AriaRole.Link, new() { Name = "Reports" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "MRR in USD" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Movements in USD" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Churn and recovery rates in USD" })).ToBeVisibleAsync();
        await ConsolePages.KeepScreenshotAsync(page, "reports");
        await ConsolePages.AssertAccessibleAsync(page);

        // The numbers behind the chart, one click away, agree with the admin API's.
        await page.Locator("details", new() { Has = page.Locator("#mrr-table-usd") }).Locator("summary").ClickAsync();
        var lastRow = page.Locator("#mrr-table-usd tbody tr").Last;
        using var finance = await service.StaffAsync("fin.reports", StaffRole.Finance);
        var month = new DateOnly(today.Year, today.Month, 1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var mrr = (await (await finance.GetAsync($"/admin/v1/reports/mrr?from={month}&to={today:yyyy-MM-dd}", TestContext.Current.CancellationToken)).ReadOkAsync())[0];
        await Assertions.Expect(lastRow).ToContainTextAsync($"{mrr.GetProperty("mrrMinor").GetInt64() / 100m:0.00} USD");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "MRR as CSV" }).ClickAsync());
        Assert.StartsWith("period,currency,mrrMinor,customers", await File.ReadAllTextAsync((await download.PathAsync())!, TestContext.Current.CancellationToken), StringComparison.Ordinal);

        var support = await SignedInAsync(SandboxConsoleService.SupportPerson, SandboxConsoleService.SupportPassword);
        var refused = await support.GotoAsync($"{service.BaseAddress}console/reports");
        Assert.Equal((int)HttpStatusCode.Forbidden, refused!.Status);
    }

    [Fact]
    public async Task Support_sees_operations_without_keys_or_re_runs()
    {
        var page = await SignedInAsync(SandboxConsoleService.SupportPerson, SandboxConsoleService.SupportPassword);
        await page.GotoAsync($"{service.BaseAddress}console/operate?product=demo");

        await Assertions.Expect(page.Locator("#dunning-preview")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#keys")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Issue a new key" })).ToHaveCountAsync(0);
    }

    private Task<IPage> SignedInAsync(string person, string password) => ConsolePages.SignedInAsync(chromium, service.BaseAddress, person, password);

    /// <summary>A form posted to a customer page's handler with the browser's cookies, as a script on the page could.</summary>
    private async Task<IAPIResponse> PostFormAsync(IPage page, string handler, Dictionary<string, string> fields, string customer = "cons_bo")
    {
        var form = page.Context.APIRequest.CreateFormData();
        foreach (var (name, value) in fields)
        {
            form.Set(name, value);
        }

        return await page.Context.APIRequest.PostAsync(
            $"{service.BaseAddress}console/customers/demo/{customer}?handler={handler}", new() { Form = form, MaxRedirects = 0 });
    }

    private DateTime Today() => service.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime.Date;
}
