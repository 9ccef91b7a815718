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
}
