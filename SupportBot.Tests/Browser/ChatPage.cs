using System.Collections.Concurrent;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace SupportBot.Tests.Browser;

/// <summary>The page as a customer sees it, in terms of Web Chat's DOM.</summary>
public sealed class ChatPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly ITestOutputHelper _output;
    private readonly ConcurrentQueue<string> _complaints = new();

    private ChatPage(IBrowserContext context, IPage page, ITestOutputHelper output)
    {
        _context = context;
        _output = output;
        Page = page;
        page.Console += (_, message) =>
        {
            output.WriteLine($"[console.{message.Type}] {message.Text}");
            // Web Chat and directlinejs say so when they distrust or cannot use what our Direct Line gave them.
            if (message.Type is "warning" or "error" && (message.Text.StartsWith("Web Chat", StringComparison.Ordinal)
                || message.Text.StartsWith("DirectLineJS", StringComparison.Ordinal)))
            {
                _complaints.Enqueue(message.Text);
            }
        };
        page.PageError += (_, error) =>
        {
            output.WriteLine($"[pageerror] {error}");
            _complaints.Enqueue(error);
        };
    }

    public IPage Page { get; }

    public ILocator Transcript => Page.Locator("#webchat");

    public ILocator Welcome => FromBot("welcome");

    public static async Task<ChatPage> OpenAsync(WebChatFixture fixture, ITestOutputHelper output)
    {
        var context = await fixture.NewVisitorAsync();
        var chat = new ChatPage(context, await context.NewPageAsync(), output);
        await chat.Page.GotoAsync("/?name=Jane");
        return chat;
    }

    public ILocator FromBot(string text) =>
        Page.Locator(".webchat__bubble:not(.webchat__bubble--from-user)").Filter(new() { HasText = text });

    public ILocator FromCustomer(string text) =>
        Page.Locator(".webchat__bubble.webchat__bubble--from-user").Filter(new() { HasText = text });

    /// <summary>The send status under a message: "Sending", "Send failed. Retry." or "Sent at …".</summary>
    public ILocator StatusOf(ILocator bubble) =>
        Page.Locator("article.webchat__basic-transcript__activity").Filter(new() { Has = bubble }).Locator(".webchat__activity-status");

    public ILocator SuggestedAction(string title) =>
        Page.GetByRole(AriaRole.Toolbar, new() { Name = "Suggested actions" }).GetByRole(AriaRole.Button, new() { Name = title, Exact = true });

    public async Task SendAsync(string text)
    {
        var sendBox = Transcript.GetByRole(AriaRole.Textbox);
        await sendBox.FillAsync(text);
        await sendBox.PressAsync("Enter");
    }

    public async Task ExpectStillOneWelcomeAsync()
    {
        await Page.WaitForTimeoutAsync((float)WebChatPageTests.DuplicateWindow.TotalMilliseconds);
        await Expect(Welcome).ToHaveCountAsync(1);
    }

    public void ExpectNoClientComplaints() => Assert.Empty(_complaints);

    public async ValueTask DisposeAsync()
    {
        try
        {
            var messages = await Transcript.Locator("article").AllInnerTextsAsync();
            _output.WriteLine("Transcript at the end: " + string.Join(" | ", messages.Select(m => m.ReplaceLineEndings(" "))));
        }
        catch (PlaywrightException)
        {
            // the page is gone; the assertion that failed says more
        }
        finally
        {
            await _context.CloseAsync();
        }
    }
}
