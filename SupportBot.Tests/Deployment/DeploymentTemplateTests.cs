using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using SupportBot.Storage.Blob;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Deployment;

/// <summary>The Azure templates build and lint offline with the bicep CLI from NuGet, and the committed ARM JSON is
/// exactly what the Bicep builds.</summary>
public sealed class DeploymentTemplateTests
{
    private static string Folder => Path.Combine(RepoPaths.Root, "deploymentTemplates");

    [Fact]
    public async Task The_committed_arm_json_is_what_the_bicep_builds()
    {
        var output = Path.Combine(TempFolder.Create("bicep"), "main.json");

        var build = await BicepAsync("build", "main.bicep", "--outfile", output);

        Assert.True(build.ExitCode == 0, build.Output);
        Assert.True(Normalised(await File.ReadAllTextAsync(output)) == Normalised(await File.ReadAllTextAsync(Path.Combine(Folder, "main.json"))),
            "deploymentTemplates/main.json is stale: run `bicep build main.bicep` in deploymentTemplates/ and commit it.");
    }

    [Fact]
    public async Task Bicep_lint_finds_nothing()
    {
        var lint = await BicepAsync("lint", "main.bicep");

        Assert.Equal((0, ""), (lint.ExitCode, lint.Output.Trim()));
    }

    [Fact]
    public async Task The_parameters_file_sets_every_parameter_but_the_generated_secret()
    {
        using var template = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Folder, "main.json")));
        using var parameters = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Folder, "main.parameters.json")));

        var declared = template.RootElement.GetProperty("parameters").EnumerateObject()
            .Where(p => p.Value.GetProperty("type").GetString() != "securestring").Select(p => p.Name).Order();
        var given = parameters.RootElement.GetProperty("parameters").EnumerateObject().Select(p => p.Name).Order();

        Assert.Equal(declared, given);
        Assert.All(template.RootElement.GetProperty("parameters").EnumerateObject(),
            p => Assert.False(string.IsNullOrWhiteSpace(p.Value.GetProperty("metadata").GetProperty("description").GetString()), p.Name));
    }

    [Fact]
    public async Task Every_blob_setting_the_template_wires_is_one_the_bot_reads()
    {
        var bicep = await File.ReadAllTextAsync(Path.Combine(Folder, "main.bicep"));

        var wired = Regex.Matches(bicep, @"Storage__Blob__(\w+):").Select(m => m.Groups[1].Value).ToList();

        Assert.Contains("AccountUrl", wired);
        Assert.Contains("ManagedIdentityClientId", wired);
        Assert.All(wired, name => Assert.NotNull(typeof(BlobStorageOptions).GetProperty(name)));
        Assert.Contains("Storage__Provider: 'Blob'", bicep);
    }

    private static string Normalised(string json) => json.Replace("\r\n", "\n").Trim();

    /// <summary>Runs the bicep CLI of the NuGet package the test project references (its path is put into this assembly
    /// at build time), so a fresh clone needs nothing but restore.</summary>
    private static async Task<(int ExitCode, string Output)> BicepAsync(params string[] args)
    {
        var path = typeof(DeploymentTemplateTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BicepPath").Value!.Replace('\\', '/');
        Assert.True(File.Exists(path), $"The bicep CLI is not at {path}; restore SupportBot.Tests.");
        if (!OperatingSystem.IsWindows() && !File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute); // NuGet does not keep file modes
        }
        var start = new ProcessStartInfo(path) { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        args.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
