using AccesoDescargas.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AccesoDescargas.Features.Accesos;

public sealed record ActividadReciente(DateTime Cuando, string Que, string Descripcion, string? Uuid, string? Detalle, string? Ip);

public sealed record ActividadAcceso(int AccesoId, string Rfc, bool Habilitado, DateTime? UltimoAccesoEn, int Descargas,
    DateTime? BloqueadoHasta, IReadOnlyList<ActividadReciente> Ingresos, IReadOnlyList<ActividadReciente> DescargasRecientes);

/// <summary>
/// The issuer's view of what a receptor did in the portal. Último acceso and the Descargas count live
/// on the access itself (AccesoDescarga.UltimoAccesoEn / .Descargas), so a grid reads them with no join.
/// </summary>
public sealed class ActividadPortalService(IDbContextFactory<AppDbContext> dbFactory)
{
    public const int Recientes = 20;

    private static readonly string[] QueIngresos = ["portal.ingreso", "portal.ingreso_fallido", "portal.bloqueo"];
    private static readonly string[] QueDescargas = ["descarga.xml", "descarga.pdf", "descarga.zip"];

    /// <summary>The access of <paramref name="emisorId"/> with its recent sign-ins and downloads, or null when it is not that emisor's.</summary>
    public async Task<ActividadAcceso?> ObtenerAsync(int emisorId, int accesoId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var acceso = await db.Accesos.AsNoTracking().Where(a => a.Id == accesoId && a.EmisorId == emisorId)
            .Select(a => new { a.Rfc, a.Habilitado, a.UltimoAccesoEn, a.Descargas, a.BloqueadoHasta }).FirstOrDefaultAsync(ct);
        if (acceso is null) return null;

        // Both read the (EmisorId, Rfc, Cuando) index backwards.
        var ingresos = await db.Eventos.AsNoTracking()
            .Where(e => e.EmisorId == emisorId && e.Rfc == acceso.Rfc && QueIngresos.Contains(e.Que))
            .OrderByDescending(e => e.Cuando).Take(Recientes)
            .Select(e => new { e.Cuando, e.Que, e.Uuid, e.Detalle, e.Ip }).ToListAsync(ct);
        var descargas = await db.Eventos.AsNoTracking()
            .Where(e => e.EmisorId == emisorId && e.Rfc == acceso.Rfc && QueDescargas.Contains(e.Que))
            .OrderByDescending(e => e.Cuando).Take(Recientes)
            .Select(e => new { e.Cuando, e.Que, e.Uuid, e.Detalle, e.Ip }).ToListAsync(ct);

        return new ActividadAcceso(accesoId, acceso.Rfc, acceso.Habilitado, acceso.UltimoAccesoEn, acceso.Descargas,
            acceso.BloqueadoHasta > DateTime.UtcNow ? acceso.BloqueadoHasta : null,
            ingresos.Select(e => new ActividadReciente(e.Cuando, e.Que, Describir(e.Que), e.Uuid, e.Detalle, e.Ip)).ToList(),
            descargas.Select(e => new ActividadReciente(e.Cuando, e.Que, Describir(e.Que), e.Uuid, e.Detalle, e.Ip)).ToList());
    }

    public static string Describir(string que) => que switch
    {
        "portal.ingreso" => "Inicio de sesión",
        "portal.ingreso_fallido" => "Contraseña incorrecta",
        "portal.bloqueo" => "Bloqueado por intentos fallidos",
        "descarga.xml" => "XML",
        "descarga.pdf" => "PDF",
        "descarga.zip" => "ZIP",
        _ => que,
    };
}
