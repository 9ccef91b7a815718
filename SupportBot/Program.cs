await SupportBot.SupportBotApp.Build(args).RunAsync();
