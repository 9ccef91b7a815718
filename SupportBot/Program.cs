if (args is ["benchmark", "recognizer", var folder])
{
    return SupportBot.Benchmarks.RecognizerBenchmark.Run(folder);
}
if (args is ["benchmark", "load", .. var loadArgs])
{
    return await SupportBot.Benchmarks.LoadBenchmark.RunAsync(loadArgs);
}
if (args is ["benchmark", "echo", .. var echoArgs])
{
    return await SupportBot.Benchmarks.EchoCeiling.RunAsync(echoArgs);
}
if (args is ["benchmark", "phases", .. var phaseArgs])
{
    return await SupportBot.Benchmarks.PhaseBenchmark.RunAsync(phaseArgs);
}
if (args is ["benchmark", "footprint", .. var footprintArgs])
{
    return await SupportBot.Benchmarks.FootprintBenchmark.RunAsync(footprintArgs);
}
if (args is ["teams-package", .. var packageArgs])
{
    return SupportBot.Channels.Teams.TeamsPackage.Run(packageArgs);
}
if (args is ["hash-password"])
{
    // Reads the password from standard input, so it is not left in the shell's history.
    Console.Error.Write("Password: ");
    var password = Console.ReadLine();
    if (string.IsNullOrEmpty(password))
    {
        Console.Error.WriteLine("No password given.");
        return 2;
    }
    Console.WriteLine(SupportBot.Staff.StaffAccounts.Hash(password));
    return 0;
}
await SupportBot.SupportBotApp.Build(args).RunAsync();
return 0;
