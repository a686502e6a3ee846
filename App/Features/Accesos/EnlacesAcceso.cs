using System.Security.Cryptography;
using System.Text;
using AccesoDescargas.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AccesoDescargas.Features.Accesos;

public enum EstadoEnlace { Vigente, NoExiste, Usado, Vencido, Anulado }

public sealed record EnlaceVigente(long Id, int AccesoId, string Rfc, EstadoEnlace Estado);

public sealed class InvitacionesOptions
{
    /// <summary>How long an invitation or reset link works.</summary>
    public TimeSpan Vigencia { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>
/// Makes and checks the single-use links of invitations and password resets. A link works once,
/// until it expires, while it is the newest of its kind for its access, and while the access's
/// security stamp is the one it was made with (a password change or disabling voids it).
/// </summary>
public sealed class EnlacesAcceso(TimeProvider tiempo, Microsoft.Extensions.Options.IOptions<InvitacionesOptions> options)
{
    public TimeSpan Vigencia => options.Value.Vigencia;

    public DateTime Ahora => tiempo.GetUtcNow().UtcDateTime;

    /// <summary>Adds a new link to the caller's unit of work and returns its token (to mail; it is never stored).</summary>
    public (string Token, EnlaceAcceso Enlace) Crear(AppDbContext db, AccesoDescarga acceso, TipoEnlace tipo)
    {
        if (acceso.Id == 0) throw new InvalidOperationException("El acceso debe estar guardado antes de crear su enlace.");
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var ahora = Ahora;
        var enlace = new EnlaceAcceso
        {
            EmisorId = acceso.EmisorId, AccesoId = acceso.Id, Tipo = tipo, TokenHash = Huella(token), Sello = acceso.SelloSeguridad,
            CreadoEn = ahora, VenceEn = ahora + Vigencia,
        };
        db.Enlaces.Add(enlace);
        return (token, enlace);
    }

    public async Task<EnlaceVigente> BuscarAsync(AppDbContext db, int emisorId, TipoEnlace tipo, string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100) return new(0, 0, "", EstadoEnlace.NoExiste);
        var huella = Huella(token);
        var e = await (from l in db.Enlaces.AsNoTracking()
                       join a in db.Accesos on l.AccesoId equals a.Id
                       where l.TokenHash == huella && l.EmisorId == emisorId && l.Tipo == tipo && a.EmisorId == emisorId
                       select new
                       {
                           l.Id, l.AccesoId, a.Rfc, l.UsadoEn, l.VenceEn, Anulado = l.Sello != a.SelloSeguridad || !a.Habilitado
                               || db.Enlaces.Any(o => o.AccesoId == l.AccesoId && o.Tipo == l.Tipo && o.Id > l.Id),
                       }).FirstOrDefaultAsync(ct);
        if (e is null) return new(0, 0, "", EstadoEnlace.NoExiste);
        var estado = e.UsadoEn is not null ? EstadoEnlace.Usado
            : e.VenceEn <= Ahora ? EstadoEnlace.Vencido
            : e.Anulado ? EstadoEnlace.Anulado
            : EstadoEnlace.Vigente;
        return new(e.Id, e.AccesoId, e.Rfc, estado);
    }

    /// <summary>
    /// Marks the link used if it still is valid, in one conditional UPDATE: of parallel attempts with
    /// the same token exactly one affects the row. Call it inside the transaction that sets the password.
    /// </summary>
    public async Task<bool> ReclamarAsync(AppDbContext db, long id, CancellationToken ct)
    {
        var ahora = Ahora;
        var n = await db.Enlaces
            .Where(l => l.Id == id && l.UsadoEn == null && l.VenceEn > ahora
                        && db.Accesos.Any(a => a.Id == l.AccesoId && a.Habilitado && a.SelloSeguridad == l.Sello)
                        && !db.Enlaces.Any(o => o.AccesoId == l.AccesoId && o.Tipo == l.Tipo && o.Id > l.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.UsadoEn, ahora), ct);
        return n == 1;
    }

    public static string Huella(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
