using Microsoft.Extensions.Configuration;
using SupportBot.Channels.Teams;
using Xunit;

namespace SupportBot.Tests.Channels;

public sealed class TeamsOptionsTests
{
    private static TeamsOptions From(Dictionary<string, string?> settings) =>
        TeamsOptions.From(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    [Fact]
    public void Allowed_tenants_are_read_from_a_comma_separated_setting()
    {
        var options = From(new() { ["Teams:AllowedTenants"] = "72f988bf-0000-0000-0000-2d7cd011db47, 0F9E8D7C-6B5A-4321-8FED-CBA987654321" });

        Assert.True(options.Allows("72f988bf-0000-0000-0000-2d7cd011db47"));
        Assert.True(options.Allows("0f9e8d7c-6b5a-4321-8fed-cba987654321"));
        Assert.False(options.Allows("11111111-2222-3333-4444-555555555555"));
        Assert.False(options.Allows(null));
    }

    [Fact]
    public void Allowed_tenants_are_read_from_an_array_setting()
    {
        var options = From(new() { ["Teams:AllowedTenants:0"] = "72f988bf-0000-0000-0000-2d7cd011db47" });

        Assert.True(options.Allows("72f988bf-0000-0000-0000-2d7cd011db47"));
        Assert.False(options.Allows("11111111-2222-3333-4444-555555555555"));
    }

    [Fact]
    public void No_allowed_tenants_means_every_tenant_is_welcome()
    {
        Assert.True(From([]).Allows("11111111-2222-3333-4444-555555555555"));
    }

    [Fact]
    public void A_tenant_that_is_not_a_GUID_stops_start_up_naming_the_setting()
    {
        var e = Assert.Throws<InvalidOperationException>(() => From(new() { ["Teams:AllowedTenants"] = "contoso.com" }));

        Assert.Contains("Teams:AllowedTenants", e.Message);
    }
}
