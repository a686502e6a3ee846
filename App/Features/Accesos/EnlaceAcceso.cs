namespace AccesoDescargas.Features.Accesos;

public enum TipoEnlace { Invitacion = 0, Restablecimiento = 1 }

/// <summary>
/// A single-use link that lets the receptor choose its own password: an invitation sent by the
/// emisor, or a password reset the receptor asked for. Only the token's SHA-256 is stored.
/// </summary>
public class EnlaceAcceso
{
    public long Id { get; set; }
    public int EmisorId { get; set; }
    public int AccesoId { get; set; }
    public TipoEnlace Tipo { get; set; }
    public required string TokenHash { get; set; }
    /// <summary>The access's security stamp when the link was made: a later password change or disabling voids it.</summary>
    public required string Sello { get; set; }
    public DateTime CreadoEn { get; set; }
    public DateTime VenceEn { get; set; }
    public DateTime? UsadoEn { get; set; }
}
