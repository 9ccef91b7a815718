namespace SupportBot.Tests.Infrastructure;

public static class Loopback
{
    /// <summary>A loopback port nobody listens on right now, for a child process that needs a fixed one.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether a child process listens on <paramref name="port"/> yet.</summary>
    public static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    /// <summary>Starts a child process (its output drained so it never blocks on a full pipe) and waits until it
    /// listens on <paramref name="port"/>; fails the test saying <paramref name="exited"/> if it stops first.</summary>
    public static async Task<System.Diagnostics.Process> StartListeningAsync(System.Diagnostics.ProcessStartInfo start, int port, TimeSpan within, string exited)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = System.Diagnostics.Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + within;
        while (!await AcceptsAsync(port))
        {
            Xunit.Assert.False(process.HasExited, $"{exited} (exit code {(process.HasExited ? process.ExitCode : 0)})");
            Xunit.Assert.True(DateTime.UtcNow < deadline, $"{start.FileName} did not listen on {port} within {within.TotalSeconds} s");
            await Task.Delay(50);
        }
        return process;
    }
}
