using AccesoDescargas.Infrastructure;

namespace AccesoDescargas.Features.Auditoria;

public static class Eventos
{
    /// <summary>Adds an audit event to the caller's unit of work, so it commits with the change it records.</summary>
    public static void Registrar(AppDbContext db, int emisorId, string quien, string que,
        string? rfc = null, string? uuid = null, string? detalle = null, string? ip = null) =>
        db.Eventos.Add(Nuevo(emisorId, quien, que, rfc, uuid, detalle, ip));

    /// <summary>The event alone, for a caller that writes its unit of work's rows itself (<see cref="Infrastructure.InsercionPorLotes"/>).</summary>
    public static Evento Nuevo(int emisorId, string quien, string que, string? rfc = null, string? uuid = null, string? detalle = null, string? ip = null) =>
        new() { EmisorId = emisorId, Quien = quien, Que = que, Rfc = rfc, Uuid = uuid, Detalle = detalle, Ip = ip };
}

/// <summary>Who acts, for the audit trail: the staff user's email (or "api", "receptor:RFC") and the request's IP.</summary>
public sealed record Actor(string Quien, string? Ip);
