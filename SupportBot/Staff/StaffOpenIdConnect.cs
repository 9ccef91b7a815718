using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace SupportBot.Staff;

/// <summary><c>Staff:OpenIdConnect</c>: staff sign in with their organisation's account (Microsoft Entra ID or any
/// OpenID Connect provider) instead of passwords kept here. Who is an agent or an admin comes from the role claim
/// (Entra app roles named Agent and Admin).</summary>
public sealed record StaffOpenIdConnect
{
    /// <summary>For Entra: https://login.microsoftonline.com/{tenant}/v2.0.</summary>
    public string? Authority { get; init; }

    public string ClientId { get; init; } = "";

    public string? ClientSecret { get; init; }

    public string RoleClaim { get; init; } = "roles";

    public string NameClaim { get; init; } = "preferred_username";

    public string DisplayNameClaim { get; init; } = "name";

    public void Configure(OpenIdConnectOptions options)
    {
        if (string.IsNullOrWhiteSpace(ClientId))
        {
            throw new InvalidOperationException("Staff:OpenIdConnect:ClientId is required when Staff:OpenIdConnect:Authority is set.");
        }
        options.Authority = Authority;
        options.ClientId = ClientId;
        options.ClientSecret = ClientSecret;
        options.ResponseType = "code";
        options.UsePkce = true;
        options.MapInboundClaims = false; // keep the provider's claim names, read below
        options.Scope.Clear();
        options.Scope.Add("openid");
        options.Scope.Add("profile");
        options.Events.OnRemoteFailure = context =>
        {
            // A failed or forged answer from the provider: back to the sign-in page, never an error page.
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("SupportBot.Staff")
                .LogWarning("Staff sign-in with {Authority} failed: {Reason}", Authority, context.Failure?.Message);
            context.Response.Redirect("/signin?failed=1");
            context.HandleResponse();
            return Task.CompletedTask;
        };
        options.Events.OnTokenValidated = context =>
        {
            // The same claims a password sign-in gives, so the rest of the app has one kind of staff member.
            var user = context.Principal!;
            var name = user.FindFirst(NameClaim)?.Value ?? user.FindFirst("sub")?.Value
                ?? throw new InvalidOperationException($"The identity provider sent neither '{NameClaim}' nor 'sub'.");
            List<Claim> claims = [new(ClaimTypes.Name, name), new(ClaimTypes.GivenName, user.FindFirst(DisplayNameClaim)?.Value ?? name)];
            claims.AddRange(user.FindAll(RoleClaim).Select(c => c.Value).Where(r => r is StaffRoles.Agent or StaffRoles.Admin)
                .Select(r => new Claim(ClaimTypes.Role, r)));
            context.Principal = new ClaimsPrincipal(new ClaimsIdentity(claims, StaffSignIn.OpenIdConnectScheme));
            return Task.CompletedTask;
        };
    }
}
