using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AccesoDescargas.Features.Clientes;

public sealed class ClientesService(IDbContextFactory<AppDbContext> dbFactory, AccesosService accesos)
{
    /// <summary>
    /// Registers the receptor of an imported comprobante as a cliente when it is not one yet, in the
    /// caller's unit of work; its access is created with it. Generic RFCs are never registered.
    /// </summary>
    public async Task<bool> AsegurarClienteAsync(AppDbContext db, int emisorId, string rfc, string? nombre, CancellationToken ct = default)
    {
        if (Rfc.EsGenerico(rfc)) return false;
        if (db.Clientes.Local.Any(c => c.EmisorId == emisorId && c.Rfc == rfc)
            || await db.Clientes.AnyAsync(c => c.EmisorId == emisorId && c.Rfc == rfc, ct))
            return false;
        db.Clientes.Add(new Cliente { EmisorId = emisorId, Rfc = rfc, Nombre = string.IsNullOrWhiteSpace(nombre) ? rfc : nombre.Trim() });
        await accesos.AgregarAutomaticoAsync(db, emisorId, rfc, email: null, ct);
        return true;
    }

    internal IDbContextFactory<AppDbContext> DbFactory => dbFactory;
}
