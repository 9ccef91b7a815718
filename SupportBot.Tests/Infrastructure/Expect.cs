using SupportBot.Dialogs.Schema;
using Xunit;

namespace SupportBot.Tests.Infrastructure;

/// <summary>Assertions that name the customer-service rule they check.</summary>
public static class Expect
{
    public static string Text(IReadOnlyList<Activity> replies) => string.Join(" / ", replies.Where(r => r.Type == ActivityTypes.Message).Select(r => r.Text));

    public static IReadOnlyList<string> ChoicesOf(IReadOnlyList<Activity> replies) =>
        replies.LastOrDefault(r => r.SuggestedActions is not null)?.SuggestedActions!.Actions.Select(a => a.Title!).ToList() ?? [];

    /// <summary>Choices, not refusals: at least two concrete options.</summary>
    public static void Choices(IReadOnlyList<Activity> replies, params string[] mustInclude)
    {
        var choices = ChoicesOf(replies);
        Assert.True(choices.Count >= 2, $"Expected at least two choices after: {Text(replies)}");
        foreach (var choice in mustInclude)
        {
            Assert.Contains(choice, choices);
        }
    }

    /// <summary>No bare "no", "I can't" or "I don't understand" anywhere.</summary>
    public static void NoBareRefusal(IReadOnlyList<Activity> replies)
    {
        foreach (var reply in replies.Where(r => r.Type == ActivityTypes.Message))
        {
            var text = reply.Text ?? "";
            Assert.DoesNotMatch(@"(?i)^\s*no[.!]?\s*$|i can't|i cannot|i don't understand|i do not understand", text);
        }
    }

    /// <summary>An open question: a question that is not yes/no and offers no menu.</summary>
    public static void OpenQuestion(Activity reply)
    {
        var question = reply.Text!.Split(". ").FirstOrDefault(s => s.Contains('?'));
        Assert.True(question is not null, $"Not a question: {reply.Text}");
        Assert.Null(reply.SuggestedActions);
        Assert.DoesNotMatch(@"^(Is|Are|Do|Did|Does|Can|Could you confirm|Would you like)\b", question);
    }

    /// <summary>Of Alice and Bob accepting one conversation at once exactly one wins, the other is told who, and the
    /// customer hears the winner join.</summary>
    public static async Task OneAcceptWinsAsync(System.Net.Http.HttpResponseMessage alicesAnswer, System.Net.Http.HttpResponseMessage bobsAnswer, DirectLineClient customer)
    {
        HttpResponseMessage[] answers = [alicesAnswer, bobsAnswer];
        Assert.Equal([System.Net.HttpStatusCode.OK, System.Net.HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
        var loser = answers.Single(a => a.StatusCode == System.Net.HttpStatusCode.Conflict);
        var winner = loser == alicesAnswer ? "Bob" : "Alice";
        Assert.Contains($"{winner} accepted this conversation first", await loser.Content.ReadAsStringAsync());
        await customer.WaitForMessageAsync($"{winner} from our team has joined");
    }
}
