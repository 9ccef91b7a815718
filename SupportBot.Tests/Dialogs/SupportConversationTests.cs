using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Support;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Dialogs;

/// <summary>The support conversation with the default playbook, read like transcripts. Each test names the rule.</summary>
public sealed class SupportConversationTests
{
    private const string Welcome = "Hi Jane, welcome! What can I help you with today?";

    private static async Task<TestConversation> JoinedAsync(MemoryStorage? storage = null, string? userName = "Jane", string conversationId = "conv-1", TimeProvider? clock = null,
        List<string>? log = null, TestHub? hub = null)
    {
        var chat = TestConversation.WithSupportBot(storage, ChannelIds.WebChat, userName, conversationId, clock: clock, log: log, hub: hub?.Hub);
        await chat.SendAsync(chat.Event("webchat/join"));
        return chat;
    }

    // --- Know their name -------------------------------------------------------------------------------------

    [Fact]
    public async Task Web_chat_join_greets_by_name_with_an_open_question_exactly_once()
    {
        var chat = TestConversation.WithSupportBot(channelId: ChannelIds.WebChat);

        var welcome = await chat.SendAsync(chat.Event("webchat/join"));
        var again = await chat.SendAsync(chat.Event("webchat/join"));
        var update = await chat.MembersAddedAsync();

        Assert.Equal(Welcome, welcome.Single().Text);
        Expect.OpenQuestion(welcome.Single());
        Assert.Empty(again);
        Assert.Empty(update);
    }

    [Fact]
    public async Task A_redelivery_whose_replies_were_not_stored_hears_the_question_again_and_changes_nothing()
    {
        // No transcript to read the replies from: what a store that writes state and transcript apart leaves after a
        // failure between the two.
        var chat = TestConversation.WithSupportBot(channelId: ChannelIds.Emulator);
        await chat.MembersAddedAsync();
        var first = Activities.Message("my parcel is late, order 123456", "conv-1", "user-1", "Jane", ChannelIds.Emulator);
        first.Id = "m1";
        first.DeliveryMode = DeliveryModes.ExpectReplies;

        var answered = await chat.SendAsync(first);
        var again = await chat.SendAsync(first);
        var next = await chat.SendAsync("yes");

        Assert.EndsWith("Did I get that right?", answered[^1].Text);
        Assert.EndsWith("Did I get that right?", Assert.Single(again).Text);
        Assert.StartsWith("Thanks. For order #123456", next[0].Text);
    }

    [Fact]
    public async Task Other_channels_greet_once_when_the_customer_is_added()
    {
        var chat = TestConversation.WithSupportBot(channelId: ChannelIds.Emulator);

        var welcome = await chat.MembersAddedAsync();

        Assert.Contains(welcome, r => r.Text == Welcome);
        Assert.DoesNotContain(await chat.MembersAddedAsync(), r => r.Type == ActivityTypes.Message);
    }

    [Fact]
    public async Task An_unknown_customer_is_asked_their_name_once_openly_and_it_is_remembered()
    {
        var storage = new MemoryStorage();
        var chat = await JoinedAsync(storage, userName: null);
        var greet = await chat.SendAsync("I'm Priya");

        Assert.Equal("Hi Priya, welcome! What can I help you with today?", greet.Single().Text);
        var later = await JoinedAsync(storage, userName: null, conversationId: "conv-2");
        var again = await later.SendAsync("hello");
        Assert.DoesNotContain("what name", Expect.Text(again), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_customer_who_answers_the_name_question_with_their_problem_is_not_given_a_name_and_is_not_asked_again()
    {
        var chat = await JoinedAsync(userName: null);

        var replies = await chat.SendAsync("I was charged twice for my order 654321");

        var text = Expect.Text(replies);
        Assert.DoesNotContain("Was", text);
        Assert.DoesNotContain("What can I help you with", text);
        Assert.Contains("a problem with a payment or a charge", text); // their words were heard and reflected back
    }

    [Fact]
    public async Task A_returning_customer_is_welcomed_back()
    {
        var storage = new MemoryStorage();
        await JoinedAsync(storage);

        var chat = TestConversation.WithSupportBot(storage, ChannelIds.WebChat, conversationId: "conv-2");
        var welcome = await chat.SendAsync(chat.Event("webchat/join"));

        Assert.Equal("Welcome back, Jane! What can I help you with today?", welcome.Single().Text);
    }

    [Fact]
    public async Task A_customer_first_seen_in_an_earlier_year_is_thanked_for_their_loyalty()
    {
        var storage = new MemoryStorage();
        await JoinedAsync(storage, clock: new TestConversation.OpenHours(new DateTimeOffset(2024, 3, 5, 10, 0, 0, TimeSpan.Zero)));
        var chat = TestConversation.WithSupportBot(storage, ChannelIds.WebChat, conversationId: "conv-2");

        var welcome = await chat.SendAsync(chat.Event("webchat/join"));

        Assert.Equal("Welcome back, Jane, and thank you for being a customer since 2024! What can I help you with today?", welcome.Single().Text);
    }

    [Fact]
    public async Task The_name_is_used_at_the_greeting_and_the_close_and_not_in_between()
    {
        var chat = TestConversation.WithSupportBot(channelId: ChannelIds.WebChat);
        var all = new List<Activity>();
        all.AddRange(await chat.SendAsync(chat.Event("webchat/join")));
        foreach (var line in new[] { "my parcel hasnt arrived", "yes", "it's order 123456", "yes", "5", "No comment" })
        {
            all.AddRange(await chat.SendAsync(line));
        }

        var withName = all.Where(a => a.Text?.Contains("Jane") == true).ToList();
        Assert.Equal(2, withName.Count);
        Assert.Same(all[0], withName[0]);
        Assert.StartsWith("Thank you, Jane", all[^1].Text);
    }

    // --- Listen first, reflect back ------------------------------------------------------------------------

    [Fact]
    public async Task A_need_is_reflected_back_with_the_customers_own_details_before_acting()
    {
        var chat = await JoinedAsync();

        var reflect = (await chat.SendAsync("where is my order 458812")).Single();

        Assert.Equal("So your order #458812 hasn't reached you yet. Did I get that right?", reflect.Text);
        Assert.Equal(["Yes", "No"], reflect.SuggestedActions!.Actions.Select(a => a.Title));
    }

    [Fact]
    public async Task The_customer_can_correct_the_reflection_and_is_asked_openly_again()
    {
        var chat = await JoinedAsync();
        await chat.SendAsync("cancel my order");

        var rephrase = (await chat.SendAsync("no")).Single();
        var reflect = (await chat.SendAsync("i want to send back a jumper, it doesnt fit")).Single();

        Expect.OpenQuestion(rephrase);
        Assert.Contains("return something", reflect.Text);
    }

    [Fact]
    public async Task An_answer_to_the_reflection_that_is_neither_yes_nor_no_is_taken_as_the_correction()
    {
        var chat = await JoinedAsync();
        await chat.SendAsync("cancel my order");

        var replies = await chat.SendAsync("actually i just want a refund for the jumper");

        Assert.Contains("return something", Expect.Text(replies));
    }

    [Fact]
    public async Task A_customer_who_opens_with_their_question_is_never_asked_to_repeat_it()
    {
        var chat = TestConversation.WithSupportBot();

        var replies = await chat.SendAsync("my password reset email never came, im jane@example.com");

        Assert.Equal("Hi Jane, welcome!", replies[0].Text);
        Assert.Equal("So you're having trouble with your account or signing in. Did I get that right?", replies[1].Text);
        var resolution = await chat.SendAsync("yes");
        Assert.Contains("jane@example.com", Expect.Text(resolution)); // the email was never asked for
    }

    [Fact]
    public async Task Typos_and_fragments_are_understood()
    {
        var chat = await JoinedAsync();

        var reflect = await chat.SendAsync("were is my parsel");

        Assert.Contains("hasn't reached you yet", Expect.Text(reflect));
    }

    [Fact]
    public async Task A_terse_customer_gets_there_too()
    {
        var chat = await JoinedAsync();

        Assert.Contains("refund", Expect.Text(await chat.SendAsync("refund")));
        Assert.Contains("Which order", Expect.Text(await chat.SendAsync("y")));
        Assert.Contains("Return items", Expect.Text(await chat.SendAsync("77123")));
    }

    [Fact]
    public async Task A_polite_customer_is_helped_to_a_resolution()
    {
        var chat = await JoinedAsync();

        await chat.SendAsync("Good afternoon, I was wondering whether you could tell me if the blue raincoat is waterproof please?");
        var question = await chat.SendAsync("Yes, that's right");
        var answer = await chat.SendAsync("The Skye raincoat");

        Expect.OpenQuestion(question.Single());
        Assert.Contains("Skye raincoat", Expect.Text(answer));
        Assert.Equal("Did that solve it?", answer[^1].Text);
    }

    // --- Clarify, openly --------------------------------------------------------------------------------------

    [Fact]
    public async Task Missing_details_are_asked_one_at_a_time_with_an_open_question()
    {
        var chat = await JoinedAsync();
        await chat.SendAsync("my headphones wont charge");

        var question = (await chat.SendAsync("yes")).Single();

        Assert.Equal("Which product is it? The name on the box or your order is fine.", question.Text);
        Expect.OpenQuestion(question);
    }

    [Fact]
    public async Task Details_given_up_front_are_never_asked_again()
    {
        var chat = await JoinedAsync();
        await chat.SendAsync("please cancel order 99812 i ordered the wrong size");

        var resolution = await chat.SendAsync("yes");

        Assert.DoesNotContain("Which order", Expect.Text(resolution));
        Assert.Contains("#99812", Expect.Text(resolution));
    }

    [Fact]
    public async Task Out_of_scope_text_is_not_forced_onto_a_topic()
    {
        var chat = await JoinedAsync();

        var replies = await chat.SendAsync("what's the weather like in paris");

        Expect.OpenQuestion(replies.Single());
    }

    [Fact]
    public async Task Off_topic_text_gets_one_open_clarifying_question_then_choices_including_a_person()
    {
        var chat = await JoinedAsync();

        var first = await chat.SendAsync("blorp fizzle");
        var second = await chat.SendAsync("qwerty zxcv");

        Expect.OpenQuestion(first.Single());
        Expect.Choices(second, "Talk to a person");
        Expect.NoBareRefusal(first.Concat(second).ToList());
    }

    [Fact]
    public async Task An_ambiguous_message_asks_which_topic_with_something_else_as_a_way_out()
    {
        var chat = await JoinedAsync();

        var replies = await chat.SendAsync("i want to cancel and get my money back");

        Expect.Choices(replies, "Cancel an order", "Returns and refunds", "Something else");
        Assert.InRange(Expect.ChoicesOf(replies).Count, 3, 4);
    }

    [Fact]
    public async Task Choosing_a_topic_from_the_choices_proceeds_with_it()
    {
        var chat = await JoinedAsync();
        await chat.SendAsync("i want to cancel and get my money back");

        var replies = await chat.SendAsync("Returns and refunds");

        Assert.Contains("return something", Expect.Text(replies));
    }

    // --- Choices, not refusals --------------------------------------------------------------------------------

    [Fact]
    public async Task A_topic_only_a_person_can_handle_ends_in_a_handoff_with_choices()
    {
        var hub = new TestHub();
        using var alice = hub.AgentOnline();
        var chat = await JoinedAsync(hub: hub);
        await chat.SendAsync("I was charged twice for my order");
        await chat.SendAsync("yes");

        var handoff = await chat.SendAsync("jane@example.com");

        Assert.Contains("passed on everything", Expect.Text(handoff));
        Expect.Choices(handoff, "Keep waiting", "Leave a message", "Keep going with the bot");
    }

    [Fact]
    public async Task A_prompt_that_runs_out_of_attempts_offers_a_person_not_a_loop()
    {
        var chat = await JoinedAsync();
        await chat.SendAsync("blorp");
        await chat.SendAsync("fizzle");

        await chat.SendAsync("purple");
        await chat.SendAsync("orange");
        var gaveUp = await chat.SendAsync("green");

        Expect.Choices(gaveUp, "Talk to a person");
        Assert.Contains("sorry", Expect.Text(gaveUp), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Outside_business_hours_a_handoff_says_when_people_are_back_and_offers_choices()
    {
        var sundayNight = new TestConversation.OpenHours(new DateTimeOffset(2026, 11, 29, 23, 0, 0, TimeSpan.Zero));
        var chat = await JoinedAsync(clock: sundayNight);

        var replies = await chat.SendAsync("can I talk to a human");

        Assert.Contains("Mon–Sat 08:00–20:00", Expect.Text(replies));
        Expect.Choices(replies);
        Expect.NoBareRefusal(replies);
    }

    [Fact]
    public void In_a_Teams_channel_the_runtime_guard_offers_its_choices_on_an_Adaptive_Card()
    {
        var incoming = Activities.Message("hi", "19:x@thread.tacv2;messageid=1", channelId: ChannelIds.MsTeams);
        incoming.Conversation!.ConversationType = "channel";
        var reply = incoming.CreateReply("Sorry, I can't do that.");

        DeadEndGuard.Apply(incoming, [reply], SupportBot.Dialogs.Playbook.PlaybookLoader.Default, null);

        Assert.Null(reply.SuggestedActions);
        Assert.Equal(SupportBot.Dialogs.Dialogs.ChoiceFactory.AdaptiveCardContentType, reply.Attachments!.Single().ContentType);
        Assert.Contains("Talk to a person", SupportBot.Dialogs.Dialogs.ChoiceFactory.OfferedChoices(reply));
        Assert.Contains("can't do that", reply.Attachments!.Single().Content!.Value.GetProperty("body")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task The_runtime_guard_adds_choices_to_a_refusal_without_any_and_logs_it()
    {
        var log = new List<string>();
        var reply = new Activity { Type = ActivityTypes.Message, Text = "Sorry, I can't do that." };

        DeadEndGuard.Apply(Activities.Message("hi", "c", channelId: "webchat"), [reply], SupportBot.Dialogs.Playbook.PlaybookLoader.Default, log.Add);

        Assert.Contains("Talk to a person", reply.SuggestedActions!.Actions.Select(a => a.Title));
        Assert.True(reply.SuggestedActions.Actions.Count >= 2);
        Assert.Single(log);
    }

    // --- Fast recovery --------------------------------------------------------------------------------------

    [Fact]
    public async Task An_angry_customer_gets_one_sincere_apology_and_a_person_at_once()
    {
        var chat = await JoinedAsync();

        var replies = await chat.SendAsync("this is ridiculous, third time i'm asking");

        Assert.StartsWith("I'm sorry", replies.Single().Text);
        Assert.Equal("Talk to a person", Expect.ChoicesOf(replies)[0]);
        Assert.DoesNotContain("because", replies.Single().Text); // no excuses
    }

    [Fact]
    public async Task Shouting_counts_as_frustration()
    {
        var chat = await JoinedAsync();

        var replies = await chat.SendAsync("WHERE IS MY PARCEL");

        Expect.Choices(replies, "Talk to a person");
    }

    [Fact]
    public async Task The_apology_is_made_only_once()
    {
        var chat = await JoinedAsync();
        await chat.SendAsync("this is useless");
        await chat.SendAsync("try another way");

        var second = await chat.SendAsync("still useless");

        Assert.DoesNotContain("sorry", Expect.Text(second), StringComparison.OrdinalIgnoreCase);
        Expect.Choices(second, "Talk to a person");
    }

    [Fact]
    public async Task Trying_another_way_after_frustration_asks_an_open_question()
    {
        var chat = await JoinedAsync();
        await chat.SendAsync("this is a joke");

        var replies = await chat.SendAsync("Try another way");

        Expect.OpenQuestion(replies.Single());
    }

    // --- Hand off with context ----------------------------------------------------------------------------------

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Asking_for_a_person_works_at_every_step(int step)
    {
        var chat = await JoinedAsync();
        var script = new[] { "my parcel hasnt arrived", "yes", "order 123456" };
        foreach (var line in script.Take(step))
        {
            await chat.SendAsync(line);
        }

        var replies = await chat.SendAsync("can I speak to an agent please");

        Assert.Contains("usually here", Expect.Text(replies)); // nobody is signed in to take it
        Expect.Choices(replies, "Leave a message", "Keep going with the bot", "Wait for a person");
    }

    [Fact]
    public async Task The_handoff_request_carries_name_topic_details_and_a_summary()
    {
        var storage = new MemoryStorage();
        var chat = await JoinedAsync(storage);
        await chat.SendAsync("my parcel hasnt arrived, order 554433");
        await chat.SendAsync("yes");

        await chat.SendAsync("talk to a person");

        var state = await storage.ReadAsync(["webchat/conversations/conv-1"], default);
        var handoff = System.Text.Json.JsonDocument.Parse(state.Values.Single().Json).RootElement.GetProperty("case").GetProperty("handoff");
        Assert.Equal("Jane", handoff.GetProperty("customerName").GetString());
        Assert.Equal("order_status", handoff.GetProperty("topicId").GetString());
        Assert.Equal("554433", handoff.GetProperty("details").GetProperty("orderNumber").GetString());
        Assert.Contains("my parcel hasnt arrived", handoff.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task A_new_need_written_after_a_handoff_request_is_heard_as_a_new_case()
    {
        var chat = await JoinedAsync();
        await chat.SendAsync("human please");

        var replies = await chat.SendAsync("also i forgot my password");

        Assert.Contains("trouble with your account", Expect.Text(replies));
    }

    [Fact]
    public async Task A_second_case_does_not_reuse_the_first_cases_details()
    {
        var chat = await JoinedAsync();
        foreach (var line in new[] { "parcel late order 123456", "yes", "yes", "5", "No comment" })
        {
            await chat.SendAsync(line);
        }

        var second = await chat.SendAsync("where is order 654321");

        Assert.Contains("#654321", Expect.Text(second));
        Assert.DoesNotContain("123456", Expect.Text(second));
    }

    [Fact]
    public async Task Keeping_going_with_the_bot_after_a_handoff_request_asks_what_else()
    {
        var chat = await JoinedAsync();
        await chat.SendAsync("human please");

        var replies = await chat.SendAsync("Keep going with the bot");

        Assert.Equal("Is there anything else I can help you with?", replies.Single().Text);
    }

    // --- Anywhere: start over, help -------------------------------------------------------------------------------

    [Fact]
    public async Task Start_over_works_at_any_step()
    {
        var chat = await JoinedAsync();
        await chat.SendAsync("my parcel hasnt arrived");

        var replies = await chat.SendAsync("start over");
        var reflect = await chat.SendAsync("i forgot my password");

        Assert.Equal("No problem, let's start again. What can I help you with?", replies.Single().Text);
        Assert.Contains("account", Expect.Text(reflect));
    }

    [Fact]
    public async Task Help_explains_what_the_bot_can_do_and_repeats_the_question()
    {
        var chat = await JoinedAsync();
        await chat.SendAsync("my parcel hasnt arrived");

        var replies = await chat.SendAsync("help");

        Assert.StartsWith("I can help with", replies[0].Text);
        Assert.Contains("Did I get that right?", replies[1].Text);
    }

    // --- Ask how it went ------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_solved_case_closes_with_a_one_tap_rating_and_the_answer_is_stored()
    {
        var storage = new MemoryStorage();
        var chat = await JoinedAsync(storage);
        await chat.SendAsync("parcel late order 123456");
        await chat.SendAsync("yes");

        var csat = await chat.SendAsync("yes");
        var comment = await chat.SendAsync("4");
        var closing = await chat.SendAsync("quick and easy, thanks");

        Assert.Equal(["1", "2", "3", "4", "5"], Expect.ChoicesOf(csat));
        Assert.Equal(["No comment"], Expect.ChoicesOf(comment));
        Assert.StartsWith("Thank you, Jane", closing.Single().Text);
        var state = await storage.ReadAsync(["webchat/conversations/conv-1"], default);
        var satisfaction = System.Text.Json.JsonDocument.Parse(state.Values.Single().Json).RootElement.GetProperty("case").GetProperty("satisfaction");
        Assert.Equal(4, satisfaction.GetProperty("rating").GetInt32());
        Assert.Equal("quick and easy, thanks", satisfaction.GetProperty("comment").GetString());
    }

    [Fact]
    public async Task An_unsolved_case_offers_another_way_or_a_person()
    {
        var chat = await JoinedAsync();
        await chat.SendAsync("parcel late order 123456");
        await chat.SendAsync("yes");

        var replies = await chat.SendAsync("no");

        Assert.Equal(["Try another way", "Talk to a person"], Expect.ChoicesOf(replies));
    }

    [Fact]
    public async Task On_the_emulator_each_understanding_is_traced_for_inspection()
    {
        var chat = TestConversation.WithSupportBot(channelId: ChannelIds.Emulator);
        await chat.MembersAddedAsync();

        var replies = await chat.SendAsync("where is my order 123456");

        var trace = replies.Single(r => r.Type == ActivityTypes.Trace);
        Assert.Equal("Recognizer", trace.Name);
        Assert.Equal("order_status", trace.Value!.Value.GetProperty("intents")[0].GetProperty("intent").GetString());
        Assert.Equal("123456", trace.Value.Value.GetProperty("details").GetProperty("orderNumber").GetString());
    }

    [Fact]
    public async Task Markdown_in_a_customers_name_or_details_is_shown_as_text_not_as_a_link()
    {
        var chat = TestConversation.WithSupportBot(channelId: ChannelIds.WebChat, userName: null);
        await chat.SendAsync(chat.Event("webchat/join"));

        var greeting = await chat.SendAsync("[Verify](https://evil.example)");
        await chat.SendAsync("my speaker wont switch on");
        await chat.SendAsync("yes");
        var resolution = await chat.SendAsync("the [Boom](https://evil.example) speaker");

        Assert.DoesNotContain("](", Expect.Text(greeting));
        Assert.Contains("\\[Boom\\]\\(https://evil.example\\)", Expect.Text(resolution));
    }

    [Fact]
    public async Task Whatever_the_customer_writes_after_a_handoff_request_is_heard_and_never_crashes_the_conversation()
    {
        var chat = await JoinedAsync();
        await chat.SendAsync("I was charged twice");
        await chat.SendAsync("yes");
        await chat.SendAsync("jane@example.com");
        foreach (var line in new[] { "hello?", "are you there", "anyone" })
        {
            Assert.DoesNotContain("something went wrong", Expect.Text(await chat.SendAsync(line)), StringComparison.OrdinalIgnoreCase);
        }

        var next = await chat.SendAsync("i forgot my password");

        Assert.Contains("account", Expect.Text(next));
    }
}
