using SupportBot.Dialogs.Playbook;
using SupportBot.Dialogs.Recognition;
using Xunit;
using Xunit.Abstractions;

namespace SupportBot.Tests.Recognition;

public sealed class DefaultPlaybookRecognitionTests(ITestOutputHelper output)
{
    private static readonly Lazy<PlaybookRuntime> Runtime = new(() => PlaybookRuntime.Train(PlaybookLoader.Default));

    [Theory]
    [InlineData("hi my parcel never turned up", "order_status")]
    [InlineData("wheres my order??", "order_status")]
    [InlineData("I'd like to send back a jumper that's too small", "returns_refunds")]
    [InlineData("you took money twice from my card", "billing_payments")]
    [InlineData("i cant log into my acount", "account_signin")]
    [InlineData("my speaker wont switch on", "technical_problem")]
    [InlineData("is the red kettle in stock", "product_question")]
    [InlineData("please cancel order 123456", "cancel_order")]
    [InlineData("i want to speak to a real person", "talk_to_person")]
    [InlineData("I am very unhappy with the service I got", "complaint")]
    public void Customers_typical_wording_lands_on_the_right_topic(string text, string topic)
    {
        var understanding = Runtime.Value.Understand(text);
        output.WriteLine($"{text} -> {string.Join(", ", understanding.TopIntents.Select(i => $"{i.Intent} {i.Score:F2}"))} ({understanding.Confidence})");

        Assert.Equal(topic, understanding.TopTopic);
    }

    [Theory]
    [InlineData("what's the weather like in paris")]
    [InlineData("asdkjh qwe")]
    public void Off_topic_text_is_not_taken_as_confident(string text)
    {
        var understanding = Runtime.Value.Understand(text);
        output.WriteLine($"{text} -> {string.Join(", ", understanding.TopIntents.Select(i => $"{i.Intent} {i.Score:F2}"))} ({understanding.Confidence})");

        Assert.NotEqual(Confidence.Confident, understanding.Confidence);
    }
}
