namespace AccesoDescargas.Features.Correos;

public enum EstadoCorreo { Pendiente = 0, Enviado = 1, Fallido = 2 }

/// <summary>
/// An outbox row: written in the same transaction as the change that caused it and delivered by a
/// background sender, so no email is lost to a crash or an SMTP outage.
/// </summary>
public class CorreoSaliente
{
    public long Id { get; set; }
    public int EmisorId { get; set; }
    public required string Para { get; set; }
    public required string Asunto { get; set; }
    /// <summary>The MIME message, protected with Data Protection while pending (it may hold a password) and erased once sent.</summary>
    public byte[]? Contenido { get; set; }
    /// <summary>What the email is about, for the Correos enviados page: "contrasena", "comprobante".</summary>
    public required string Tipo { get; set; }
    public string? Rfc { get; set; }
    public string? Uuid { get; set; }
    public EstadoCorreo Estado { get; set; }
    public int Intentos { get; set; }
    public DateTime SiguienteIntentoEn { get; set; } = DateTime.UtcNow;
    /// <summary>
    /// Set by the instance that is delivering the message right now; no other instance takes it until
    /// this passes, so a crashed instance's claim expires by itself.
    /// </summary>
    public DateTime? ReclamadoHasta { get; set; }
    public string? UltimoError { get; set; }
    public DateTime CreadoEn { get; set; } = DateTime.UtcNow;
    public DateTime? EnviadoEn { get; set; }
}
