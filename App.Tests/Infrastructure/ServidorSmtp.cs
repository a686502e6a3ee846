using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using SmtpResponse = SmtpServer.Protocol.SmtpResponse;

namespace AccesoDescargas.Tests.Infrastructure;

/// <summary>A real SMTP server on loopback (SmtpServer package) that keeps what it receives.</summary>
public sealed class ServidorSmtp : IAsyncDisposable
{
    private readonly ConcurrentQueue<MimeMessage> recibidos = new();
    private readonly SemaphoreSlim llegada = new(0);
    private SmtpServer.SmtpServer? servidor;
    private CancellationTokenSource? cts;
    private Task? ejecucion;

    public int Puerto { get; }
    public IReadOnlyCollection<MimeMessage> Recibidos => recibidos;

    private ServidorSmtp(int puerto) => Puerto = puerto;

    /// <summary>Settings that point the app at this server.</summary>
    public Dictionary<string, string?> Ajustes => new()
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = Puerto.ToString(),
        ["Smtp:Security"] = "None",
        ["Smtp:From"] = "Portal Demo <portal@demo.mx>",
        ["Outbox:Sondeo"] = "00:00:00.200",
        ["Outbox:ReintentoBase"] = "00:00:00.200",
        ["Outbox:ReintentoMaximo"] = "00:00:00.500",
    };

    /// <summary>Reserves a free loopback port; call <see cref="IniciarAsync"/> to start listening on it (later, to simulate an outage).</summary>
    public static ServidorSmtp Reservar()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        var puerto = ((IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        return new ServidorSmtp(puerto);
    }

    public static async Task<ServidorSmtp> IniciarNuevoAsync()
    {
        var s = Reservar();
        await s.IniciarAsync();
        return s;
    }

    public async Task IniciarAsync()
    {
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, Puerto)))
            .Build();
        var iniciado = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var escuchas = new EndpointListenerFactory();
        escuchas.EndpointStarted += (_, _) => iniciado.TrySetResult();
        var servicios = new ServiceProvider();
        servicios.Add(new Almacen(this));
        servicios.Add(escuchas);
        servidor = new SmtpServer.SmtpServer(options, servicios);
        cts = new CancellationTokenSource();
        ejecucion = servidor.StartAsync(cts.Token);
        await iniciado.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async Task DetenerAsync()
    {
        if (servidor is null) return;
        servidor.Shutdown();
        await cts!.CancelAsync();
        try { await ejecucion!; } catch (OperationCanceledException) { }
        servidor = null;
    }

    /// <summary>Waits until a message matching <paramref name="filtro"/> arrives (or was already received).</summary>
    public async Task<MimeMessage> EsperarCorreoAsync(Func<MimeMessage, bool>? filtro = null, TimeSpan? maximo = null)
    {
        filtro ??= _ => true;
        var limite = DateTime.UtcNow + (maximo ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var encontrado = recibidos.FirstOrDefault(filtro);
            if (encontrado is not null) return encontrado;
            var falta = limite - DateTime.UtcNow;
            if (falta <= TimeSpan.Zero) throw new TimeoutException("No llegó el correo esperado al servidor SMTP de prueba.");
            await llegada.WaitAsync(falta);
        }
    }

    public async ValueTask DisposeAsync() => await DetenerAsync();

    private sealed class Almacen(ServidorSmtp dueno) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            dueno.recibidos.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            dueno.llegada.Release();
            return SmtpResponse.Ok;
        }
    }
}
