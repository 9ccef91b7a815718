using Microsoft.Playwright;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Browser;

/// <summary>The real host on loopback and one headless Debian Chromium driven by Playwright, shared by a class's
/// tests; each test opens its own browser context, so each is a new visitor with an empty sessionStorage.</summary>
/// <remarks>Playwright's node driver ships in the NuGet package (copied to <c>bin/.playwright</c>); the browser is the
/// system Chromium, so <c>playwright install</c> is never needed.</remarks>
public sealed class WebChatFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private IPlaywright? _playwright;

    public BotServer Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // The machine is shared and small: give Web Chat time to render rather than failing on a slow frame.
        Assertions.SetDefaultExpectTimeout(15_000);
        // Agents can sign in to the console, and the support desk is open whenever the tests run.
        Server = await BotServer.StartAsync(new Dictionary<string, string?>(StaffClient.Accounts(("alice", "Alice", ["Agent"])))
        {
            ["Playbook:Path"] = TestPlaybooks.AlwaysOpen,
        });
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>A new visitor: a fresh context with a fixed locale, so Web Chat's status texts are English.</summary>
    public async Task<IBrowserContext> NewVisitorAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.BaseUrl.ToString(),
            Locale = "en-US",
            ViewportSize = new ViewportSize { Width = 1000, Height = 800 },
        });
        context.SetDefaultTimeout(15_000);
        return context;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}
