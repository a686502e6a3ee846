namespace AccesoDescargas.Features.Auditoria;

/// <summary>Append-only audit record. Never updated or deleted by the app.</summary>
public class Evento
{
    public long Id { get; set; }
    public int EmisorId { get; set; }
    /// <summary>Who did it: the staff user's email, "receptor:{RFC}", "api" or "sistema".</summary>
    public required string Quien { get; set; }
    /// <summary>What happened, a stable code such as "acceso.creado" or "descarga.pdf".</summary>
    public required string Que { get; set; }
    public string? Rfc { get; set; }
    public string? Uuid { get; set; }
    public string? Detalle { get; set; }
    public DateTime Cuando { get; set; } = DateTime.UtcNow;
    public string? Ip { get; set; }
}
