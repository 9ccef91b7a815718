using Xunit;

namespace SupportBot.Tests.Channels;

public sealed class BotOptionsTests
{
    [Theory]
    [InlineData(1023)]
    [InlineData(16 * 1024 * 1024 + 1)]
    [InlineData(int.MaxValue)]
    public void An_activity_size_limit_outside_1_KB_to_16_MiB_is_refused_at_start(int bytes)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new BotOptions { MaxActivityBytes = bytes }.Validate());

        Assert.Contains("MaxActivityBytes", error.Message);
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(16 * 1024 * 1024)]
    public void An_activity_size_limit_inside_the_bounds_is_kept(int bytes) =>
        Assert.Equal(bytes, new BotOptions { MaxActivityBytes = bytes }.Validate().MaxActivityBytes);
}
