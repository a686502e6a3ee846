using System.Threading.RateLimiting;
using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Clientes;
using AccesoDescargas.Features.Correos;
using AccesoDescargas.Features.Emisores;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Email;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace AccesoDescargas.Features.Portal;

public enum ResultadoIngreso { Correcto, Fallido, Bloqueado, Deshabilitado, Ocupado }

public sealed record Ingreso(ResultadoIngreso Resultado, SesionPortal? Sesion = null);

public sealed record EmisorPortal(int Id, string Slug, string RazonSocial, bool TieneLogo);

public enum ResultadoCambio { Cambiada, ActualIncorrecta, NoValida, SesionTerminada, Ocupado }

public sealed record CambioContrasena(ResultadoCambio Resultado, string? Mensaje = null, SesionPortal? Sesion = null);

/// <summary>What a visit to an invitation or reset link finds; <see cref="Estado"/> Vigente carries the access's RFC.</summary>
public sealed record EnlacePortal(EstadoEnlace Estado, string? Rfc = null);

public enum ResultadoEnlace { Establecida, NoValida, EnlaceInvalido, Ocupado }

public sealed record AceptacionEnlace(ResultadoEnlace Resultado, string? Mensaje = null, SesionPortal? Sesion = null, EstadoEnlace Estado = EstadoEnlace.Vigente);

/// <summary>
/// Receptor sign-in, password change and recovery. Every PBKDF2 verification goes through a
/// concurrency limiter with a short queue: on two cores a burst of sign-ins must not starve the
/// downloads and pages served alongside it.
/// </summary>
public sealed class IngresoPortalService : IDisposable
{
    public const int IntentosMaximos = 5;
    public static readonly TimeSpan Bloqueo = TimeSpan.FromMinutes(15);

    private readonly IDbContextFactory<AppDbContext> dbFactory;
    private readonly ContrasenaHasher hasher;
    private readonly Outbox outbox;
    private readonly SellosPortal sellos;
    private readonly EnlacesAcceso enlaces;
    private readonly ILogger<IngresoPortalService> logger;
    private readonly ConcurrencyLimiter hashing;
    // Failures against RFCs without an access, so that they lock exactly like real ones and reveal nothing.
    private readonly MemoryCache fallosDesconocidos = new(new MemoryCacheOptions { SizeLimit = 100_000 });
    private readonly string hashSenuelo;

    public IngresoPortalService(IDbContextFactory<AppDbContext> dbFactory, ContrasenaHasher hasher, Outbox outbox,
        SellosPortal sellos, EnlacesAcceso enlaces, IConfiguration config, ILogger<IngresoPortalService> logger)
    {
        this.enlaces = enlaces;
        this.dbFactory = dbFactory;
        this.hasher = hasher;
        this.outbox = outbox;
        this.sellos = sellos;
        this.logger = logger;
        hashing = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = config.GetValue("Portal:VerificacionesSimultaneas", 0) is > 0 and var n ? n : Environment.ProcessorCount,
            QueueLimit = config.GetValue("Portal:VerificacionesEnEspera", 32),
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        hashSenuelo = hasher.Hash(ContrasenaPolitica.Generar());
    }

    public async Task<EmisorPortal?> EmisorAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Emisores.AsNoTracking().Where(e => e.Slug == slug.ToLowerInvariant())
            .Select(e => new EmisorPortal(e.Id, e.Slug, e.RazonSocial, e.LogoKey != null)).FirstOrDefaultAsync(ct);
    }

    public async Task<Ingreso> IngresarAsync(EmisorPortal emisor, string? rfcTexto, string? contrasena, string? ip, CancellationToken ct = default)
    {
        var rfc = Rfc.Normalizar(rfcTexto);
        contrasena ??= "";
        var ahora = DateTime.UtcNow;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var acceso = rfc.Length is 12 or 13
            ? await db.Accesos.FirstOrDefaultAsync(a => a.EmisorId == emisor.Id && a.Rfc == rfc, ct)
            : null;

        if (acceso is null)
        {
            var clave = (emisor.Id, rfc);
            var fallos = fallosDesconocidos.Get<int>(clave);
            if (fallos >= IntentosMaximos) return new(ResultadoIngreso.Bloqueado);
            using (var permiso = await hashing.AcquireAsync(1, ct))
            {
                if (!permiso.IsAcquired) return new(ResultadoIngreso.Ocupado);
                hasher.Verificar(hashSenuelo, contrasena); // same work as a real access, so timing tells nothing
            }
            fallosDesconocidos.Set(clave, fallos + 1, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Bloqueo });
            return new(fallos + 1 >= IntentosMaximos ? ResultadoIngreso.Bloqueado : ResultadoIngreso.Fallido);
        }

        if (acceso.BloqueadoHasta > ahora) return new(ResultadoIngreso.Bloqueado);

        VerificacionContrasena verificacion;
        using (var permiso = await hashing.AcquireAsync(1, ct))
        {
            if (!permiso.IsAcquired) return new(ResultadoIngreso.Ocupado);
            if (acceso.PasswordHash is null)
            {
                // "Sin contraseña": the decoy's work, then a failure like any wrong password.
                hasher.Verificar(hashSenuelo, contrasena);
                verificacion = VerificacionContrasena.Fallida;
            }
            else verificacion = hasher.Verificar(acceso.PasswordHash, contrasena);
        }

        if (verificacion == VerificacionContrasena.Fallida)
        {
            var bloqueado = await RegistrarFalloAsync(db, acceso, ip, ct);
            return new(bloqueado ? ResultadoIngreso.Bloqueado : ResultadoIngreso.Fallido);
        }
        if (!acceso.Habilitado) return new(ResultadoIngreso.Deshabilitado);

        acceso.IntentosFallidos = 0;
        acceso.BloqueadoHasta = null;
        acceso.UltimoAccesoEn = ahora;
        if (verificacion == VerificacionContrasena.CorrectaRequiereRehash)
            acceso.PasswordHash = hasher.Hash(contrasena); // same password, stronger hash: open sessions stay valid
        Eventos.Registrar(db, emisor.Id, $"receptor:{rfc}", "portal.ingreso", rfc, ip: ip);
        await db.SaveChangesAsync(ct);
        return new(ResultadoIngreso.Correcto, new SesionPortal(acceso.Id, emisor.Id, emisor.Slug, acceso.Rfc, acceso.SelloSeguridad));
    }

    /// <returns>True when this failure locked the access.</returns>
    private static async Task<bool> RegistrarFalloAsync(AppDbContext db, AccesoDescarga acceso, string? ip, CancellationToken ct)
    {
        // Counted in SQL, so parallel wrong guesses cannot overwrite each other's count.
        var hasta = DateTime.UtcNow + Bloqueo;
        await db.Accesos.Where(a => a.Id == acceso.Id).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.BloqueadoHasta, a => a.IntentosFallidos + 1 >= IntentosMaximos ? hasta : a.BloqueadoHasta)
            .SetProperty(a => a.IntentosFallidos, a => a.IntentosFallidos + 1 >= IntentosMaximos ? 0 : a.IntentosFallidos + 1), ct);
        var bloqueado = await db.Accesos.Where(a => a.Id == acceso.Id).Select(a => a.BloqueadoHasta).FirstAsync(ct) > DateTime.UtcNow;
        db.ChangeTracker.Clear();
        Eventos.Registrar(db, acceso.EmisorId, $"receptor:{acceso.Rfc}", bloqueado ? "portal.bloqueo" : "portal.ingreso_fallido", acceso.Rfc, ip: ip);
        await db.SaveChangesAsync(ct);
        return bloqueado;
    }

    public async Task<CambioContrasena> CambiarAsync(SesionPortal sesion, string? actual, string? nueva, string? confirmacion, string? ip, CancellationToken ct = default)
    {
        var error = ContrasenaPolitica.Validar(nueva, confirmacion, sesion.Rfc);
        if (error is not null) return new(ResultadoCambio.NoValida, error);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var acceso = await db.Accesos.FirstOrDefaultAsync(a => a.Id == sesion.AccesoId && a.EmisorId == sesion.EmisorId, ct);
        if (acceso is null || !acceso.Habilitado || acceso.SelloSeguridad != sesion.Sello) return new(ResultadoCambio.SesionTerminada);
        if (acceso.BloqueadoHasta > DateTime.UtcNow)
            return new(ResultadoCambio.ActualIncorrecta, "Por seguridad, el acceso está bloqueado temporalmente. Intente de nuevo en 15 minutos.");

        using (var permiso = await hashing.AcquireAsync(1, ct))
        {
            if (!permiso.IsAcquired) return new(ResultadoCambio.Ocupado);
            if (acceso.PasswordHash is null || hasher.Verificar(acceso.PasswordHash, actual ?? "") == VerificacionContrasena.Fallida)
            {
                await RegistrarFalloAsync(db, acceso, ip, ct);
                return new(ResultadoCambio.ActualIncorrecta, "La contraseña actual no es correcta.");
            }
            acceso.PasswordHash = hasher.Hash(nueva!);
        }
        acceso.SelloSeguridad = Guid.NewGuid().ToString("N");
        acceso.ContrasenaCambiadaEn = DateTime.UtcNow;
        acceso.IntentosFallidos = 0;
        Eventos.Registrar(db, sesion.EmisorId, sesion.Quien, "portal.contrasena_cambiada", sesion.Rfc, ip: ip);
        await db.SaveChangesAsync(ct);
        return new(ResultadoCambio.Cambiada, Sesion: sesion with { Sello = acceso.SelloSeguridad });
    }

    /// <summary>
    /// "¿Olvidó su contraseña?": mails a single-use reset link when the RFC and email match an enabled
    /// access. The caller shows the same answer either way; the current password keeps working until
    /// the link is used, so a stranger's request cannot lock the receptor out.
    /// </summary>
    public async Task<bool> RecuperarAsync(EmisorPortal emisor, string? rfcTexto, string? email, string urlBase, string? ip, CancellationToken ct = default)
    {
        var rfc = Rfc.Normalizar(rfcTexto);
        var correo = DireccionCorreo.Validar(email);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var acceso = rfc.Length is 12 or 13 && correo.EsValida
            ? await db.Accesos.FirstOrDefaultAsync(a => a.EmisorId == emisor.Id && a.Rfc == rfc && a.Habilitado && a.Email != null, ct)
            : null;
        if (acceso is null || !string.Equals(acceso.Email!.Trim(), correo.Direccion, StringComparison.OrdinalIgnoreCase))
        {
            logger.LogInformation("Recuperación de contraseña sin coincidencia en el portal {Slug}", emisor.Slug);
            return false;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (token, enlace) = enlaces.Crear(db, acceso, TipoEnlace.Restablecimiento);
        var (asunto, html, texto) = CorreoInvitacion.Restablecer(emisor.RazonSocial, acceso.Rfc, EnlacesPortal.Restablecer(urlBase, emisor.Slug, token), enlace.VenceEn);
        var fila = outbox.Encolar(db, new CorreoNuevo(emisor.Id, acceso.Email!, asunto, html, texto, "restablecer", acceso.Rfc));
        Eventos.Registrar(db, emisor.Id, $"receptor:{rfc}", "portal.restablecer_solicitado", rfc, detalle: $"Enviado a {acceso.Email}", ip: ip);
        await db.SaveChangesAsync(ct);
        acceso.UltimoEnvioEn = fila.CreadoEn;
        acceso.UltimoEnvioCorreoId = fila.Id;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        outbox.Despertar();
        return true;
    }

    public async Task<EnlacePortal> EnlaceAsync(EmisorPortal emisor, TipoEnlace tipo, string? token, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var e = await enlaces.BuscarAsync(db, emisor.Id, tipo, token, ct);
        return new(e.Estado, e.Estado == EstadoEnlace.Vigente ? e.Rfc : null);
    }

    /// <summary>
    /// Sets the password chosen on an invitation or reset link and opens a session. The link is
    /// claimed in the same transaction as the password change, so of parallel posts of one link
    /// exactly one succeeds.
    /// </summary>
    public async Task<AceptacionEnlace> AceptarEnlaceAsync(EmisorPortal emisor, TipoEnlace tipo, string? token, string? nueva, string? confirmacion, string? ip, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var e = await enlaces.BuscarAsync(db, emisor.Id, tipo, token, ct);
        if (e.Estado != EstadoEnlace.Vigente) return new(ResultadoEnlace.EnlaceInvalido, Estado: e.Estado);
        if (ContrasenaPolitica.Validar(nueva, confirmacion, e.Rfc) is { } error) return new(ResultadoEnlace.NoValida, error);

        string hash;
        using (var permiso = await hashing.AcquireAsync(1, ct))
        {
            if (!permiso.IsAcquired) return new(ResultadoEnlace.Ocupado);
            hash = hasher.Hash(nueva!);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await enlaces.ReclamarAsync(db, e.Id, ct))
        {
            await tx.RollbackAsync(ct);
            var ahora = await enlaces.BuscarAsync(db, emisor.Id, tipo, token, ct);
            return new(ResultadoEnlace.EnlaceInvalido, Estado: ahora.Estado == EstadoEnlace.Vigente ? EstadoEnlace.Usado : ahora.Estado);
        }
        var acceso = await db.Accesos.SingleAsync(a => a.Id == e.AccesoId && a.EmisorId == emisor.Id, ct);
        acceso.PasswordHash = hash;
        acceso.SelloSeguridad = Guid.NewGuid().ToString("N"); // ends other sessions and voids the access's other links
        acceso.ContrasenaCambiadaEn = DateTime.UtcNow;
        acceso.IntentosFallidos = 0;
        acceso.BloqueadoHasta = null;
        acceso.UltimoAccesoEn = DateTime.UtcNow;
        if (tipo == TipoEnlace.Invitacion) acceso.InvitacionAceptadaEn = enlaces.Ahora;
        Eventos.Registrar(db, emisor.Id, $"receptor:{acceso.Rfc}", tipo == TipoEnlace.Invitacion ? "portal.invitacion_aceptada" : "portal.contrasena_restablecida", acceso.Rfc, ip: ip);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(ResultadoEnlace.Establecida, Sesion: new SesionPortal(acceso.Id, emisor.Id, emisor.Slug, acceso.Rfc, acceso.SelloSeguridad));
    }

    public void Dispose()
    {
        hashing.Dispose();
        fallosDesconocidos.Dispose();
    }
}
