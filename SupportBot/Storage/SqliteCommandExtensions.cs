using Microsoft.Data.Sqlite;

namespace SupportBot.Storage;

internal static class SqliteCommandExtensions
{
    /// <summary>Sets a parameter of a reused command, adding it the first time.</summary>
    public static SqliteCommand Bind(this SqliteCommand command, string name, object value)
    {
        var index = command.Parameters.IndexOf(name);
        if (index < 0)
        {
            command.Parameters.AddWithValue(name, value);
        }
        else
        {
            command.Parameters[index].Value = value;
        }
        return command;
    }
}
