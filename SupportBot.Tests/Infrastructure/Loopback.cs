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
}
