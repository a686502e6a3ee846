using AccesoDescargas.Features.Emisores;

namespace AccesoDescargas.Features.Accesos;

public enum OrigenAcceso { Automatico = 0, Manual = 1 }

/// <summary>A receptor's password-protected access to the emisor's portal de descargas.</summary>
public class AccesoDescarga
{
    public int Id { get; set; }
    public int EmisorId { get; set; }
    public Emisor? Emisor { get; set; }
    public required string Rfc { get; set; }
    /// <summary>Null: "sin contraseña", nobody can sign in until a password is set, sent or an invitation is accepted.</summary>
    public string? PasswordHash { get; set; }
    public string? Email { get; set; }
    public OrigenAcceso Origen { get; set; }
    public bool Habilitado { get; set; } = true;
    public DateTime CreadoEn { get; set; } = DateTime.UtcNow;
    public DateTime ContrasenaCambiadaEn { get; set; } = DateTime.UtcNow;
    public DateTime? UltimoEnvioEn { get; set; }
    /// <summary>The outbox message of the last password email, to show whether it was delivered.</summary>
    public long? UltimoEnvioCorreoId { get; set; }
    public DateTime? UltimoAccesoEn { get; set; }
    /// <summary>The last invitation sent (its link's creation and expiry) and when an invitation was accepted; for the grid.</summary>
    public DateTime? InvitacionEnviadaEn { get; set; }
    public DateTime? InvitacionVenceEn { get; set; }
    public DateTime? InvitacionAceptadaEn { get; set; }
    public int Descargas { get; set; }
    public int IntentosFallidos { get; set; }
    public DateTime? BloqueadoHasta { get; set; }
    /// <summary>Changes whenever the password changes or the access is disabled, ending open portal sessions.</summary>
    public string SelloSeguridad { get; set; } = Guid.NewGuid().ToString("N");

    /// <summary>The access a new cliente gets: "sin contraseña" until staff invite the receptor or send one.</summary>
    public static AccesoDescarga Automatico(int emisorId, string rfc, string? email) =>
        new() { EmisorId = emisorId, Rfc = rfc, Email = email, Origen = OrigenAcceso.Automatico };
}
