using AccesoDescargas.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AccesoDescargas.Features.Accesos;

public sealed class AccesosService(IDbContextFactory<AppDbContext> dbFactory, ContrasenaHasher hasher)
{
    /// <summary>
    /// Adds an automatic access with a generated password to the caller's unit of work, unless the RFC
    /// already has one (an existing access is kept, never replaced). Nobody learns the generated
    /// password: staff send a new one with "Enviar contraseña".
    /// </summary>
    public async Task<bool> AgregarAutomaticoAsync(AppDbContext db, int emisorId, string rfc, string? email, CancellationToken ct = default)
    {
        if (db.Accesos.Local.Any(a => a.EmisorId == emisorId && a.Rfc == rfc)
            || await db.Accesos.AnyAsync(a => a.EmisorId == emisorId && a.Rfc == rfc, ct))
            return false;
        db.Accesos.Add(new AccesoDescarga
        {
            EmisorId = emisorId,
            Rfc = rfc,
            Email = email,
            Origen = OrigenAcceso.Automatico,
            PasswordHash = hasher.Hash(ContrasenaPolitica.Generar()),
        });
        return true;
    }

    internal IDbContextFactory<AppDbContext> DbFactory => dbFactory;
}
