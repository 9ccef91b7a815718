using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Playwright;
using SupportBot.Tests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace SupportBot.Tests.Browser;

/// <summary>The Microsoft 365 Agents Playground (npm @microsoft/teams-app-test-tool), the real Teams emulator, driven in
/// headless Chromium against the bot's /api/messages: a whole support case in Teams personal chat, choices tapped.</summary>
public sealed class AgentsPlaygroundTests
{
    private const float UiTimeout = 60_000;

    [Fact]
    public async Task A_support_case_runs_end_to_end_in_the_teams_emulator_with_tapped_choices()
    {
        await NodePeer.EnsureInstalledAsync();
        await using var bot = await BotServer.StartAsync();
        var port = Loopback.FreePort();
        using var playground = StartPlayground(new Uri(bot.BaseUrl, "api/messages"), port);
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = WebChatFixture.ChromiumPath,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });
            var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1200, Height = 900 } });
            // Generous: the emulator and Chromium share two cores with the rest of the suite, and it once took over 20 s there.
            page.SetDefaultTimeout(UiTimeout);
            await GotoWhenListeningAsync(page, $"http://localhost:{port}/");
            // The greeting shows once the emulator has set the conversation up; typing before that can land nowhere.
            await Expect(page.GetByText("What can I help you with today?").First).ToBeVisibleAsync(new() { Timeout = UiTimeout });
            await TypeAsync(page, "my parcel hasnt arrived, order 123456");
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.GetByText("Did I get that right?").First).ToBeVisibleAsync(new() { Timeout = UiTimeout });

            await page.GetByRole(AriaRole.Button, new() { Name = "Yes", Exact = true }).Last.ClickAsync();
            await Expect(page.GetByText("Did that solve it?").First).ToBeVisibleAsync(new() { Timeout = UiTimeout });
            await page.GetByRole(AriaRole.Button, new() { Name = "Yes", Exact = true }).Last.ClickAsync();

            // Five ratings are more than Teams shows as suggested actions: they come as an Adaptive Card.
            await Expect(page.GetByText("how would you rate your experience").First).ToBeVisibleAsync(new() { Timeout = UiTimeout });
            await page.GetByRole(AriaRole.Button, new() { Name = "5", Exact = true }).Last.ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "No comment", Exact = true }).Last.ClickAsync();

            await Expect(page.GetByText("it was a pleasure helping you today").First).ToBeVisibleAsync(new() { Timeout = UiTimeout });
        }
        finally
        {
            playground.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Types into the compose box, again if the words did not arrive (a box still starting up drops them).</summary>
    private static async Task TypeAsync(IPage page, string text)
    {
        var compose = page.Locator("[contenteditable='true'][role='textbox']").First;
        for (var attempt = 1; ; attempt++)
        {
            await compose.ClickAsync();
            await page.Keyboard.TypeAsync(text);
            try
            {
                await Expect(compose).ToContainTextAsync(text, new() { Timeout = 5_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 5)
            {
                await compose.ClickAsync();
                await page.Keyboard.PressAsync("Control+A");
                await page.Keyboard.PressAsync("Delete");
            }
        }
    }

    private static Process StartPlayground(Uri endpoint, int port)
    {
        var start = new ProcessStartInfo(Path.Combine(NodePeer.Folder, "node_modules", ".bin", "teamsapptester"))
        {
            WorkingDirectory = TempFolder.Create("playground"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "start", "-e", endpoint.ToString(), "-c", "msteams", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["TEAMSAPPTESTER_BROWSER"] = "none"; // otherwise it exits trying to open a desktop browser
        start.Environment["TEAMSAPPTESTER_LOGFILE"] = Path.Combine(start.WorkingDirectory, "playground.log");
        var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task GotoWhenListeningAsync(IPage page, string url)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await page.GotoAsync(url);
                return;
            }
            catch (PlaywrightException) when (attempt < 60)
            {
                await Task.Delay(500);
            }
        }
    }
}
