using Microsoft.Playwright;
using SupportBot.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace SupportBot.Tests.Browser;

/// <summary>Two browsers: a customer in the real Web Chat and an agent in the console. The agent sees what the
/// customer told the bot before accepting, they talk both ways, and the bot takes over again at the end.</summary>
public sealed class HandoffBrowserTests(WebChatFixture fixture, ITestOutputHelper output) : IClassFixture<WebChatFixture>
{
    [Fact]
    public async Task A_customer_asks_for_a_person_an_agent_takes_over_with_the_context_and_hands_back_to_the_bot()
    {
        await using var customer = await ChatPage.OpenAsync(fixture, output);
        await Expect(customer.Welcome).ToHaveCountAsync(1);
        await customer.SendAsync("my parcel has not arrived, order 554433");
        await Expect(customer.FromBot("order #554433")).ToHaveCountAsync(1);
        await using var agentContext = await fixture.NewVisitorAsync(); // closing it signs the agent out of presence
        var agent = await SignInAsync(agentContext);
        await Expect(agent.Locator("#agents-available")).ToContainTextAsync("1 agent available");

        await customer.SendAsync("talk to a person");
        await Expect(customer.FromBot("number 1 in the queue")).ToHaveCountAsync(1);

        var waiting = agent.Locator("#queue .queue-item").Filter(new() { HasText = "Jane" });
        await Expect(waiting).ToContainTextAsync("Order status and delivery");
        await Expect(waiting).ToContainTextAsync("554433");
        await waiting.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await Expect(agent.Locator("#ctx-name")).ToHaveTextAsync("Jane");
        await Expect(agent.Locator("#ctx-details")).ToContainTextAsync("554433");
        await Expect(agent.Locator("#ctx-summary")).ToContainTextAsync("my parcel has not arrived");
        await Expect(agent.Locator("#transcript .msg.customer").Filter(new() { HasText = "my parcel has not arrived, order 554433" })).ToHaveCountAsync(1);
        await Expect(customer.FromBot("Alice from our team has joined")).ToHaveCountAsync(1);

        const string Markup = "<b>is it</b> <img src=x onerror=\"window.pwned=1\"> lost?";
        await customer.SendAsync(Markup);
        await Expect(agent.Locator("#transcript .msg.customer").Filter(new() { HasText = Markup })).ToHaveCountAsync(1);
        Assert.Equal(0, await agent.Locator("#transcript b, #transcript img").CountAsync()); // shown as text, never as markup
        Assert.Null(await agent.EvaluateAsync<object?>("window.pwned"));

        await customer.Transcript.GetByRole(AriaRole.Textbox).PressSequentiallyAsync("still th");
        await Expect(agent.Locator("#typing")).ToBeVisibleAsync();
        await customer.Transcript.GetByRole(AriaRole.Textbox).FillAsync("");

        await agent.Locator("#reply").FillAsync("Hi Jane, I can see order 554433. Let me check with the courier.");
        await agent.Locator("#reply").PressAsync("Enter");
        await Expect(customer.FromBot("Let me check with the courier")).ToHaveCountAsync(1);
        await customer.SendAsync("thank you!");
        await Expect(agent.Locator("#transcript .msg.customer").Filter(new() { HasText = "thank you!" })).ToHaveCountAsync(1);

        await agent.GetByRole(AriaRole.Button, new() { Name = "End and return to bot" }).ClickAsync();
        await Expect(customer.FromBot("while Alice helped you")).ToHaveCountAsync(1);
        await Expect(customer.FromBot("how would you rate your experience")).ToHaveCountAsync(1);
        await customer.SuggestedAction("5").ClickAsync();
        await Expect(customer.FromBot("like to tell us about it")).ToHaveCountAsync(1); // Web Chat typesets apostrophes
        await Expect(agent.Locator("#mine .mine-item")).ToHaveCountAsync(0);
        customer.ExpectNoClientComplaints();
    }

    [Fact]
    public async Task With_no_agent_signed_in_the_customer_gets_choices_and_a_follow_up_reaches_the_console()
    {
        await using var customer = await ChatPage.OpenAsync(fixture, output);
        await Expect(customer.Welcome).ToHaveCountAsync(1);

        await customer.SendAsync("can I talk to a human");
        await Expect(customer.FromBot("usually here")).ToHaveCountAsync(1);
        await customer.SuggestedAction("Leave a message").ClickAsync();
        await Expect(customer.FromBot("How would you like us to get back to you?")).ToHaveCountAsync(1);
        await customer.SendAsync("jane@example.com");
        await customer.SuggestedAction("Nothing to add").ClickAsync();
        await Expect(customer.FromBot("within 24 hours")).ToHaveCountAsync(1);

        await using var agentContext = await fixture.NewVisitorAsync(); // closing it signs the agent out of presence
        var agent = await SignInAsync(agentContext);
        var followUp = agent.Locator("#follow-ups .follow-up").Filter(new() { HasText = "jane@example.com" });
        await Expect(followUp).ToContainTextAsync("Jane");
        await followUp.GetByRole(AriaRole.Button, new() { Name = "Mark done" }).ClickAsync();
        await Expect(followUp).ToHaveCountAsync(0);
        customer.ExpectNoClientComplaints();
    }

    /// <summary>Opens the console, which sends the agent to sign in first, and signs in as Alice.</summary>
    private static async Task<IPage> SignInAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/agent");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin"));
        await page.Locator("#name").FillAsync("alice");
        await page.Locator("#password").FillAsync(StaffClient.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("#me")).ToHaveTextAsync("Alice");
        return page;
    }
}
