using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AccesoDescargas.Tests.Infrastructure;

/// <summary>
/// The app as an operator runs it: its own process (<c>dotnet AccesoDescargas.dll</c>) on a free
/// loopback port, configured through environment variables, that a test can kill like a crash.
/// </summary>
public sealed class InstanciaApp : IAsyncDisposable
{
    private readonly Process proceso;
    private readonly StringWriter salida = new();

    public int Puerto { get; }
    public string Url => $"http://127.0.0.1:{Puerto}";

    private InstanciaApp(Process proceso, int puerto)
    {
        this.proceso = proceso;
        Puerto = puerto;
    }

    /// <summary>What the process printed so far, for a failing test's message.</summary>
    public string Salida { get { lock (salida) return salida.ToString(); } }

    public static async Task<InstanciaApp> IniciarAsync(IReadOnlyDictionary<string, string?> ajustes, CancellationToken ct, int? puerto = null)
    {
        var raiz = RaizDelRepositorio();
        var app = Path.Combine(raiz, "App");
        var dll = Path.Combine(AppContext.BaseDirectory, "AccesoDescargas.dll");
        var elegido = puerto ?? PuertoLibre();
        var inicio = new ProcessStartInfo("dotnet") { WorkingDirectory = app, RedirectStandardOutput = true, RedirectStandardError = true };
        inicio.ArgumentList.Add(dll);
        inicio.ArgumentList.Add("--contentRoot");
        inicio.ArgumentList.Add(app);
        // Development serves MudBlazor's static web assets from the build output, as `dotnet run` does.
        inicio.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        inicio.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{elegido}";
        inicio.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (k, v) in ajustes) inicio.Environment[k.Replace(":", "__")] = v;

        var proceso = Process.Start(inicio) ?? throw new InvalidOperationException("No se pudo iniciar la instancia.");
        var instancia = new InstanciaApp(proceso, elegido);
        proceso.OutputDataReceived += (_, e) => instancia.Anotar(e.Data);
        proceso.ErrorDataReceived += (_, e) => instancia.Anotar(e.Data);
        proceso.BeginOutputReadLine();
        proceso.BeginErrorReadLine();
        await instancia.EsperarListaAsync(ct);
        return instancia;
    }

    private void Anotar(string? linea)
    {
        if (linea is null) return;
        lock (salida) salida.WriteLine(linea);
    }

    /// <summary>Waits for /health/ready, as a load balancer does before sending traffic.</summary>
    private async Task EsperarListaAsync(CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var limite = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            if (proceso.HasExited)
                throw new InvalidOperationException($"La instancia terminó al iniciar (código {proceso.ExitCode}):\n{Salida}");
            try
            {
                if ((await http.GetAsync($"{Url}/health/ready", ct)).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            if (DateTime.UtcNow > limite) throw new TimeoutException($"La instancia no quedó lista en {Url}:\n{Salida}");
            await Task.Delay(50, ct);
        }
    }

    /// <summary>Ends the process at once (SIGKILL), like a crash or a lost machine.</summary>
    public async Task MatarAsync()
    {
        if (proceso.HasExited) return;
        proceso.Kill(entireProcessTree: true);
        await proceso.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await MatarAsync();
        proceso.Dispose();
    }

    public static int PuertoLibre()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public static string RaizDelRepositorio()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "AccesoDescargas.sln"))) return d.FullName;
        throw new InvalidOperationException("No se encontró la raíz del repositorio (AccesoDescargas.sln).");
    }
}
