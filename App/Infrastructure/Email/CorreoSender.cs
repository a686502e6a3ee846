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

    /// <summary>Sends what is due now; returns how many messages were attempted.</summary>
    public async Task<int> EnviarLoteAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ahora = DateTime.UtcNow;
        var lote = await db.Correos
            .Where(c => c.Estado == EstadoCorreo.Pendiente && c.SiguienteIntentoEn <= ahora)
            .OrderBy(c => c.SiguienteIntentoEn).Take(20).ToListAsync(ct);

        foreach (var correo in lote)
        {
            if (limite.Espera(tiempo.GetUtcNow()) is { } turno && turno > TimeSpan.Zero)
            {
                logger.LogInformation("Límite de {N} correos por minuto: el siguiente sale en {Espera}", options.Value.MensajesPorMinuto, turno);
                await Task.Delay(turno, tiempo, ct);
            }
            limite.Registrar(tiempo.GetUtcNow());
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
            await db.SaveChangesAsync(CancellationToken.None);
            outbox.AvisarEstado(correo.Id, correo.Estado);
        }
        return lote.Count;
    }

    private async Task<MimeMessage> ConstruirAsync(CorreoSaliente correo, CancellationToken ct)
    {
        var contenido = outbox.Abrir(correo.Contenido ?? throw new InvalidOperationException("El correo ya no tiene contenido."));
        var mensaje = new MimeMessage();
        mensaje.From.Add(MailboxAddress.Parse(smtp.Value.From));
        mensaje.To.Add(MailboxAddress.Parse(correo.Para));
        mensaje.Subject = correo.Asunto;
        mensaje.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId();
        var cuerpo = new BodyBuilder { HtmlBody = contenido.Html, TextBody = contenido.Texto };
        foreach (var adjunto in contenido.Adjuntos)
        {
            // MimeKit copies the content into the part, so the file can be closed right after.
            await using var stream = archivos.Abrir(adjunto.FileKey) ?? throw new FileNotFoundException($"No se encontró el archivo adjunto {adjunto.NombreArchivo}.");
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
