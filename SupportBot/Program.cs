if (args is ["benchmark", "recognizer", var folder])
{
    return SupportBot.Benchmarks.RecognizerBenchmark.Run(folder);
}
await SupportBot.SupportBotApp.Build(args).RunAsync();
return 0;
