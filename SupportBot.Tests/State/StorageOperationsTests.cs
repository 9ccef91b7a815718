using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Support;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.State;

public sealed class StorageOperationsTests
{
    /// <summary>Counts calls on the real in-memory store.</summary>
    private sealed class CountingStorage : IStorage
    {
        private readonly MemoryStorage _inner = new();

        public int Reads { get; private set; }

        public int Writes { get; private set; }

        public Task<IReadOnlyDictionary<string, StoreItem>> ReadAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
        {
            Reads++;
            return _inner.ReadAsync(keys, cancellationToken);
        }

        public Task<IReadOnlyDictionary<string, string>> WriteAsync(IReadOnlyDictionary<string, StoreItem> changes, CancellationToken cancellationToken)
        {
            Writes++;
            return _inner.WriteAsync(changes, cancellationToken);
        }

        public Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) => _inner.DeleteAsync(keys, cancellationToken);
    }

    [Fact]
    public async Task Every_turn_reads_state_once_and_writes_it_at_most_once()
    {
        var storage = new CountingStorage();
        var chat = TestConversation.WithSupportBot(storage, channelId: "webchat");
        var script = new[] { "my parcel hasnt arrived, order 123456", "yes", "yes", "5", "No comment" };

        await chat.SendAsync(chat.Event(SupportBotHandler.JoinEventName));
        Assert.Equal((1, 1), (storage.Reads, storage.Writes));
        foreach (var (line, turn) in script.Select((l, i) => (l, i + 2)))
        {
            await chat.SendAsync(line);
            Assert.Equal(turn, storage.Reads);
            Assert.Equal(turn, storage.Writes);
        }
    }

    [Fact]
    public async Task A_turn_that_changes_no_state_writes_nothing()
    {
        var storage = new CountingStorage();
        var chat = TestConversation.WithSupportBot(storage, channelId: "webchat");
        await chat.SendAsync(chat.Event(SupportBotHandler.JoinEventName));

        await chat.SendAsync(chat.Event("something/else")); // an event the bot ignores

        Assert.Equal((2, 1), (storage.Reads, storage.Writes));
    }
}
