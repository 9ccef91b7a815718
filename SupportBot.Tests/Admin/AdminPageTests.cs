using Microsoft.Playwright;
using SupportBot.Tests.Browser;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace SupportBot.Tests.Admin;

/// <summary>The admin page in headless Chromium against the real server, with customers in Web Chat beside it.</summary>
public sealed class AdminPageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string NewGreeting = "Good day {name}! What brings you here today?";

    private AdminServer _server = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(20_000);
        _server = await AdminServer.StartAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = WebChatFixture.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<IPage> OpenAsync(string path)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _server.Server.BaseUrl.ToString(), Locale = "en-US" });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        page.Console += (_, message) => output.WriteLine($"[{path} console.{message.Type}] {message.Text}");
        page.PageError += (_, error) => output.WriteLine($"[{path} pageerror] {error}");
        await page.GotoAsync(path);
        return page;
    }

    /// <summary>Signs in on the sign-in page as a newcomer would, landing on /admin.</summary>
    private async Task<IPage> SignInAsAdminAsync()
    {
        var admin = await OpenAsync("/signin?returnUrl=/admin");
        await admin.FillAsync("#name", "ada");
        await admin.FillAsync("#password", AdminServer.Password);
        await admin.ClickAsync("button[type=submit]");
        await Expect(admin).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin$"));
        return admin;
    }

    private static ILocator FromBot(IPage page, string text) =>
        page.Locator(".webchat__bubble:not(.webchat__bubble--from-user)").Filter(new() { HasText = text });

    private static ILocator Choice(IPage page, string title) =>
        page.GetByRole(AriaRole.Toolbar, new() { Name = "Suggested actions" }).GetByRole(AriaRole.Button, new() { Name = title, Exact = true });

    [Fact]
    public async Task An_admin_changes_the_greeting_tries_it_publishes_it_and_new_customers_see_it_while_a_customer_mid_conversation_carries_on()
    {
        // A customer is in the middle of a case when all this starts.
        var midway = await OpenAsync("/?name=Jane");
        await Expect(FromBot(midway, "Hi Jane, welcome!")).ToHaveCountAsync(1);
        var sendBox = midway.Locator("#webchat").GetByRole(AriaRole.Textbox);
        await sendBox.FillAsync("my parcel has not arrived");
        await sendBox.PressAsync("Enter");
        await Expect(FromBot(midway, "reached you yet")).ToHaveCountAsync(1);

        // The admin signs in and changes the greeting in the draft.
        var admin = await SignInAsAdminAsync();
        await Expect(admin.Locator("#msg-greeting")).ToHaveValueAsync("Hi {name}, welcome! What can I help you with today?");
        await admin.FillAsync("#msg-greeting", NewGreeting);

        // "Try it" saves the edit first and talks to the draft; a customer arriving now still gets the live greeting.
        await admin.ClickAsync("#try");
        await Expect(admin.Locator("#status")).ToContainTextAsync("saved (revision 1)");
        await Expect(FromBot(admin, "Good day Ada! What brings you here today?")).ToHaveCountAsync(1);
        var before = await OpenAsync("/?name=Jane");
        await Expect(FromBot(before, "Hi Jane, welcome!")).ToHaveCountAsync(1);

        await admin.FillAsync("#publish-note", "Friendlier greeting");
        await admin.ClickAsync("#publish");
        await Expect(admin.Locator("#status")).ToContainTextAsync("Version 2 is live.");

        // No restart: a new customer gets the new greeting, and the customer midway carries on without an error.
        var after = await OpenAsync("/?name=Jane");
        await Expect(FromBot(after, "Good day Jane! What brings you here today?")).ToHaveCountAsync(1);
        await Choice(midway, "Yes").ClickAsync();
        await Expect(FromBot(midway, "order number")).ToHaveCountAsync(1);
        await Expect(midway.Locator("#webchat")).Not.ToContainTextAsync("something went wrong");
        await Expect(midway.Locator("#webchat")).Not.ToContainTextAsync("Send failed");

        // The history shows who published what.
        await admin.ClickAsync("[data-tab=versions]");
        await Expect(admin.Locator("#versions tr").First).ToContainTextAsync("Friendlier greeting");
        await Expect(admin.Locator("#versions tr").First).ToContainTextAsync("ada");
    }

    [Fact]
    public async Task What_customers_wrote_that_the_bot_did_not_understand_is_shown_as_text_and_added_to_a_topic_of_the_draft()
    {
        const string Markup = "<img src=x onerror=alert(1)> zapped";
        var customer = await SupportBot.Tests.Infrastructure.DirectLineClient.StartAsync(_server.Server);
        await customer.JoinAsync();
        await customer.SayAsync("blorf wizzle kerflooey");
        await customer.SayAsync(Markup);

        var admin = await SignInAsAdminAsync();
        await Expect(admin.Locator("#msg-greeting")).Not.ToHaveValueAsync("");
        await admin.ClickAsync("[data-tab=analytics]");

        var rows = admin.Locator("#not-understood tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(admin.Locator("#stat-conversations")).ToHaveTextAsync("1");
        // The customer's markup is text on the page, never an element.
        var markupRow = rows.Filter(new() { HasText = "onerror" });
        await Expect(markupRow.Locator("td").First).ToHaveTextAsync(Markup);
        await Expect(admin.Locator("#not-understood img")).ToHaveCountAsync(0);

        var row = rows.Filter(new() { HasText = "kerflooey" });
        await row.Locator("select").SelectOptionAsync("technical_problem");
        await row.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Added" })).ToBeDisabledAsync();

        var (draft, _) = await _server.DraftPlaybookAsync();
        var topic = draft["topics"]!.AsArray().Single(t => t!["id"]!.GetValue<string>() == "technical_problem")!;
        Assert.Equal("blorf wizzle kerflooey", topic["utterances"]!.AsArray()[^1]!.GetValue<string>());
    }
}
