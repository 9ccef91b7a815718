using System.Text.RegularExpressions;

namespace SupportBot.Channels.DirectLine;

/// <summary>Who the self-hosted web chat page's visitor is: a random customer id kept in an HttpOnly cookie, so a
/// customer who comes back in the same browser is the same customer to the bot (welcomed back, by name). The id is
/// the only secret: it is 128 random bits, never readable by scripts, and a value that is not one of ours is replaced.</summary>
public static partial class WebChatCustomer
{
    public const string Cookie = "supportbot.customer";

    private static readonly TimeSpan KeptFor = TimeSpan.FromDays(365);

    /// <summary>The visitor's id from their cookie, or a new one; either way the cookie is (re)set for another year.</summary>
    public static string Identify(HttpContext http)
    {
        var id = http.Request.Cookies[Cookie] is { } saved && IdShape().IsMatch(saved) ? saved : "dl_" + Guid.NewGuid().ToString("N");
        http.Response.Cookies.Append(Cookie, id, new CookieOptions
        {
            HttpOnly = true,
            Secure = http.Request.IsHttps,
            SameSite = SameSiteMode.Lax,
            MaxAge = KeptFor,
            Path = "/api/token",
            IsEssential = true, // the chat cannot tell a returning customer without it; it holds nothing else
        });
        return id;
    }

    [GeneratedRegex("^dl_[0-9a-f]{32}$")]
    private static partial Regex IdShape();
}
