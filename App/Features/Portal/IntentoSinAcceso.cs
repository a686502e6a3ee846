namespace AccesoDescargas.Features.Portal;

/// <summary>
/// Failed sign-ins for an RFC that has no access in this portal. Kept in the database like an
/// access's own count, so that such an RFC locks exactly like a real one on every instance behind
/// a load balancer, and the portal never tells which RFCs have an access.
/// </summary>
public class IntentoSinAcceso
{
    public long Id { get; set; }
    public int EmisorId { get; set; }
    public required string Rfc { get; set; }
    public int Intentos { get; set; }
    public DateTime? BloqueadoHasta { get; set; }
    public DateTime ActualizadoEn { get; set; }
}
