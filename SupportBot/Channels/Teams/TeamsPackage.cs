using System.IO.Compression;
using System.Reflection;
using System.Text.RegularExpressions;

namespace SupportBot.Channels.Teams;

/// <summary>Builds the installable Teams app package (manifest.json, color.png, outline.png in one zip) from
/// <c>deploymentTemplates/teams/</c>, which is embedded in the host: <c>dotnet run --project SupportBot -- teams-package
/// --app-id &lt;MicrosoftAppId&gt; --domain &lt;bot host&gt; --out supportbot-teams.zip</c>.</summary>
public static partial class TeamsPackage
{
    public const string AppIdPlaceholder = "{{MICROSOFT_APP_ID}}";
    public const string DomainPlaceholder = "{{BOT_DOMAIN}}";
    public static readonly string[] Files = ["manifest.json", "color.png", "outline.png"];

    public static int Run(string[] args)
    {
        string? appId = null, domain = null, output = "supportbot-teams.zip";
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--app-id": appId = value; i++; break;
                case "--domain": domain = value; i++; break;
                case "--out": output = value; i++; break;
                default:
                    Console.Error.WriteLine($"Unknown option '{args[i]}'.");
                    return Usage();
            }
        }
        if (appId is null || domain is null || output is null)
        {
            return Usage();
        }
        try
        {
            Write(output, appId, domain);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        Console.WriteLine($"Wrote {Path.GetFullPath(output)}: upload it in Teams (Apps > Manage your apps > Upload an app).");
        return 0;
    }

    /// <summary>The manifest with the bot's app id and domain filled in; throws on a malformed id or domain.</summary>
    public static string Manifest(string appId, string domain)
    {
        if (!Guid.TryParse(appId, out var id))
        {
            throw new ArgumentException($"--app-id must be the bot's Microsoft App ID (a GUID); '{appId}' is not one.");
        }
        if (!HostName().IsMatch(domain))
        {
            throw new ArgumentException($"--domain must be the host name the bot is served from, such as supportbot.azurewebsites.net; '{domain}' is not one.");
        }
        return Read("manifest.json").Replace(AppIdPlaceholder, id.ToString("D"), StringComparison.Ordinal)
            .Replace(DomainPlaceholder, domain.ToLowerInvariant(), StringComparison.Ordinal);
    }

    /// <summary>Writes the zip next to its destination first, so a failed write never leaves half a package.</summary>
    public static void Write(string zipPath, string appId, string domain)
    {
        var manifest = Manifest(appId, domain);
        var partial = zipPath + ".partial";
        using (var stream = File.Create(partial))
        {
            WriteZip(stream, manifest);
        }
        File.Move(partial, zipPath, overwrite: true);
    }

    private static void WriteZip(Stream stream, string manifest)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create);
        foreach (var name in Files)
        {
            // Teams wants the three files at the root of the zip, no folder.
            using var entry = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
            if (name == "manifest.json")
            {
                entry.Write(System.Text.Encoding.UTF8.GetBytes(manifest));
            }
            else
            {
                using var resource = Open(name);
                resource.CopyTo(entry);
            }
        }
    }

    private static string Read(string name)
    {
        using var reader = new StreamReader(Open(name));
        return reader.ReadToEnd();
    }

    private static Stream Open(string name) =>
        Assembly.GetExecutingAssembly().GetManifestResourceStream("TeamsApp/" + name)
        ?? throw new InvalidOperationException($"The Teams app file '{name}' is not embedded in the host.");

    private static int Usage()
    {
        Console.Error.WriteLine("Usage: dotnet run --project SupportBot -- teams-package --app-id <MicrosoftAppId> --domain <bot host name> [--out supportbot-teams.zip]");
        return 2;
    }

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$", RegexOptions.IgnoreCase)]
    private static partial Regex HostName();
}
