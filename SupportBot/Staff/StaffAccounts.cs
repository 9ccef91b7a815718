using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;

namespace SupportBot.Staff;

public static class StaffRoles
{
    public const string Agent = "Agent";
    public const string Admin = "Admin";
}

/// <summary>A person who signs in: an agent taking handoffs, an admin tuning the bot, or both.</summary>
public sealed record StaffAccount
{
    public string Name { get; init; } = "";

    public string? DisplayName { get; init; }

    /// <summary>ASP.NET Core Identity's PBKDF2 hash; <c>dotnet run --project SupportBot -- hash-password</c> makes one.</summary>
    public string PasswordHash { get; init; } = "";

    /// <summary>Agent, Admin or both; none listed means Agent. (Empty by default: configuration adds to a list.)</summary>
    public List<string> Roles { get; init; } = [];

    public string Shown => string.IsNullOrWhiteSpace(DisplayName) ? Name : DisplayName;

    /// <summary>The signed-in person, from their sign-in's claims (a password here, or an OpenID Connect provider).</summary>
    public static StaffAccount Of(System.Security.Claims.ClaimsPrincipal user) => new()
    {
        Name = user.Identity?.Name ?? throw new InvalidOperationException("The signed-in user has no name."),
        DisplayName = user.FindFirst(System.Security.Claims.ClaimTypes.GivenName)?.Value,
        Roles = user.FindAll(System.Security.Claims.ClaimTypes.Role).Select(c => c.Value).ToList(),
    };
}

/// <summary>The self-hosted sign-in's accounts: <c>Staff:Accounts</c> from configuration, or else the generated file
/// (<see cref="IGeneratedStaffFile"/>), created on first start with an agent and an admin whose passwords are logged once.</summary>
public sealed class StaffAccounts
{
    private static readonly PasswordHasher<StaffAccount> Hasher = new();
    private readonly Dictionary<string, StaffAccount> _accounts;

    public StaffAccounts(IReadOnlyList<StaffAccount> accounts)
    {
        foreach (var account in accounts)
        {
            if (string.IsNullOrWhiteSpace(account.Name) || string.IsNullOrWhiteSpace(account.PasswordHash))
            {
                throw new InvalidOperationException("Every entry of Staff:Accounts needs a Name and a PasswordHash (make one with `hash-password`).");
            }
            if (account.Roles.Except([StaffRoles.Agent, StaffRoles.Admin]).FirstOrDefault() is { } role)
            {
                throw new InvalidOperationException($"Staff:Accounts '{account.Name}' has the role '{role}'; roles are {StaffRoles.Agent} and {StaffRoles.Admin}.");
            }
        }
        _accounts = accounts.ToDictionary(a => a.Name, a => a.Roles.Count > 0 ? a : a with { Roles = [StaffRoles.Agent] }, StringComparer.OrdinalIgnoreCase);
    }

    public StaffAccount? Find(string name) => _accounts.GetValueOrDefault(name);

    /// <summary>The account when the password matches; the same work is done for an unknown name, so timing tells nothing.</summary>
    public StaffAccount? Verify(string name, string password)
    {
        var account = Find(name);
        var result = Hasher.VerifyHashedPassword(account ?? Unknown, account?.PasswordHash ?? Unknown.PasswordHash, password);
        return account is not null && result != PasswordVerificationResult.Failed ? account : null;
    }

    public static string Hash(string password) => Hasher.HashPassword(Unknown, password);

    private static readonly StaffAccount Unknown = new() { Name = "", PasswordHash = Hasher.HashPassword(null!, RandomNumberGenerator.GetHexString(16)) };

    public static StaffAccounts Load(IConfiguration configuration, IGeneratedStaffFile file, ILogger logger)
    {
        var configured = configuration.GetSection("Staff:Accounts").Get<List<StaffAccount>>() ?? [];
        if (configured.Count > 0)
        {
            return new StaffAccounts(configured);
        }
        if (file.TryRead() is not { } json)
        {
            var agentPassword = NewPassword();
            var adminPassword = NewPassword();
            List<StaffAccount> created =
            [
                new() { Name = "agent", DisplayName = "Agent", PasswordHash = Hash(agentPassword), Roles = [StaffRoles.Agent] },
                new() { Name = "admin", DisplayName = "Admin", PasswordHash = Hash(adminPassword), Roles = [StaffRoles.Admin, StaffRoles.Agent] },
            ];
            if (file.CreateOnce(JsonSerializer.Serialize(created, JsonOptions)))
            {
                logger.LogWarning("No Staff:Accounts configured, so two were created in {Path} (passwords are shown only now): " +
                    "agent / {AgentPassword} for the agent console at /agent, admin / {AdminPassword} for /admin and /agent.", file.Location, agentPassword, adminPassword);
            }
            json = file.TryRead() ?? throw new InvalidOperationException($"{file.Location} was created but cannot be read back.");
        }
        return new StaffAccounts(JsonSerializer.Deserialize<List<StaffAccount>>(json, JsonOptions)
            ?? throw new InvalidOperationException($"{file.Location} holds no staff accounts."));
    }

    /// <summary>Four groups of four lowercase letters and digits: easy to type, about 80 bits.</summary>
    private static string NewPassword() =>
        string.Join("-", Enumerable.Range(0, 4).Select(_ => RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyz23456789", 4)));

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
