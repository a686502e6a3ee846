using AccesoDescargas.Infrastructure;

namespace AccesoDescargas.Features.Auditoria;

public static class Auditoria
{
    /// <summary>Adds an audit event to the caller's unit of work, so it commits with the change it records.</summary>
    public static void Registrar(AppDbContext db, int emisorId, string quien, string que,
        string? rfc = null, string? uuid = null, string? detalle = null, string? ip = null) =>
        db.Eventos.Add(new Evento { EmisorId = emisorId, Quien = quien, Que = que, Rfc = rfc, Uuid = uuid, Detalle = detalle, Ip = ip });
}
