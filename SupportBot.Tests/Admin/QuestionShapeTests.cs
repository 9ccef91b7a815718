using SupportBot.Admin.Lint;
using SupportBot.Dialogs.Playbook;
using Xunit;

namespace SupportBot.Tests.Admin;

/// <summary>Open questions invite the customer's own words; closed ones get a yes or a no.</summary>
public sealed class QuestionShapeTests
{
    [Theory]
    [InlineData("Did you get a tracking email?")]
    [InlineData("Thanks. Is it about an order?")]
    [InlineData("Can't you find it?")]
    [InlineData("Have you tried turning it off and on again?")]
    public void Yes_or_no_questions_are_closed(string question) => Assert.True(QuestionShape.IsClosed(question));

    [Theory]
    [InlineData("What happened?")]
    [InlineData("I'm sorry to hear that. What happened?")]
    [InlineData("Could you tell me a bit more about what's going on, in your own words?")]
    [InlineData("Would you like to cancel the whole order or change part of it?")]
    [InlineData("Which product is it? The name on the box is fine.")]
    [InlineData("Thanks for correcting me. In your own words, what would you like help with?")]
    public void Questions_asking_what_which_how_or_offering_alternatives_are_open(string question) => Assert.False(QuestionShape.IsClosed(question));

    [Fact]
    public void Every_question_the_default_playbook_asks_for_clarification_or_details_is_open()
    {
        var playbook = PlaybookLoader.Default;
        var questions = playbook.Topics.SelectMany(t => t.ClarifyingQuestions.Concat(t.Details.Select(d => d.Question)))
            .Append(playbook.Messages.Clarify).Append(playbook.Messages.Rephrase).ToList();

        Assert.True(questions.Count > 10);
        Assert.All(questions, q => Assert.False(QuestionShape.IsClosed(q), q));
    }
}
