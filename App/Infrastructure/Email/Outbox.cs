using System.Text.Json;
using AccesoDescargas.Features.Correos;
using Microsoft.AspNetCore.DataProtection;

namespace AccesoDescargas.Infrastructure.Email;

public sealed record Adjunto(string NombreArchivo, string ContentType, string FileKey);

public sealed record CorreoNuevo(
    int EmisorId, string Para, string Asunto, string Html, string Texto, string Tipo,
    string? Rfc = null, string? Uuid = null, IReadOnlyList<Adjunto>? Adjuntos = null);

internal sealed record ContenidoCorreo(string Html, string Texto, IReadOnlyList<Adjunto> Adjuntos);

/// <summary>
/// Puts emails into the outbox table. The row is added to the caller's context, so it commits or
/// rolls back with the change that caused it; the <see cref="CorreoSender"/> delivers it afterwards.
/// The body may carry a password, so it is encrypted with Data Protection until it is sent.
/// </summary>
public sealed class Outbox(IDataProtectionProvider dataProtection)
{
    private readonly IDataProtector protector = dataProtection.CreateProtector("AccesoDescargas.Outbox.v1");
    private readonly SemaphoreSlim despertador = new(0);

    public CorreoSaliente Encolar(AppDbContext db, CorreoNuevo correo)
    {
        var contenido = new ContenidoCorreo(correo.Html, correo.Texto, correo.Adjuntos ?? []);
        var fila = new CorreoSaliente
        {
            EmisorId = correo.EmisorId,
            Para = correo.Para.Trim(),
            Asunto = correo.Asunto,
            Tipo = correo.Tipo,
            Rfc = correo.Rfc,
            Uuid = correo.Uuid,
            Contenido = protector.Protect(JsonSerializer.SerializeToUtf8Bytes(contenido)),
        };
        db.Correos.Add(fila);
        return fila;
    }

    /// <summary>Tells the sender that new messages were committed, so it need not wait for its next poll.</summary>
    public void Despertar()
    {
        if (despertador.CurrentCount == 0) despertador.Release();
    }

    /// <summary>
    /// Raised by the sender after it recorded an attempt at a message: delivered, failed for good, or
    /// still pending a retry. Pages that show delivery status listen to it instead of polling.
    /// Handlers run on the sender's thread and must return quickly.
    /// </summary>
    public event Action<long, EstadoCorreo>? EstadoCambiado;

    internal void AvisarEstado(long correoId, EstadoCorreo estado)
    {
        if (EstadoCambiado is not { } oyentes) return;
        foreach (var oyente in oyentes.GetInvocationList().Cast<Action<long, EstadoCorreo>>())
        {
            try { oyente(correoId, estado); }
            catch (Exception) { /* a listener's failure (say, a closed page) must not stop delivery */ }
        }
    }

    internal Task<bool> EsperarAsync(TimeSpan maximo, CancellationToken ct) => despertador.WaitAsync(maximo, ct);

    internal ContenidoCorreo Abrir(byte[] protegido) =>
        JsonSerializer.Deserialize<ContenidoCorreo>(protector.Unprotect(protegido))!;
}
