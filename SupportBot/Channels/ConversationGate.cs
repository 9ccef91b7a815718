namespace SupportBot.Channels;

/// <summary>Runs one conversation's turns one at a time, in the order they arrived (first come, first served);
/// different conversations never wait for each other. Without it, a customer's double-sent messages raced on the
/// ETag: turns were re-run until one gave up (an apology instead of an answer) and the transcript interleaved
/// messages and replies. ETags still guard against another server instance.</summary>
public sealed class ConversationGate
{
    private readonly Dictionary<string, Entry> _gates = new(StringComparer.Ordinal);

    private sealed class Entry
    {
        public readonly SemaphoreSlim Semaphore = new(1, 1); // async waiters are released in FIFO order
        public int Users;
    }

    public async Task<T> RunAsync<T>(string key, Func<Task<T>> turn, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_gates)
        {
            if (!_gates.TryGetValue(key, out entry!))
            {
                _gates[key] = entry = new Entry();
            }
            entry.Users++;
        }
        try
        {
            await entry.Semaphore.WaitAsync(cancellationToken);
            try
            {
                return await turn();
            }
            finally
            {
                entry.Semaphore.Release();
            }
        }
        finally
        {
            lock (_gates)
            {
                if (--entry.Users == 0)
                {
                    _gates.Remove(key);
                }
            }
        }
    }
}
