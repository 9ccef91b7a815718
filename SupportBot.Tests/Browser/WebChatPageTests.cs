using System.Collections.Concurrent;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace SupportBot.Tests.Browser;

/// <summary>The web chat page at / in a real browser: the official Web Chat bundle against the bot's own Direct Line.
/// Each test is a new visitor and walks the conversation as far as it needs.</summary>
public sealed class WebChatPageTests(WebChatFixture fixture, ITestOutputHelper output) : IClassFixture<WebChatFixture>
{
    private const string Problem = "my parcel has not arrived";
    private const string Reflection = "reached you yet"; // Web Chat typesets apostrophes, so none here

    /// <summary>Long enough for a second greeting to arrive if one were sent; the only fixed wait in these tests.</summary>
    internal static readonly TimeSpan DuplicateWindow = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Opening_the_page_with_a_name_welcomes_the_customer_by_name_exactly_once()
    {
        await using var chat = await ChatPage.OpenAsync(fixture, output);

        await Expect(chat.Welcome).ToHaveCountAsync(1);
        await Expect(chat.Welcome).ToContainTextAsync("Jane");
        await chat.ExpectStillOneWelcomeAsync();
        chat.ExpectNoClientComplaints();
    }

    [Fact]
    public async Task A_message_sent_from_the_send_box_is_shown_as_sent_and_the_bot_reflects_it_back()
    {
        await using var chat = await ChatPage.OpenAsync(fixture, output);
        await Expect(chat.Welcome).ToHaveCountAsync(1);

        await chat.SendAsync(Problem);

        // Web Chat shows "Sending" until the server echoes the activity with its clientActivityID, then the time.
        await Expect(chat.StatusOf(chat.FromCustomer(Problem))).ToContainTextAsync("Sent at");
        await Expect(chat.FromBot(Reflection)).ToHaveCountAsync(1);
        await Expect(chat.FromCustomer(Problem)).ToHaveCountAsync(1);
        await Expect(chat.Transcript).Not.ToContainTextAsync("Send failed");
        await Expect(chat.Transcript).Not.ToContainTextAsync("Retry");
        chat.ExpectNoClientComplaints();
    }

    [Fact]
    public async Task The_happy_path_resolves_the_need_by_clicking_choices_and_ends_with_the_satisfaction_question()
    {
        await using var chat = await ChatPage.OpenAsync(fixture, output);
        await Expect(chat.Welcome).ToHaveCountAsync(1);
        await chat.SendAsync(Problem + ", order 123456");
        await Expect(chat.FromBot("order #123456 hasn")).ToHaveCountAsync(1);

        await chat.SuggestedAction("Yes").ClickAsync();
        await Expect(chat.FromBot("Did that solve it?")).ToHaveCountAsync(1);
        await chat.SuggestedAction("Yes").ClickAsync();
        await Expect(chat.FromBot("how would you rate your experience")).ToHaveCountAsync(1);
        await chat.SuggestedAction("5").ClickAsync();
        await chat.SuggestedAction("No comment").ClickAsync();

        await Expect(chat.FromBot("Thank you, Jane")).ToHaveCountAsync(1);
        await Expect(chat.StatusOf(chat.FromCustomer("No comment"))).ToContainTextAsync("Sent at");
        await Expect(chat.Transcript).Not.ToContainTextAsync("Send failed");
        chat.ExpectNoClientComplaints();
    }

    [Fact]
    public async Task Reloading_the_page_shows_the_earlier_conversation_again_with_the_welcome_still_once()
    {
        await using var chat = await ChatPage.OpenAsync(fixture, output);
        await Expect(chat.Welcome).ToHaveCountAsync(1);
        await chat.SendAsync(Problem);
        await Expect(chat.FromBot(Reflection)).ToHaveCountAsync(1);
        await chat.SuggestedAction("Yes").ClickAsync();
        await Expect(chat.FromBot("order number")).ToHaveCountAsync(1);

        await chat.Page.ReloadAsync();

        await Expect(chat.Welcome).ToHaveCountAsync(1);
        await Expect(chat.FromCustomer(Problem)).ToHaveCountAsync(1);
        await Expect(chat.FromBot(Reflection)).ToHaveCountAsync(1);
        await Expect(chat.FromBot("order number")).ToHaveCountAsync(1);
        await chat.ExpectStillOneWelcomeAsync();
        await Expect(chat.FromCustomer(Problem)).ToHaveCountAsync(1);
        chat.ExpectNoClientComplaints();
    }
}
