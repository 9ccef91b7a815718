using SupportBot.Dialogs.Dialogs;
using Xunit;

namespace SupportBot.Tests.Dialogs;

public sealed class ChoiceRecognizerTests
{
    private static readonly IReadOnlyList<Choice> Choices =
    [
        new("Track my order", ["where is my parcel", "tracking"]),
        new("Return an item", ["refund"]),
        new("Talk to a person", ["agent", "human"]),
    ];

    [Theory]
    [InlineData("Track my order", "Track my order")]
    [InlineData("track my order!!", "Track my order")]
    [InlineData("  RETURN AN ITEM ", "Return an item")]
    [InlineData("refund", "Return an item")]
    [InlineData("human", "Talk to a person")]
    [InlineData("2", "Return an item")]
    [InlineData("#3", "Talk to a person")]
    [InlineData("number 1", "Track my order")]
    [InlineData("the second one", "Return an item")]
    [InlineData("3rd", "Talk to a person")]
    [InlineData("last", "Talk to a person")]
    [InlineData("first please", "Track my order")]
    [InlineData("Retrun an item", "Return an item")]
    [InlineData("talk to a persn", "Talk to a person")]
    [InlineData("I want to talk to a person please", "Talk to a person")]
    public void Customers_pick_a_choice_in_their_own_words(string input, string expected)
    {
        Assert.Equal(expected, ChoiceRecognizer.Recognize(input, Choices)?.Value);
    }

    [Theory]
    [InlineData("blue")]
    [InlineData("4")]
    [InlineData("0")]
    [InlineData("the fifth one")]
    [InlineData("")]
    [InlineData("???")]
    public void Input_that_names_no_choice_is_not_forced_onto_one(string input)
    {
        Assert.Null(ChoiceRecognizer.Recognize(input, Choices));
    }

    [Fact]
    public void A_tapped_button_value_wins_over_the_text()
    {
        var activity = new SupportBot.Dialogs.Schema.Activity
        {
            Type = "message",
            Text = "",
            Value = System.Text.Json.JsonSerializer.SerializeToElement(new { choice = "Return an item" }),
        };

        Assert.Equal(1, ChoiceRecognizer.Recognize(activity, Choices)?.Index);
    }

    [Theory]
    [InlineData("yes", true)]
    [InlineData("Yep!", true)]
    [InlineData("that's right", true)]
    [InlineData("yes please, go ahead", true)]
    [InlineData("no", false)]
    [InlineData("Nope.", false)]
    [InlineData("not really", false)]
    [InlineData("maybe", null)]
    public void Confirm_answers_are_recognised(string input, bool? expected)
    {
        Assert.Equal(expected, ConfirmRecognizer.Recognize(new SupportBot.Dialogs.Schema.Activity { Type = "message", Text = input }));
    }

    [Theory]
    [InlineData("Yes", true)]
    [InlineData("No", false)]
    public void A_confirm_answer_tapped_on_an_Adaptive_Card_is_recognised_like_the_typed_word(string choice, bool expected)
    {
        // Action.Submit: a message with no text and value {"choice": ...}.
        var tapped = new SupportBot.Dialogs.Schema.Activity { Type = "message", Value = System.Text.Json.JsonSerializer.SerializeToElement(new { choice }) };

        Assert.Equal(expected, ConfirmRecognizer.Recognize(tapped));
    }

    [Theory]
    [InlineData("  Don't   STOP!! ", "dont stop")]
    [InlineData("Talk to a person, please.", "talk to a person please")]
    [InlineData("ÀB-Ç", "àb ç")]
    [InlineData("!!!", "")]
    [InlineData("", "")]
    public void Words_are_compared_in_lower_case_without_punctuation_or_apostrophes(string input, string expected) =>
        Assert.Equal(expected, ChoiceRecognizer.Normalize(input));

    [Fact]
    public void A_long_message_is_normalised_whole() =>
        Assert.Equal(new string('a', 300) + " b", ChoiceRecognizer.Normalize(new string('A', 300) + "  -B-"));

    [Theory]
    [InlineData("talk to a person please", "a person", true)]
    [InlineData("person", "person", true)]
    [InlineData("talk to a personal shopper", "a person", false)]
    [InlineData("salesperson person", "person", true)]
    [InlineData("anything", "", false)]
    public void Phrases_match_whole_words_only(string text, string words, bool expected) =>
        Assert.Equal(expected, ChoiceRecognizer.ContainsWords(text, words));
}
