namespace SupportBot.Agents;

/// <summary>The built-in hub's settings (section <c>Handoff</c>).</summary>
public sealed record HubOptions
{
    /// <summary><c>Hub</c> (the built-in agent console) or <c>External</c> (a contact centre, via handoff events).</summary>
    public string Mode { get; init; } = "Hub";

    public bool External => string.Equals(Mode.Trim(), "External", StringComparison.OrdinalIgnoreCase);

    /// <summary>How long an agent's console may be closed before their conversations go back to the queue.</summary>
    public TimeSpan AgentAbsentTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public HubOptions Validate() =>
        !External && !string.Equals(Mode.Trim(), "Hub", StringComparison.OrdinalIgnoreCase)
            ? throw new InvalidOperationException($"Handoff:Mode must be Hub or External; it is '{Mode}'.")
        : AgentAbsentTimeout <= TimeSpan.Zero ? throw new InvalidOperationException("Handoff:AgentAbsentTimeout must be positive.")
        : this;
}
