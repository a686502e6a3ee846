namespace AccesoDescargas.Features.ApiKeys;

/// <summary>An integrator's key for /api/v1. Only its SHA-256 is stored; the key is shown once.</summary>
public class ApiKey
{
    public int Id { get; set; }
    public int EmisorId { get; set; }
    public required string Nombre { get; set; }
    /// <summary>The first characters of the key, to recognise it in the list.</summary>
    public required string Prefijo { get; set; }
    public required string Hash { get; set; }
    public DateTime CreadaEn { get; set; } = DateTime.UtcNow;
    public DateTime? RevocadaEn { get; set; }
    public DateTime? UltimoUsoEn { get; set; }
}
