using SupportBot.Tests.Infrastructure;
using SupportBot.Tests.Storage;
using Xunit;

namespace SupportBot.Tests.Admin;

/// <summary>The same report, with the same figures, with transcripts and state in Blob Storage (a real Azurite).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobAnalyticsTests(AzuriteFixture azurite) : AnalyticsTests
{
    protected override IDictionary<string, string?> Storage => BlobServerTests.BlobSettings(azurite.Server);
}
