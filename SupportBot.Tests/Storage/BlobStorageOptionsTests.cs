using SupportBot.Storage.Blob;
using Xunit;

namespace SupportBot.Tests.Storage;

public sealed class BlobStorageOptionsTests
{
    [Fact]
    public void The_emulator_shortcut_and_a_managed_identity_setup_are_accepted()
    {
        var emulator = new BlobStorageOptions { ConnectionString = "UseDevelopmentStorage=true" }.Validate();
        var production = new BlobStorageOptions
        {
            AccountUrl = "https://supportbot.blob.core.windows.net",
            ManagedIdentityClientId = "2f1e4b8a-5d3c-4e7f-9a1b-0c2d3e4f5a6b",
        }.Validate();

        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1", emulator.CreateClient().Uri.ToString().TrimEnd('/'));
        Assert.Equal("supportbot", production.CreateClient().AccountName);
    }

    [Theory]
    [InlineData(null, null, null, "Storage:Blob:ConnectionString")]
    [InlineData(null, "http://supportbot.blob.core.windows.net", null, "Storage:Blob:AccountUrl")]
    [InlineData(null, "supportbot", null, "Storage:Blob:AccountUrl")]
    [InlineData(null, "https://supportbot.blob.core.windows.net", "my-identity", "Storage:Blob:ManagedIdentityClientId")]
    [InlineData("AccountName=x", null, null, "Storage:Blob:ConnectionString")]
    public void A_bad_setting_is_named(string? connectionString, string? accountUrl, string? clientId, string setting)
    {
        var options = new BlobStorageOptions { ConnectionString = connectionString, AccountUrl = accountUrl, ManagedIdentityClientId = clientId };

        var error = Assert.Throws<InvalidOperationException>(() => options.Validate());

        Assert.Contains(setting, error.Message);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("double--hyphen")]
    [InlineData("-starts")]
    [InlineData("UPPER")]
    public void Container_names_follow_azure_rules(string name)
    {
        var options = new BlobStorageOptions { ConnectionString = "UseDevelopmentStorage=true", TranscriptContainer = name };

        Assert.Contains("Storage:Blob:TranscriptContainer", Assert.Throws<InvalidOperationException>(() => options.Validate()).Message);
    }
}
