using AccesoDescargas.Features.Correos;
using AccesoDescargas.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace AccesoDescargas.Infrastructure.Email;

/// <summary>
/// Delivers the outbox: due messages one by one, retrying with doubling back-off when delivery
/// fails. A message is marked sent only after the server accepted it, and its body is then erased.
/// </summary>
public sealed class CorreoSender(
    IDbContextFactory<AppDbContext> dbFactory, Outbox outbox, IEntregaCorreo entrega, IFileStore archivos,
    IOptions<SmtpOptions> smtp, IOptions<OutboxOptions> options, TimeProvider tiempo, ILogger<CorreoSender> logger) : BackgroundService
{
    private readonly LimiteEnvios limite = new(options.Value.MensajesPorMinuto);

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                while (await EnviarLoteAsync(ct) > 0) { }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Error al procesar la bandeja de salida");
            }
            try { await outbox.EsperarAsync(options.Value.Sondeo, ct); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>
    /// Sends what is due now; returns how many messages were attempted. Each message is claimed with a
    /// conditional update before it is sent, so with several instances on one database every message
    /// goes out once; a claim left by a crashed instance expires after <see cref="OutboxOptions.Reclamo"/>
    /// and the message is sent again (at-least-once: its Message-Id lets the receiving side drop the copy).
    /// </summary>
    public async Task<int> EnviarLoteAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ahora = DateTime.UtcNow;
        var candidatos = await Disponibles(db, ahora)
            .OrderBy(c => c.SiguienteIntentoEn).Select(c => c.Id).Take(20).ToListAsync(ct);

        var intentados = 0;
        foreach (var id in candidatos)
        {
            if (limite.Espera(tiempo.GetUtcNow()) is { } turno && turno > TimeSpan.Zero)
            {
                logger.LogInformation("Límite de {N} correos por minuto: el siguiente sale en {Espera}", options.Value.MensajesPorMinuto, turno);
                await Task.Delay(turno, tiempo, ct);
            }
            var momento = DateTime.UtcNow;
            var hasta = momento + options.Value.Reclamo;
            if (await Disponibles(db, momento).Where(c => c.Id == id)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.ReclamadoHasta, hasta), ct) == 0)
                continue; // another instance took it since the query
            limite.Registrar(tiempo.GetUtcNow());
            var correo = await db.Correos.SingleAsync(c => c.Id == id, ct);
            try
            {
                await IntentarAsync(correo, ct);
            }
            catch (OperationCanceledException)
            {
                // Shutting down mid-delivery: hand the message back at once instead of after the claim expires.
                await db.Correos.Where(c => c.Id == id && c.Estado == EstadoCorreo.Pendiente)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.ReclamadoHasta, (DateTime?)null), CancellationToken.None);
                throw;
            }
            correo.ReclamadoHasta = null;
            await db.SaveChangesAsync(CancellationToken.None);
            outbox.AvisarEstado(correo.Id, correo.Estado);
            intentados++;
        }
        return intentados;
    }

    private static IQueryable<CorreoSaliente> Disponibles(AppDbContext db, DateTime ahora) => db.Correos.Where(c =>
        c.Estado == EstadoCorreo.Pendiente && c.SiguienteIntentoEn <= ahora && (c.ReclamadoHasta == null || c.ReclamadoHasta < ahora));

    private async Task IntentarAsync(CorreoSaliente correo, CancellationToken ct)
    {
        try
        {
            using var mensaje = await ConstruirAsync(correo, ct);
            await entrega.EntregarAsync(mensaje, ct);
            correo.Estado = EstadoCorreo.Enviado;
            correo.EnviadoEn = DateTime.UtcNow;
            correo.UltimoError = null;
            correo.Contenido = null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            correo.Intentos++;
            correo.UltimoError = e.Message.Length > 1000 ? e.Message[..1000] : e.Message;
            var espera = TimeSpan.FromTicks(Math.Min(
                options.Value.ReintentoMaximo.Ticks,
                options.Value.ReintentoBase.Ticks * (1L << Math.Min(correo.Intentos - 1, 20))));
            correo.SiguienteIntentoEn = DateTime.UtcNow + espera;
            if (correo.Intentos >= options.Value.IntentosMaximos)
                correo.Estado = EstadoCorreo.Fallido;
            logger.LogWarning("No se pudo entregar el correo {Id} (intento {Intento}): {Error}", correo.Id, correo.Intentos, correo.UltimoError);
        }
    }

    /// <summary>
    /// The same for every attempt at one outbox row: delivery is at-least-once (a crash after the server
    /// accepted a message sends it again), and receiving systems drop a second copy by its Message-Id.
    /// </summary>
    public static string IdMensaje(CorreoSaliente correo, string dominio) =>
        $"correo-{correo.Id}.{correo.CreadoEn.Ticks:x}@{(string.IsNullOrWhiteSpace(dominio) ? "accesodescargas.local" : dominio)}";

    private async Task<MimeMessage> ConstruirAsync(CorreoSaliente correo, CancellationToken ct)
    {
        var contenido = outbox.Abrir(correo.Contenido ?? throw new InvalidOperationException("El correo ya no tiene contenido."));
        var mensaje = new MimeMessage();
        mensaje.From.Add(MailboxAddress.Parse(smtp.Value.From));
        mensaje.To.Add(MailboxAddress.Parse(correo.Para));
        mensaje.Subject = correo.Asunto;
        mensaje.MessageId = IdMensaje(correo, mensaje.From.Mailboxes.First().Domain);
        var cuerpo = new BodyBuilder { HtmlBody = contenido.Html, TextBody = contenido.Texto };
        foreach (var adjunto in contenido.Adjuntos)
        {
            // MimeKit copies the content into the part, so the file can be closed right after.
            await using var stream = await archivos.AbrirAsync(adjunto.FileKey, ct: ct) ?? throw new FileNotFoundException($"No se encontró el archivo adjunto {adjunto.NombreArchivo}.");
            await cuerpo.Attachments.AddAsync(adjunto.NombreArchivo, stream, ContentType.Parse(adjunto.ContentType), ct);
        }
        mensaje.Body = cuerpo.ToMessageBody();
        return mensaje;
    }
}

/// <summary>A sliding one-minute window of delivery attempts: how long to wait before the next one.</summary>
public sealed class LimiteEnvios(int porMinuto)
{
    private readonly Queue<DateTimeOffset> recientes = new();

    public TimeSpan? Espera(DateTimeOffset ahora)
    {
        if (porMinuto <= 0) return null;
        while (recientes.Count > 0 && recientes.Peek() <= ahora - TimeSpan.FromMinutes(1)) recientes.Dequeue();
        return recientes.Count < porMinuto ? null : recientes.Peek() + TimeSpan.FromMinutes(1) - ahora;
    }

    public void Registrar(DateTimeOffset cuando)
    {
        if (porMinuto > 0) recientes.Enqueue(cuando);
    }
}
