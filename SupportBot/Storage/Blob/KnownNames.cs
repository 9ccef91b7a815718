namespace SupportBot.Storage.Blob;

/// <summary>Names this instance knows are stored, at most <paramref name="limit"/> of them (then it starts again):
/// forgetting one only costs what knowing it saved.</summary>
internal sealed class KnownNames(int limit)
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public bool Contains(string name)
    {
        lock (_names)
        {
            return _names.Contains(name);
        }
    }

    public void Add(string name)
    {
        lock (_names)
        {
            if (_names.Count >= limit)
            {
                _names.Clear();
            }
            _names.Add(name);
        }
    }
}
