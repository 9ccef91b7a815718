using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using SupportBot.Channels.Teams;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Channels;

/// <summary>The Teams app package: the checks the official manifest schema (v1.17) makes for the fields we use,
/// the icons Teams requires, and the zip the documented command writes.</summary>
public sealed class TeamsAppPackageTests
{
    private const string AppId = "5b3c1f0e-8a1d-4c55-9a9e-2f6d8d7e4c21";
    private static readonly string Folder = Path.Combine(RepoPaths.Root, "deploymentTemplates", "teams");
    private static readonly Regex Guid = new("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

    private static JsonElement Manifest() => JsonDocument.Parse(TeamsPackage.Manifest(AppId, "supportbot.example.com")).RootElement;

    [Fact]
    public void The_manifest_has_every_field_the_schema_requires()
    {
        var manifest = Manifest();

        foreach (var field in new[] { "manifestVersion", "version", "id", "developer", "name", "description", "icons", "accentColor" })
        {
            Assert.True(manifest.TryGetProperty(field, out _), $"manifest.json has no '{field}'");
        }
        var developer = manifest.GetProperty("developer");
        Assert.False(string.IsNullOrWhiteSpace(developer.GetProperty("name").GetString()));
        foreach (var field in new[] { "websiteUrl", "privacyUrl", "termsOfUseUrl" })
        {
            Assert.StartsWith("https://", developer.GetProperty(field).GetString());
        }
        Assert.False(string.IsNullOrWhiteSpace(manifest.GetProperty("icons").GetProperty("color").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(manifest.GetProperty("icons").GetProperty("outline").GetString()));
        Assert.Matches("^#[0-9a-fA-F]{6}$", manifest.GetProperty("accentColor").GetString());
        Assert.Contains("/v1.", manifest.GetProperty("$schema").GetString());
    }

    [Fact]
    public void The_manifest_version_is_1_17_or_later_and_the_app_version_is_semantic()
    {
        var manifest = Manifest();

        var manifestVersion = Version.Parse(manifest.GetProperty("manifestVersion").GetString()!);
        Assert.True(manifestVersion >= new Version(1, 17), $"manifestVersion {manifestVersion} is older than 1.17");
        Assert.Contains($"/v{manifestVersion}/", manifest.GetProperty("$schema").GetString());
        Assert.Matches(@"^([0-9]|[1-9][0-9]*)\.([0-9]|[1-9][0-9]*)\.([0-9]|[1-9][0-9]*)$", manifest.GetProperty("version").GetString());
    }

    [Fact]
    public void The_app_and_bot_ids_are_the_given_app_id_as_GUIDs_once_filled_in()
    {
        var template = File.ReadAllText(Path.Combine(Folder, "manifest.json"));
        var manifest = Manifest();

        Assert.Contains(TeamsPackage.AppIdPlaceholder, template);
        Assert.DoesNotContain("{{", manifest.GetRawText());
        Assert.Matches(Guid, manifest.GetProperty("id").GetString());
        var bot = Assert.Single(manifest.GetProperty("bots").EnumerateArray());
        Assert.Equal(AppId, bot.GetProperty("botId").GetString());
        Assert.Matches(Guid, bot.GetProperty("botId").GetString());
        Assert.Equal(["personal", "team", "groupChat"], bot.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["supportbot.example.com"], manifest.GetProperty("validDomains").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public void Names_and_descriptions_fit_the_lengths_Teams_allows()
    {
        var manifest = Manifest();

        Assert.InRange(manifest.GetProperty("name").GetProperty("short").GetString()!.Length, 1, 30);
        Assert.InRange(manifest.GetProperty("name").GetProperty("full").GetString()!.Length, 1, 100);
        Assert.InRange(manifest.GetProperty("description").GetProperty("short").GetString()!.Length, 1, 80);
        Assert.InRange(manifest.GetProperty("description").GetProperty("full").GetString()!.Length, 1, 4000);
        Assert.InRange(manifest.GetProperty("developer").GetProperty("name").GetString()!.Length, 1, 32);
    }

    [Theory]
    [InlineData("color", 192)]
    [InlineData("outline", 32)]
    public void Each_icon_named_in_the_manifest_exists_at_the_size_Teams_requires(string icon, int size)
    {
        var file = Manifest().GetProperty("icons").GetProperty(icon).GetString()!;
        var path = Path.Combine(Folder, file);

        Assert.True(File.Exists(path), $"{file} is missing from deploymentTemplates/teams");
        var (width, height, colorType) = Ihdr(File.ReadAllBytes(path));
        Assert.Equal((size, size), (width, height));
        Assert.Equal(6, colorType); // RGBA: the outline must be transparent around white
    }

    [Fact]
    public void The_outline_icon_is_white_on_transparent()
    {
        var pixels = DecodeRgba(File.ReadAllBytes(Path.Combine(Folder, "outline.png")));

        Assert.Contains(pixels, p => p.A == 0);
        Assert.Contains(pixels, p => p.A == 255);
        Assert.All(pixels.Where(p => p.A > 0), p => Assert.Equal((255, 255, 255), (p.R, p.G, p.B)));
    }

    [Fact]
    public void The_package_command_writes_an_installable_zip_with_the_app_id_filled_in()
    {
        var zipPath = Path.Combine(TempFolder.Create("teams-package"), "supportbot-teams.zip");

        var exit = TeamsPackage.Run(["--app-id", AppId, "--domain", "supportbot.example.com", "--out", zipPath]);

        Assert.Equal(0, exit);
        using var zip = ZipFile.OpenRead(zipPath);
        Assert.Equal(["color.png", "manifest.json", "outline.png"], zip.Entries.Select(e => e.FullName).Order());
        using var reader = new StreamReader(zip.GetEntry("manifest.json")!.Open());
        var manifest = JsonDocument.Parse(reader.ReadToEnd()).RootElement;
        Assert.Equal(AppId, manifest.GetProperty("id").GetString());
        using var color = zip.GetEntry("color.png")!.Open();
        using var buffer = new MemoryStream();
        color.CopyTo(buffer);
        Assert.Equal((192, 192, 6), Ihdr(buffer.ToArray()));
    }

    [Theory]
    [InlineData("not-a-guid", "supportbot.example.com")]
    [InlineData(AppId, "https://supportbot.example.com/")]
    public void The_package_command_refuses_a_malformed_app_id_or_domain(string appId, string domain)
    {
        var zipPath = Path.Combine(TempFolder.Create("teams-package"), "supportbot-teams.zip");

        Assert.NotEqual(0, TeamsPackage.Run(["--app-id", appId, "--domain", domain, "--out", zipPath]));
        Assert.False(File.Exists(zipPath));
    }

    /// <summary>Width, height and colour type from the PNG's IHDR chunk.</summary>
    private static (int Width, int Height, int ColorType) Ihdr(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)), png[25]);
    }

    /// <summary>Decodes an 8-bit RGBA, non-interlaced PNG (what make-icons.py writes) into its pixels.</summary>
    private static List<(byte R, byte G, byte B, byte A)> DecodeRgba(byte[] png)
    {
        var (width, height, colorType) = Ihdr(png);
        Assert.Equal(6, colorType);
        using var idat = new MemoryStream();
        for (var offset = 8; offset < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            if (System.Text.Encoding.ASCII.GetString(png, offset + 4, 4) == "IDAT")
            {
                idat.Write(png, offset + 8, length);
            }
            offset += 12 + length;
        }
        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionMode.Decompress))
        {
            z.CopyTo(inflated);
        }
        var raw = inflated.ToArray();
        var stride = width * 4;
        var previous = new byte[stride];
        var pixels = new List<(byte, byte, byte, byte)>();
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var row = raw.AsSpan(y * (stride + 1) + 1, stride).ToArray();
            for (var i = 0; i < stride; i++)
            {
                int left = i >= 4 ? row[i - 4] : 0, up = previous[i], upLeft = i >= 4 ? previous[i - 4] : 0;
                row[i] = (byte)(row[i] + filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    _ => Paeth(left, up, upLeft),
                });
            }
            for (var x = 0; x < width; x++)
            {
                pixels.Add((row[x * 4], row[x * 4 + 1], row[x * 4 + 2], row[x * 4 + 3]));
            }
            previous = row;
        }
        return pixels;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
