namespace SupportBot.Channels.Teams;

/// <summary>Teams settings: <c>Teams:AllowedTenants</c>, the Entra tenants (organisations) whose users may talk to the
/// bot, as a comma-separated string or an array. Empty: every tenant.</summary>
public sealed record TeamsOptions(IReadOnlySet<string> AllowedTenants)
{
    public static TeamsOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Teams:AllowedTenants");
        var values = (section.Value ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(section.GetChildren().Select(c => c.Value?.Trim()).OfType<string>().Where(v => v.Length > 0))
            .ToList();
        foreach (var value in values)
        {
            if (!Guid.TryParse(value, out _))
            {
                throw new InvalidOperationException($"Teams:AllowedTenants must list tenant ids (GUIDs); '{value}' is not one.");
            }
        }
        return new TeamsOptions(values.Select(v => Guid.Parse(v).ToString("D")).ToHashSet(StringComparer.OrdinalIgnoreCase));
    }

    public bool Allows(string? tenantId) =>
        AllowedTenants.Count == 0 || tenantId is not null && Guid.TryParse(tenantId, out var id) && AllowedTenants.Contains(id.ToString("D"));
}
