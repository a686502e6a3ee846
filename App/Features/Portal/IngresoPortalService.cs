using System.Diagnostics;
using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Correos;
using AccesoDescargas.Features.Emisores;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Email;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using AccesoDescargas.Fiscal;
using AccesoDescargas.Receptores;
using AccesoDescargas.Contrasenas;

namespace AccesoDescargas.Features.Portal;

public enum ResultadoIngreso { Correcto, Fallido, Bloqueado, Deshabilitado, Ocupado, ContrasenaDemasiadoLarga }

public sealed record Ingreso(ResultadoIngreso Resultado, SesionPortal? Sesion = null);

/// <param name="Activo">False while the emisor has not proved its RFC with its CSD: the portal shows only a notice.</param>
public sealed record EmisorPortal(int Id, string Slug, string RazonSocial, bool TieneLogo, bool Activo = true);

public enum ResultadoCambio { Cambiada, ActualIncorrecta, NoValida, SesionTerminada, Ocupado }

public sealed record CambioContrasena(ResultadoCambio Resultado, string? Mensaje = null, SesionPortal? Sesion = null);

/// <summary>What a visit to an invitation or reset link finds; <see cref="Estado"/> Vigente carries the access's RFC.</summary>
public sealed record EnlacePortal(EstadoEnlace Estado, string? Rfc = null);

public enum ResultadoEnlace { Establecida, NoValida, EnlaceInvalido, Ocupado }

public sealed record AceptacionEnlace(ResultadoEnlace Resultado, string? Mensaje = null, SesionPortal? Sesion = null, EstadoEnlace Estado = EstadoEnlace.Vigente);

/// <summary>
/// Receptor sign-in, password change and recovery.
/// <para>Lockout: an attempt first takes one of the access's five tries with one conditional UPDATE
/// (the fifth sets the lock), and only then computes the hash; a right password signs in only if a
/// second conditional UPDATE finds the access still unlocked (or locked by this very attempt). So
/// parallel guesses never get more than five hashes, and none signs in once the lock is set.</para>
/// <para>Cost: every PBKDF2 goes through <see cref="TurnosVerificacion"/>, fewer slots than cores, ranked
/// by the recent failures of the client and of the RFC. A locked RFC costs no hash, and an RFC without
/// an access costs none either: it waits as long as a verification takes instead of computing one.</para>
/// </summary>
public sealed class IngresoPortalService : IDisposable
{
    public const int IntentosMaximos = 5;
    public static readonly TimeSpan Bloqueo = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan DemoraMaxima = TimeSpan.FromSeconds(5);

    private readonly IDbContextFactory<AppDbContext> dbFactory;
    private readonly ContrasenaHasher hasher;
    private readonly Outbox outbox;
    private readonly SellosPortal sellos;
    private readonly EnlacesAcceso enlaces;
    private readonly ILogger<IngresoPortalService> logger;
    private readonly TurnosVerificacion turnos;
    // Verified against when an access has no password yet ("sin contraseña"), so it costs a real verification and fails.
    private readonly string hashSenuelo;
    // Only ranks requests in the hashing line: how many sign-ins failed lately from each client IP (per instance).
    private readonly MemoryCache fallosPorCliente = new(new MemoryCacheOptions { SizeLimit = 100_000 });
    // How long a verification takes now, line included (exponential average, in ticks): what an RFC without access waits.
    private long duracionVerificacion;
    private readonly SemaphoreSlim[] franjasSinAcceso = Enumerable.Range(0, 16).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public IngresoPortalService(IDbContextFactory<AppDbContext> dbFactory, ContrasenaHasher hasher, Outbox outbox,
        SellosPortal sellos, EnlacesAcceso enlaces, TurnosVerificacion turnos, ILogger<IngresoPortalService> logger)
    {
        this.enlaces = enlaces;
        this.dbFactory = dbFactory;
        this.hasher = hasher;
        this.outbox = outbox;
        this.sellos = sellos;
        this.logger = logger;
        this.turnos = turnos;
        var reloj = Stopwatch.StartNew();
        hashSenuelo = hasher.Hash(ContrasenaPolitica.Generar()); // costs what a verification costs
        duracionVerificacion = reloj.Elapsed.Ticks;
    }

    public async Task<EmisorPortal?> EmisorAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Emisores.AsNoTracking().Where(e => e.Slug == slug.ToLowerInvariant())
            .Select(e => new EmisorPortal(e.Id, e.Slug, e.RazonSocial, e.LogoKey != null, e.VerificadoEn != null)).FirstOrDefaultAsync(ct);
    }

    public async Task<Ingreso> IngresarAsync(EmisorPortal emisor, string? rfcTexto, string? contrasena, string? ip, CancellationToken ct = default)
    {
        if (!emisor.Activo) return new(ResultadoIngreso.Fallido); // the page shows no form; a crafted post gets nothing
        contrasena ??= "";
        if (ContrasenaPolitica.EsDemasiadoLarga(contrasena)) return new(ResultadoIngreso.ContrasenaDemasiadoLarga);
        var rfc = Rfc.Normalizar(rfcTexto);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var acceso = rfc.Length is 12 or 13
            ? await db.Accesos.AsNoTracking().Where(a => a.EmisorId == emisor.Id && a.Rfc == rfc)
                .Select(a => new { a.Id, a.BloqueadoHasta, a.IntentosFallidos, a.PasswordHash, a.Habilitado, a.SelloSeguridad }).FirstOrDefaultAsync(ct)
            : null;
        if (acceso is null) return await SinAccesoAsync(db, emisor, rfc, ip, ct);
        if (acceso.BloqueadoHasta > DateTime.UtcNow) return new(ResultadoIngreso.Bloqueado);

        var inicio = Stopwatch.GetTimestamp();
        VerificacionContrasena verificacion;
        DateTime? bloqueoPropio;
        // The try is taken once the slot is held, not before queueing: tries taken in the line would count
        // as failures while they wait, so a few simultaneous right passwords could lock their own access
        // (tried: 8 at once, 3 refused). A request that gets no slot has taken no try.
        using (var turno = await turnos.PedirAsync(FallosRecientes(ip) + acceso.IntentosFallidos, ct))
        {
            if (turno is null) return new(await BloqueadoAsync(db, acceso.Id, ct) ? ResultadoIngreso.Bloqueado : ResultadoIngreso.Ocupado);
            var intento = await TomarIntentoAsync(db, acceso.Id, ct);
            if (intento is null) return new(ResultadoIngreso.Bloqueado); // locked while this request waited: no hash
            bloqueoPropio = intento.Value.BloqueoPropio;
            // "Sin contraseña": the decoy's work, then a failure like any wrong password.
            var hash = acceso.PasswordHash ?? hashSenuelo;
            var resultado = await FueraDelPoolAsync(() => hasher.Verificar(hash, contrasena));
            verificacion = acceso.PasswordHash is null ? VerificacionContrasena.Fallida : resultado;
        }
        MedirVerificacion(inicio);

        if (verificacion == VerificacionContrasena.Fallida)
        {
            ContarFallo(ip);
            Eventos.Registrar(db, emisor.Id, $"receptor:{rfc}", bloqueoPropio is null ? "portal.ingreso_fallido" : "portal.bloqueo", rfc, ip: ip);
            await db.SaveChangesAsync(ct);
            return new(bloqueoPropio is null ? ResultadoIngreso.Fallido : ResultadoIngreso.Bloqueado);
        }
        if (!acceso.Habilitado) return new(ResultadoIngreso.Deshabilitado);

        // Same password, stronger hash: open sessions stay valid.
        var rehash = verificacion == VerificacionContrasena.CorrectaRequiereRehash ? hasher.Hash(contrasena) : null;
        var ahora = DateTime.UtcNow;
        // The last check before the session is issued: a lock set by any other attempt since this one took its try wins,
        // and so does a password changed meanwhile (the stamp changes with it).
        var abierto = await db.Accesos
            .Where(a => a.Id == acceso.Id && a.Habilitado && a.SelloSeguridad == acceso.SelloSeguridad
                        && (a.BloqueadoHasta == null || a.BloqueadoHasta <= ahora || a.BloqueadoHasta == bloqueoPropio))
            .ExecuteUpdateAsync(s => s
                .SetProperty(a => a.IntentosFallidos, 0)
                .SetProperty(a => a.BloqueadoHasta, (DateTime?)null)
                .SetProperty(a => a.UltimoAccesoEn, ahora)
                .SetProperty(a => a.PasswordHash, a => rehash ?? a.PasswordHash), ct);
        var estado = await db.Accesos.AsNoTracking().Where(a => a.Id == acceso.Id)
            .Select(a => new { a.Rfc, a.SelloSeguridad, a.Habilitado, a.BloqueadoHasta }).FirstAsync(ct);
        if (abierto == 0)
            return new(!estado.Habilitado ? ResultadoIngreso.Deshabilitado
                : estado.BloqueadoHasta > ahora ? ResultadoIngreso.Bloqueado
                : ResultadoIngreso.Fallido);

        fallosPorCliente.Remove(ip ?? "");
        Eventos.Registrar(db, emisor.Id, $"receptor:{rfc}", "portal.ingreso", rfc, ip: ip);
        await db.SaveChangesAsync(ct);
        return new(ResultadoIngreso.Correcto, new SesionPortal(acceso.Id, emisor.Id, emisor.Slug, estado.Rfc, estado.SelloSeguridad));
    }

    /// <summary>
    /// Takes one of the access's tries in one conditional UPDATE; the fifth also sets the lock.
    /// </summary>
    /// <returns>Null when the access is locked (no try left); otherwise the lock this try set, or null inside.</returns>
    private static async Task<Intento?> TomarIntentoAsync(AppDbContext db, int accesoId, CancellationToken ct)
    {
        var ahora = DateTime.UtcNow;
        var hasta = HastaBloqueo(ahora);
        var n = await db.Accesos.Where(a => a.Id == accesoId && (a.BloqueadoHasta == null || a.BloqueadoHasta <= ahora))
            .ExecuteUpdateAsync(s => s
                .SetProperty(a => a.BloqueadoHasta, a => a.IntentosFallidos + 1 >= IntentosMaximos ? hasta : a.BloqueadoHasta)
                .SetProperty(a => a.IntentosFallidos, a => a.IntentosFallidos + 1 >= IntentosMaximos ? 0 : a.IntentosFallidos + 1), ct);
        if (n == 0) return null;
        var bloqueo = await db.Accesos.Where(a => a.Id == accesoId).Select(a => a.BloqueadoHasta).FirstAsync(ct);
        return new Intento(bloqueo == hasta ? hasta : null);
    }

    private readonly record struct Intento(DateTime? BloqueoPropio);

    /// <summary>
    /// Runs a PBKDF2 on a thread of its own, at the lowest CPU priority: ~150 ms of CPU on a thread-pool
    /// worker would leave the pool's few workers (two on two cores) to downloads and pages for that
    /// long, and at normal priority the hash would take its share of a core from them. At the lowest
    /// priority it runs on the CPU that pages and downloads leave idle. The slots still bound how many run at once.
    /// </summary>
    private static Task<T> FueraDelPoolAsync<T>(Func<T> trabajo) =>
        Task.Factory.StartNew(() =>
        {
            PrioridadHilo.Minima();
            return trabajo();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static async Task<bool> BloqueadoAsync(AppDbContext db, int accesoId, CancellationToken ct)
    {
        var ahora = DateTime.UtcNow;
        return await db.Accesos.AnyAsync(a => a.Id == accesoId && a.BloqueadoHasta > ahora, ct);
    }

    /// <summary>Whole microseconds, so the value compares equal after a round trip through any database.</summary>
    private static DateTime HastaBloqueo(DateTime ahora)
    {
        var hasta = ahora + Bloqueo;
        return new DateTime(hasta.Ticks - hasta.Ticks % 10, DateTimeKind.Utc);
    }

    /// <summary>
    /// An RFC without an access: counted and locked in the database like a real one, but instead of a
    /// decoy hash it waits as long as verifications take now, so it costs no CPU and queues behind nobody.
    /// </summary>
    private async Task<Ingreso> SinAccesoAsync(AppDbContext db, EmisorPortal emisor, string rfc, string? ip, CancellationToken ct)
    {
        var existe = rfc.Length is 12 or 13
            ? await db.IntentosSinAcceso.AsNoTracking().Where(i => i.EmisorId == emisor.Id && i.Rfc == rfc)
                .Select(i => new { i.BloqueadoHasta }).FirstOrDefaultAsync(ct)
            : null;
        if (existe?.BloqueadoHasta > DateTime.UtcNow) return new(ResultadoIngreso.Bloqueado);

        await Task.Delay(TimeSpan.FromTicks(Math.Min(Interlocked.Read(ref duracionVerificacion), DemoraMaxima.Ticks)), ct);
        ContarFallo(ip);
        if (rfc.Length is not (12 or 13)) return new(ResultadoIngreso.Fallido); // never an access: nothing to lock

        var ahora = DateTime.UtcNow;
        var hasta = HastaBloqueo(ahora);
        var caducado = ahora - Bloqueo; // failures forgotten after 15 minutes without another
        Task<int> TomarAsync() => db.IntentosSinAcceso
            .Where(i => i.EmisorId == emisor.Id && i.Rfc == rfc && (i.BloqueadoHasta == null || i.BloqueadoHasta <= ahora))
            .ExecuteUpdateAsync(s => s
                .SetProperty(i => i.BloqueadoHasta, i => (i.ActualizadoEn < caducado ? 0 : i.Intentos) + 1 >= IntentosMaximos ? hasta : null)
                .SetProperty(i => i.Intentos, i => (i.ActualizadoEn < caducado ? 0 : i.Intentos) + 1 >= IntentosMaximos ? 0 : (i.ActualizadoEn < caducado ? 0 : i.Intentos) + 1)
                .SetProperty(i => i.ActualizadoEn, ahora), ct);

        var n = await TomarAsync();
        if (n == 0 && existe is null)
        {
            // The first failure inserts the row; parallel first failures on this instance take turns, so only one inserts.
            var franja = franjasSinAcceso[(uint)HashCode.Combine(emisor.Id, rfc) % (uint)franjasSinAcceso.Length];
            await franja.WaitAsync(ct);
            try
            {
                n = await TomarAsync();
                if (n == 0 && !await db.IntentosSinAcceso.AnyAsync(i => i.EmisorId == emisor.Id && i.Rfc == rfc, ct))
                {
                    db.IntentosSinAcceso.Add(new IntentoSinAcceso { EmisorId = emisor.Id, Rfc = rfc, Intentos = 1, ActualizadoEn = ahora });
                    try
                    {
                        await db.SaveChangesAsync(ct);
                        n = 1;
                        if (Random.Shared.Next(64) == 0) await OlvidarCaducadosAsync(db, ahora, ct);
                    }
                    catch (DbUpdateException)
                    {
                        db.ChangeTracker.Clear(); // another instance inserted the same RFC first: take a try from its row
                        n = await TomarAsync();
                    }
                }
            }
            finally
            {
                franja.Release();
            }
        }
        if (n == 0) return new(ResultadoIngreso.Bloqueado);
        var bloqueo = await db.IntentosSinAcceso.Where(i => i.EmisorId == emisor.Id && i.Rfc == rfc).Select(i => i.BloqueadoHasta).FirstAsync(ct);
        return new(bloqueo == hasta ? ResultadoIngreso.Bloqueado : ResultadoIngreso.Fallido);
    }

    private static Task<int> OlvidarCaducadosAsync(AppDbContext db, DateTime ahora, CancellationToken ct)
    {
        var caducado = ahora - Bloqueo;
        return db.IntentosSinAcceso.Where(i => i.ActualizadoEn < caducado && (i.BloqueadoHasta == null || i.BloqueadoHasta < ahora)).ExecuteDeleteAsync(ct);
    }

    private int FallosRecientes(string? ip) => fallosPorCliente.TryGetValue(ip ?? "", out int n) ? n : 0;

    private void ContarFallo(string? ip)
    {
        var clave = ip ?? "";
        lock (fallosPorCliente)
            fallosPorCliente.Set(clave, FallosRecientes(clave) + 1, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = Bloqueo });
    }

    private void MedirVerificacion(long inicio)
    {
        var muestra = Stopwatch.GetElapsedTime(inicio).Ticks;
        long anterior, nuevo;
        do
        {
            anterior = Interlocked.Read(ref duracionVerificacion);
            nuevo = anterior + (muestra - anterior) / 8;
        } while (Interlocked.CompareExchange(ref duracionVerificacion, nuevo, anterior) != anterior);
    }

    public async Task<CambioContrasena> CambiarAsync(SesionPortal sesion, string? actual, string? nueva, string? confirmacion, string? ip, CancellationToken ct = default)
    {
        const string MensajeBloqueo = "Por seguridad, el acceso está bloqueado temporalmente. Intente de nuevo en 15 minutos.";
        if (ContrasenaPolitica.EsDemasiadoLarga(actual)) return new(ResultadoCambio.ActualIncorrecta, ContrasenaPolitica.MensajeDemasiadoLarga);
        var error = ContrasenaPolitica.Validar(nueva, confirmacion, sesion.Rfc);
        if (error is not null) return new(ResultadoCambio.NoValida, error);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var acceso = await db.Accesos.AsNoTracking().Where(a => a.Id == sesion.AccesoId && a.EmisorId == sesion.EmisorId)
            .Select(a => new { a.Id, a.Habilitado, a.SelloSeguridad, a.BloqueadoHasta, a.IntentosFallidos, a.PasswordHash }).FirstOrDefaultAsync(ct);
        if (acceso is null || !acceso.Habilitado || acceso.SelloSeguridad != sesion.Sello) return new(ResultadoCambio.SesionTerminada);
        if (acceso.BloqueadoHasta > DateTime.UtcNow) return new(ResultadoCambio.ActualIncorrecta, MensajeBloqueo);

        string hash;
        DateTime? bloqueoPropio;
        using (var turno = await turnos.PedirAsync(acceso.IntentosFallidos, ct)) // a signed-in receptor: first in line
        {
            if (turno is null) return new(ResultadoCambio.Ocupado);
            var intento = await TomarIntentoAsync(db, acceso.Id, ct);
            if (intento is null) return new(ResultadoCambio.ActualIncorrecta, MensajeBloqueo);
            bloqueoPropio = intento.Value.BloqueoPropio;
            // "Sin contraseña" (no hash yet): the decoy's work, then a failure like any wrong password.
            if (hasher.Verificar(acceso.PasswordHash ?? hashSenuelo, actual ?? "") == VerificacionContrasena.Fallida
                || acceso.PasswordHash is null)
            {
                Eventos.Registrar(db, sesion.EmisorId, sesion.Quien, bloqueoPropio is null ? "portal.ingreso_fallido" : "portal.bloqueo", sesion.Rfc, ip: ip);
                await db.SaveChangesAsync(ct);
                return new(ResultadoCambio.ActualIncorrecta, bloqueoPropio is null ? "La contraseña actual no es correcta." : MensajeBloqueo);
            }
            hash = hasher.Hash(nueva!);
        }

        var ahora = DateTime.UtcNow;
        var sello = Guid.NewGuid().ToString("N");
        var cambiada = await db.Accesos
            .Where(a => a.Id == acceso.Id && a.Habilitado && a.SelloSeguridad == sesion.Sello
                        && (a.BloqueadoHasta == null || a.BloqueadoHasta <= ahora || a.BloqueadoHasta == bloqueoPropio))
            .ExecuteUpdateAsync(s => s
                .SetProperty(a => a.PasswordHash, hash)
                .SetProperty(a => a.SelloSeguridad, sello)
                .SetProperty(a => a.ContrasenaCambiadaEn, ahora)
                .SetProperty(a => a.IntentosFallidos, 0)
                .SetProperty(a => a.BloqueadoHasta, (DateTime?)null), ct);
        sellos.Olvidar(acceso.Id);
        if (cambiada == 0)
        {
            var vigente = await db.Accesos.AnyAsync(a => a.Id == acceso.Id && a.Habilitado && a.SelloSeguridad == sesion.Sello, ct);
            return vigente ? new(ResultadoCambio.ActualIncorrecta, MensajeBloqueo) : new(ResultadoCambio.SesionTerminada);
        }
        Eventos.Registrar(db, sesion.EmisorId, sesion.Quien, "portal.contrasena_cambiada", sesion.Rfc, ip: ip);
        await db.SaveChangesAsync(ct);
        return new(ResultadoCambio.Cambiada, Sesion: sesion with { Sello = sello });
    }

    /// <summary>
    /// "Cerrar sesión": a new stamp ends this session and every copy of its cookie (and the access's
    /// sessions on other devices: a cookie carries no revocable id of its own).
    /// </summary>
    public async Task SalirAsync(SesionPortal sesion, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Accesos.Where(a => a.Id == sesion.AccesoId && a.EmisorId == sesion.EmisorId && a.SelloSeguridad == sesion.Sello)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.SelloSeguridad, Guid.NewGuid().ToString("N")), ct);
        sellos.Olvidar(sesion.AccesoId);
    }

    /// <summary>
    /// "¿Olvidó su contraseña?": mails a single-use reset link when the RFC and email match an enabled
    /// access. The caller shows the same answer either way; the current password keeps working until
    /// the link is used, so a stranger's request cannot lock the receptor out.
    /// </summary>
    public async Task<bool> RecuperarAsync(EmisorPortal emisor, string? rfcTexto, string? email, string urlBase, string? ip, CancellationToken ct = default)
    {
        if (!emisor.Activo) return false;
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
        using (var turno = await turnos.PedirAsync(0, ct)) // holds a valid single-use link: first in line
        {
            if (turno is null) return new(ResultadoEnlace.Ocupado);
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
        fallosPorCliente.Dispose();
        foreach (var f in franjasSinAcceso) f.Dispose();
    }
}
