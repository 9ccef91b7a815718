using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.WebUtilities;
using SupportBot.Channels;
using SupportBot.Storage.Blob;

namespace SupportBot.Staff;

/// <summary>Sign-in for agents and admins: a cookie issued after a password check, one policy per role. API calls
/// without it answer 401/403 (JSON); pages redirect to the sign-in page.</summary>
public static class StaffSignIn
{
    public const string AgentPolicy = "agent";
    public const string AdminPolicy = "admin";
    private const string SignInRateLimit = "signin";
    public const string OpenIdConnectScheme = "oidc";
    private const string OpenIdConnectPath = "/signin/oidc";

    public static void AddStaffSignIn(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => StaffAccounts.Load(builder.Configuration, GeneratedFile(builder, sp),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("SupportBot.Staff")));
        var openIdConnect = builder.Configuration.GetSection("Staff:OpenIdConnect").Get<StaffOpenIdConnect>();
        var authentication = builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            cookie.Cookie.Name = "supportbot.staff";
            cookie.Cookie.HttpOnly = true;
            // Lax: no other site's form or script can act with it (the API is POST), yet the redirect back from an
            // OpenID Connect provider carries it, which Strict would withhold.
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(10); // a working day
            cookie.SlidingExpiration = true;
            // With an organisation's sign-in configured, the console sends people there; /signin still takes passwords.
            cookie.LoginPath = openIdConnect?.Authority is { Length: > 0 } ? OpenIdConnectPath : "/signin";
            cookie.AccessDeniedPath = "/signin";
            cookie.Events.OnRedirectToLogin = context => Refuse(context, StatusCodes.Status401Unauthorized, "Unauthorized", "Sign in first.", context.RedirectUri);
            // The sign-in page then says why a signed-in person was sent there.
            cookie.Events.OnRedirectToAccessDenied = context => Refuse(context, StatusCodes.Status403Forbidden, "Forbidden", "Your account does not have the role this needs.",
                QueryHelpers.AddQueryString(context.RedirectUri, "denied", "1"));
        });
        if (openIdConnect?.Authority is { Length: > 0 })
        {
            authentication.AddOpenIdConnect(OpenIdConnectScheme, openIdConnect.Configure);
        }
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AgentPolicy, p => p.RequireRole(StaffRoles.Agent))
            .AddPolicy(AdminPolicy, p => p.RequireRole(StaffRoles.Admin));
        builder.Services.Configure<RateLimiterOptions>(limiter => limiter.AddPolicy(SignInRateLimit, http => RateLimitPartition.GetFixedWindowLimiter(
            http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = 10, Window = TimeSpan.FromMinutes(1) })));
    }

    /// <summary>On Blob Storage several instances serve one bot, so the generated accounts are shared there too.</summary>
    private static IGeneratedStaffFile GeneratedFile(IHostApplicationBuilder builder, IServiceProvider services) =>
        SupportBotApp.StorageProvider(builder) == "Blob"
            ? new BlobStaffFile(services.GetRequiredService<BlobContainers>().State)
            : new LocalStaffFile(Path.Combine(SupportBotApp.DataDirectory(builder), "staff.json"));

    public static void MapStaffSignIn(this IEndpointRouteBuilder app)
    {
        // Loaded now, not at the first sign-in: a bad setting stops start-up, and first-start passwords are logged at once.
        app.ServiceProvider.GetRequiredService<StaffAccounts>();
        app.MapGet("/signin", () => Results.File(Path.Combine(app.ServiceProvider.GetRequiredService<IWebHostEnvironment>().WebRootPath, "signin.html"), "text/html"));
        app.MapGet(OpenIdConnectPath, (string? returnUrl) => Results.Challenge(
            new AuthenticationProperties { RedirectUri = LocalPath(returnUrl) }, [OpenIdConnectScheme]));
        app.MapPost("/signin", SignInAsync).DisableAntiforgery().RequireRateLimiting(SignInRateLimit).AddEndpointFilter(FromThisSiteOnly);
        app.MapPost("/signout", async (HttpContext http) =>
        {
            await http.SignOutAsync();
            return Results.Redirect("/signin");
        }).AddEndpointFilter(FromThisSiteOnly);
        app.MapGet("/api/staff/me", (ClaimsPrincipal user) => Results.Ok(new
        {
            name = user.Identity!.Name,
            displayName = user.FindFirstValue(ClaimTypes.GivenName),
            roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value),
        })).RequireAuthorization();
    }

    private static async Task<IResult> SignInAsync(HttpContext http, StaffAccounts accounts)
    {
        var form = await http.Request.ReadFormAsync();
        var returnUrl = LocalPath(form["returnUrl"].ToString());
        if (accounts.Verify(form["name"].ToString().Trim(), form["password"].ToString()) is not { } account)
        {
            return Results.Redirect($"/signin?failed=1&returnUrl={Uri.EscapeDataString(returnUrl)}");
        }
        List<Claim> claims = [new(ClaimTypes.Name, account.Name), new(ClaimTypes.GivenName, account.Shown)];
        claims.AddRange(account.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        await http.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme)));
        return Results.Redirect(returnUrl);
    }

    /// <summary>Signing in or out only from this site's own pages: another site must not sign an agent into an
    /// account of its choosing (login CSRF) or out of theirs. Browsers say where a form came from (Sec-Fetch-Site,
    /// Origin); a request that says neither is not a browser's cross-site form and is let through.</summary>
    private static async ValueTask<object?> FromThisSiteOnly(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        // Sec-Fetch-Site first: behind a proxy that rewrites the host, Origin cannot be compared with what we see.
        var request = context.HttpContext.Request;
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        var origin = request.Headers.Origin.ToString();
        var foreign = site.Length > 0
            ? site is not ("same-origin" or "none")
            : origin.Length > 0 && !string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
        if (foreign)
        {
            return ApiErrors.Forbidden("Signing in or out is only possible from this site's own sign-in page.");
        }
        return await next(context);
    }

    /// <summary>Only paths on this site: a sign-in link must not send people elsewhere.</summary>
    private static string LocalPath(string? returnUrl) =>
        string.IsNullOrEmpty(returnUrl) || !returnUrl.StartsWith('/') || returnUrl.StartsWith("//") || returnUrl.StartsWith("/\\")
            || returnUrl.Any(c => char.IsControl(c) || c == '\\') ? "/agent" : returnUrl; // browsers drop tabs: "/\t/evil" is "//evil"

    /// <summary>Pages go to the sign-in page; API calls get an error they can read.</summary>
    private static Task Refuse(RedirectContext<CookieAuthenticationOptions> context, int status, string code, string message, string page)
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.Redirect(page);
            return Task.CompletedTask;
        }
        return ApiErrors.Error(status, code, message).ExecuteAsync(context.HttpContext);
    }
}
