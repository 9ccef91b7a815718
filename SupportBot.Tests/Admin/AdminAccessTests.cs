using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace SupportBot.Tests.Admin;

/// <summary>Only admins reach the admin API and page: anonymous callers get 401, agents 403, on every route.</summary>
public sealed class AdminAccessTests : IAsyncLifetime
{
    private AdminServer _server = null!;

    public async Task InitializeAsync() => _server = await AdminServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>Every admin route, as the OpenAPI document must list it too.</summary>
    public static readonly (string Method, string Path)[] Routes =
    [
        ("GET", "/api/admin/draft"),
        ("PUT", "/api/admin/draft"),
        ("GET", "/api/admin/draft/export"),
        ("GET", "/api/admin/draft/utterances.csv"),
        ("PUT", "/api/admin/draft/utterances.csv"),
        ("POST", "/api/admin/draft/topics/order_status/utterances"),
        ("GET", "/api/admin/draft/confusion"),
        ("POST", "/api/admin/draft/try"),
        ("POST", "/api/admin/publish"),
        ("GET", "/api/admin/versions"),
        ("GET", "/api/admin/versions/1"),
        ("POST", "/api/admin/versions/1/rollback"),
        ("GET", "/api/admin/status"),
        ("GET", "/api/admin/analytics"),
        ("GET", "/api/admin/analytics.csv"),
    ];

    [Fact]
    public async Task Anonymous_callers_get_401_and_agents_403_on_every_admin_route_and_nothing_changes()
    {
        using var anonymous = await _server.SignInAsync(null);
        using var agent = await _server.SignInAsync("bo");
        var (_, etagBefore) = await _server.GetDraftAsync();
        foreach (var (method, path) in Routes)
        {
            foreach (var (client, expected) in new[] { (anonymous, HttpStatusCode.Unauthorized), (agent, HttpStatusCode.Forbidden) })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "GET" ? null : JsonContent.Create(new { text = "x" }) };
                request.Headers.TryAddWithoutValidation("If-Match", etagBefore);
                using var response = await client.SendAsync(request);
                Assert.True(expected == response.StatusCode, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}");
                Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            }
        }
        var (_, etagAfter) = await _server.GetDraftAsync();
        Assert.Equal(etagBefore, etagAfter);
    }

    [Fact]
    public async Task The_admin_page_sends_anonymous_and_agents_to_sign_in_and_shows_admins_the_page()
    {
        using var anonymous = await _server.SignInAsync(null);
        using var agent = await _server.SignInAsync("bo");
        foreach (var path in new[] { "/admin", "/admin/admin.js" })
        {
            foreach (var client in new[] { anonymous, agent })
            {
                using var refused = await client.GetAsync(path);
                Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
                Assert.StartsWith("/signin", refused.Headers.Location!.PathAndQuery);
                // A signed-in agent is told why (the sign-in page shows it); someone signed out is simply asked to sign in.
                Assert.Equal(client == agent, refused.Headers.Location!.PathAndQuery.Contains("denied=1"));
            }
            using var shown = await _server.Admin.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        }
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_every_admin_route()
    {
        var document = (await _server.Server.Http.GetFromJsonAsync<JsonObject>("openapi/admin.json"))!;
        var paths = document["paths"]!.AsObject();
        foreach (var (method, path) in Routes)
        {
            var template = path.Replace("/order_status/", "/{topicId}/").Replace("/versions/1", "/versions/{number}");
            Assert.True(paths[template]?[method.ToLowerInvariant()] is not null, $"{method} {template} is missing from the OpenAPI document");
        }
        Assert.DoesNotContain(paths, p => !p.Key.StartsWith("/api/admin", StringComparison.Ordinal));
        var save = paths["/api/admin/draft"]!["put"]!;
        Assert.NotNull(save["requestBody"]!["content"]!["application/json"]);
        Assert.Contains(save["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "If-Match" && p["in"]!.GetValue<string>() == "header");
        Assert.NotNull(save["responses"]!["412"]);
        Assert.NotNull(paths["/api/admin/draft/utterances.csv"]!["put"]!["requestBody"]!["content"]!["text/csv"]);
    }
}
