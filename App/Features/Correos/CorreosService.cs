using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Email;
using Microsoft.EntityFrameworkCore;

namespace AccesoDescargas.Features.Correos;

/// <summary>An outbox row as the Correos enviados page shows it: never the body, which may hold a password.</summary>
public sealed record CorreoFila(
    long Id, DateTime CreadoEn, string Para, string Asunto, string Tipo, string? Rfc, string? Uuid,
    EstadoCorreo Estado, int Intentos, string? UltimoError, DateTime? EnviadoEn)
{
    /// <summary>Failed, or still pending after an error: the user may ask for a new attempt now.</summary>
    public bool SePuedeReintentar => Estado == EstadoCorreo.Fallido || (Estado == EstadoCorreo.Pendiente && UltimoError is not null);
}

public sealed record PaginaCorreos(IReadOnlyList<CorreoFila> Filas, int Total);

public sealed class CorreosService(IDbContextFactory<AppDbContext> dbFactory, Outbox outbox)
{
    /// <summary>Newest first, from the (EmisorId, CreadoEn) index.</summary>
    public async Task<PaginaCorreos> PaginaAsync(int emisorId, EstadoCorreo? estado, int pagina, int tamano, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Correos.AsNoTracking().Where(c => c.EmisorId == emisorId);
        if (estado is { } e) query = query.Where(c => c.Estado == e);

        var total = await query.CountAsync(ct);
        var filas = await query
            .OrderByDescending(c => c.CreadoEn).ThenByDescending(c => c.Id)
            .Skip(pagina * tamano).Take(tamano)
            .Select(c => new CorreoFila(c.Id, c.CreadoEn, c.Para, c.Asunto, c.Tipo, c.Rfc, c.Uuid, c.Estado, c.Intentos, c.UltimoError, c.EnviadoEn))
            .ToListAsync(ct);
        return new(filas, total);
    }

    /// <summary>
    /// Makes a failed (or erroring) message due now and wakes the sender. Returns false when the
    /// message is not this emisor's, was delivered meanwhile, or has nothing left to retry.
    /// </summary>
    public async Task<bool> ReintentarAsync(int emisorId, long id, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var ahora = DateTime.UtcNow;
        var cambiados = await db.Correos
            .Where(c => c.Id == id && c.EmisorId == emisorId && c.Contenido != null
                        && (c.Estado == EstadoCorreo.Fallido || (c.Estado == EstadoCorreo.Pendiente && c.UltimoError != null)))
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Estado, EstadoCorreo.Pendiente)
                .SetProperty(c => c.SiguienteIntentoEn, ahora), ct);
        if (cambiados == 0) return false;

        var correo = await db.Correos.AsNoTracking().Where(c => c.Id == id).Select(c => new { c.Para, c.Rfc }).SingleAsync(ct);
        Eventos.Registrar(db, emisorId, actor.Quien, "correo.reintentado", correo.Rfc, detalle: $"Correo {id} a {correo.Para}", ip: actor.Ip);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        outbox.Despertar();
        return true;
    }

    public static string NombreTipo(string tipo) => tipo switch
    {
        "contrasena" => "Contraseña",
        "comprobante" => "Comprobante",
        _ => tipo,
    };
}
