using SupportBot.Dialogs.Dialogs;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Dialogs;

/// <summary>The first support conversation, read like a transcript.</summary>
public sealed class SupportConversationTests
{
    [Fact]
    public async Task Web_chat_join_greets_by_name_with_an_open_question_exactly_once()
    {
        var chat = TestConversation.WithSupportBot(channelId: ChannelIds.WebChat);

        var welcome = await chat.SendAsync(chat.Event("webchat/join"));
        var again = await chat.SendAsync(chat.Event("webchat/join"));
        var update = await chat.MembersAddedAsync();

        Assert.Equal("Hi Jane, welcome! What can I help you with today?", welcome.Single().Text);
        Assert.Empty(again);
        Assert.Empty(update);
    }

    [Fact]
    public async Task Other_channels_greet_when_the_customer_is_added()
    {
        var chat = TestConversation.WithSupportBot(channelId: ChannelIds.Emulator);

        var welcome = await chat.MembersAddedAsync();

        Assert.Contains("Jane", welcome.Single().Text);
        Assert.Empty(await chat.MembersAddedAsync());
    }

    [Fact]
    public async Task An_unknown_customer_is_asked_their_name_once_and_it_is_remembered()
    {
        var storage = new MemoryStorage();
        var chat = TestConversation.WithSupportBot(storage, channelId: ChannelIds.WebChat, userName: null);

        var ask = await chat.SendAsync(chat.Event("webchat/join"));
        var greet = await chat.SendAsync("Priya");
        Assert.Contains("What name would you like me to use?", ask.Single().Text);
        Assert.Equal("Hi Priya, welcome! What can I help you with today?", greet.Single().Text);

        // A later conversation of the same customer does not ask again.
        var later = TestConversation.WithSupportBot(storage, channelId: ChannelIds.WebChat, userName: null, conversationId: "conv-2");
        Assert.Equal("Hi Priya, welcome! What can I help you with today?", (await later.SendAsync(later.Event("webchat/join"))).Single().Text);
    }

    [Fact]
    public async Task The_bot_reflects_the_need_back_and_offers_choices_then_closes_with_the_name()
    {
        var chat = TestConversation.WithSupportBot(channelId: ChannelIds.WebChat);
        await chat.SendAsync(chat.Event("webchat/join"));

        var reflect = (await chat.SendAsync("my parcel hasn't arrived")).Single();
        Assert.Contains("my parcel hasn't arrived", reflect.Text);
        Assert.Equal(["Add more detail", "That's everything"], reflect.SuggestedActions!.Actions.Select(a => a.Title));

        var more = (await chat.SendAsync("add more detail")).Single();
        Assert.Contains("Tell me more", more.Text);

        var close = (await chat.SendAsync("it was due on Monday")).Single();
        Assert.StartsWith("Thank you, Jane.", close.Text);
    }

    [Fact]
    public async Task A_customer_who_opens_with_their_question_is_never_asked_to_repeat_it()
    {
        var chat = TestConversation.WithSupportBot();

        var replies = await chat.SendAsync("where is my order 10045");

        Assert.Equal(2, replies.Count);
        Assert.Equal("Hi Jane, welcome!", replies[0].Text);
        Assert.Contains("where is my order 10045", replies[1].Text);
        Assert.NotNull(replies[1].SuggestedActions);
    }

    [Fact]
    public async Task Replies_are_addressed_back_to_the_customer()
    {
        var chat = TestConversation.WithSupportBot();

        var reply = (await chat.SendAsync("hello")).First();

        Assert.Equal(("bot", "user-1", "conv-1"), (reply.From!.Id, reply.Recipient!.Id, reply.Conversation!.Id));
        Assert.NotNull(reply.Id);
        Assert.NotNull(reply.ReplyToId);
    }
}
