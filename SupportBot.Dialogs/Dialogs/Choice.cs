namespace SupportBot.Dialogs.Dialogs;

/// <summary>An option offered to the customer; its title is its value.</summary>
public sealed record Choice(string Value, IReadOnlyList<string>? Synonyms = null)
{
    public static implicit operator Choice(string value) => new(value);
}

public sealed record FoundChoice(string Value, int Index);
