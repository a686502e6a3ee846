using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Correos;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Email;
using Microsoft.EntityFrameworkCore;
using AccesoDescargas.Fiscal;
using AccesoDescargas.Receptores;
using AccesoDescargas.Contrasenas;

namespace AccesoDescargas.Features.Accesos;

public enum EstadoInvitacion { Ninguna, Enviada, Aceptada, Vencida, Anulada }

public sealed record AccesoFila(
    int Id, string Rfc, string? Nombre, string? Email, string? EmailCliente, OrigenAcceso Origen, bool Habilitado, bool TieneContrasena,
    DateTime? BloqueadoHasta, DateTime ContrasenaCambiadaEn, DateTime? UltimoEnvioEn, long? UltimoEnvioCorreoId, EstadoCorreo? UltimoEnvioEstado,
    DateTime? UltimoAccesoEn, int Descargas, DateTime? InvitacionEnviadaEn, DateTime? InvitacionVenceEn, DateTime? InvitacionAceptadaEn,
    bool InvitacionAnulada = false)
{
    public bool Bloqueado => BloqueadoHasta > DateTime.UtcNow;
    /// <summary>Where to send a password: the access's own address, else the cliente's.</summary>
    public string? CorreoSugerido => Email ?? EmailCliente;

    /// <summary>The last invitation's state; a password change or disabling after it was sent voids it.</summary>
    public EstadoInvitacion Invitacion =>
        InvitacionEnviadaEn is not { } enviada ? EstadoInvitacion.Ninguna
        : InvitacionAceptadaEn >= enviada ? EstadoInvitacion.Aceptada
        : InvitacionAnulada ? EstadoInvitacion.Anulada
        : InvitacionVenceEn <= DateTime.UtcNow ? EstadoInvitacion.Vencida
        : EstadoInvitacion.Enviada;
}

public sealed record ConsultaAccesos(string? Busqueda, int Pagina, int TamanoPagina, string? OrdenarPor = null, bool Descendente = false,
    FiltroAccesos Filtro = FiltroAccesos.Todos);

/// <summary>The home page's links: accesses nobody has signed in with, and those whose last password email failed.</summary>
public enum FiltroAccesos { Todos, SinUso, CorreoFallido }

/// <param name="Contrasena">Null: the access starts "sin contraseña" (a generated one is set when <paramref name="Enviar"/>).</param>
public sealed record CrearAccesoInput(string Rfc, string? Contrasena, string? Email, bool Enviar, bool AceptarAdvertenciaRfc = false);

public sealed record ResultadoAcceso(int? Id, string? Error, int? ExistenteId = null, string? Advertencia = null)
{
    public bool Ok => Error is null && Advertencia is null;
    public static ResultadoAcceso Exito(int id) => new(id, null);
    public static ResultadoAcceso Falla(string error, int? existente = null) => new(null, error, existente);
}

public sealed record InvitacionMasiva(int Enviadas, int Omitidas);

public sealed class AccesosService(IDbContextFactory<AppDbContext> dbFactory, ContrasenaHasher hasher, Outbox outbox, EnlacesAcceso enlaces)
{
    public const string MensajeDuplicado = "Ya existe un acceso para este RFC.";
    public const string MensajeNoEncontrado = "No se encontró el acceso.";

    public async Task<(IReadOnlyList<AccesoFila> Filas, int Total)> PaginaAsync(int emisorId, ConsultaAccesos consulta, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var accesos = Filtrar(db, emisorId, consulta.Busqueda, out var idsBuscados);
        accesos = consulta.Filtro switch
        {
            FiltroAccesos.SinUso => accesos.Where(a => a.UltimoAccesoEn == null),
            FiltroAccesos.CorreoFallido => accesos.Where(a => a.UltimoEnvioEn != null && db.Correos.Any(m => m.Id == a.UltimoEnvioCorreoId && m.Estado == EstadoCorreo.Fallido)),
            _ => accesos,
        };
        // Unfiltered, the total is the count the database keeps per emisor (one row read): a COUNT walks
        // every access (23 ms at 100,000 on PostgreSQL). A search counts the ids its index lookups found
        // (without looking each one up again by primary key: half the time); a filter counts its matches.
        var total = consulta.Filtro != FiltroAccesos.Todos ? await accesos.CountAsync(ct)
            : idsBuscados is not null ? await idsBuscados.CountAsync(ct)
            : await db.TotalAccesosAsync(emisorId, ct);
        // The page's ids alone first: the sort order's index answers them without reading the table
        // (paging whole rows read every skipped row: 100 ms for page 2,000 on PostgreSQL). Then the
        // page's details by primary key, put back in the page's order.
        var ids = await Ordenar(accesos, consulta.OrdenarPor, consulta.Descendente)
            .Skip(consulta.Pagina * consulta.TamanoPagina).Take(consulta.TamanoPagina).Select(a => a.Id).ToListAsync(ct);
        if (ids.Count == 0) return ([], total);
        var filas = await ConDetalles(db, db.Accesos.AsNoTracking().Where(a => ids.Contains(a.Id))).ToListAsync(ct);
        return (Paginas.EnOrden(filas, ids, f => f.Id), total);
    }

    private static IQueryable<AccesoDescarga> Filtrar(AppDbContext db, int emisorId, string? busqueda) => Filtrar(db, emisorId, busqueda, out _);

    /// <summary>The emisor's accesses whose RFC or cliente's nombre starts with the search.</summary>
    /// <param name="ids">With a search, the matching accesses' ids (each once); null without one.</param>
    private static IQueryable<AccesoDescarga> Filtrar(AppDbContext db, int emisorId, string? busqueda, out IQueryable<int>? ids)
    {
        ids = null;
        var accesos = db.Accesos.AsNoTracking().Where(a => a.EmisorId == emisorId);
        var termino = busqueda?.Trim();
        if (string.IsNullOrEmpty(termino)) return accesos;

        // Index lookups united: RFC prefix as a range on (EmisorId, Rfc), nombre prefix on the
        // clientes' nombre index as the engine answers it. An OR of the two would scan every access.
        var (rfc, hasta) = Prefijo.Rango(Rfc.Normalizar(termino));
        var rfcsPorNombre = db.ClientesPorNombre(emisorId, termino, c => c.Rfc);
        var encontrados = accesos.Where(a => string.Compare(a.Rfc, rfc) >= 0 && string.Compare(a.Rfc, hasta) < 0).Select(a => a.Id)
            .Union(accesos.Where(a => rfcsPorNombre.Contains(a.Rfc)).Select(a => a.Id));
        ids = encontrados;
        // Without the outer emisor filter (ids are already this emisor's), SQLite looks up the ids by
        // primary key instead of walking the emisor's whole index to test each row against them.
        return db.Accesos.AsNoTracking().Where(a => encontrados.Contains(a.Id));
    }

    public async Task<AccesoFila?> ObtenerAsync(int emisorId, int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ConDetalles(db, db.Accesos.AsNoTracking().Where(a => a.EmisorId == emisorId && a.Id == id)).SingleOrDefaultAsync(ct);
    }

    /// <summary>
    /// The delivery state of the given password emails of the emisor, by primary key: for a page that shows
    /// them while another instance's sender may be the one delivering them.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, EstadoCorreo>> EstadosCorreoAsync(int emisorId, IReadOnlyCollection<long> correoIds, CancellationToken ct = default)
    {
        if (correoIds.Count == 0) return new Dictionary<long, EstadoCorreo>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Correos.AsNoTracking().Where(c => c.EmisorId == emisorId && correoIds.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, c => c.Estado, ct);
    }

    /// <summary>Each access with its cliente's nombre and email and the state of its last password email.</summary>
    private static IQueryable<AccesoFila> ConDetalles(AppDbContext db, IQueryable<AccesoDescarga> accesos) =>
        from a in accesos
        join c in db.Clientes on new { a.EmisorId, a.Rfc } equals new { c.EmisorId, c.Rfc } into cs
        from c in cs.DefaultIfEmpty()
        join m in db.Correos on a.UltimoEnvioCorreoId equals m.Id into ms
        from m in ms.DefaultIfEmpty()
        select new AccesoFila(a.Id, a.Rfc, c != null ? c.Nombre : null, a.Email, c != null ? c.Email : null, a.Origen, a.Habilitado, a.PasswordHash != null,
            a.BloqueadoHasta, a.ContrasenaCambiadaEn, a.UltimoEnvioEn, a.UltimoEnvioCorreoId, m != null ? m.Estado : null, a.UltimoAccesoEn, a.Descargas,
            a.InvitacionEnviadaEn, a.InvitacionVenceEn, a.InvitacionAceptadaEn,
            // The newest invitation link was made with another security stamp: the password changed or the access was disabled since.
            db.Enlaces.Where(l => l.AccesoId == a.Id && l.Tipo == TipoEnlace.Invitacion).OrderByDescending(l => l.Id).Select(l => l.Sello).FirstOrDefault() != a.SelloSeguridad);

    // Id breaks ties: it is the implicit last key of each (EmisorId, column) index, so the index still answers the page.
    private static IQueryable<AccesoDescarga> Ordenar(IQueryable<AccesoDescarga> q, string? por, bool desc) => (por, desc) switch
    {
        ("UltimoEnvioEn", false) => q.OrderBy(a => a.UltimoEnvioEn).ThenBy(a => a.Id),
        ("UltimoEnvioEn", true) => q.OrderByDescending(a => a.UltimoEnvioEn).ThenByDescending(a => a.Id),
        ("UltimoAccesoEn", false) => q.OrderBy(a => a.UltimoAccesoEn).ThenBy(a => a.Id),
        ("UltimoAccesoEn", true) => q.OrderByDescending(a => a.UltimoAccesoEn).ThenByDescending(a => a.Id),
        ("ContrasenaCambiadaEn", false) => q.OrderBy(a => a.ContrasenaCambiadaEn).ThenBy(a => a.Id),
        ("ContrasenaCambiadaEn", true) => q.OrderByDescending(a => a.ContrasenaCambiadaEn).ThenByDescending(a => a.Id),
        (_, true) => q.OrderByDescending(a => a.Rfc),
        _ => q.OrderBy(a => a.Rfc),
    };

    public async Task<int?> BuscarPorRfcAsync(int emisorId, string rfc, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var normalizado = Rfc.Normalizar(rfc);
        return await db.Accesos.Where(a => a.EmisorId == emisorId && a.Rfc == normalizado).Select(a => (int?)a.Id).SingleOrDefaultAsync(ct);
    }

    /// <summary>"Crear acceso para Clientes": an access typed by hand, for API customers whose clients are not registered here.</summary>
    public async Task<ResultadoAcceso> CrearAsync(int emisorId, CrearAccesoInput input, Actor actor, string baseUrl, CancellationToken ct = default)
    {
        var rfc = Rfc.Validar(input.Rfc);
        if (!rfc.EsValido) return ResultadoAcceso.Falla(rfc.Error!);
        if (!rfc.DigitoVerificadorCorrecto && !input.AceptarAdvertenciaRfc) return new(null, null, null, rfc.Advertencia);
        if (input.Contrasena is not null && ContrasenaPolitica.Validar(input.Contrasena, input.Contrasena, rfc.Rfc) is { } errorContrasena) return ResultadoAcceso.Falla(errorContrasena);
        string? email = null;
        if (!string.IsNullOrWhiteSpace(input.Email))
        {
            var direccion = DireccionCorreo.Validar(input.Email);
            if (!direccion.EsValida) return ResultadoAcceso.Falla(direccion.Error!);
            email = direccion.Direccion;
        }
        if (input.Enviar && email is null) return ResultadoAcceso.Falla("Escriba el correo al que se enviará la contraseña.");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var existente = await db.Accesos.Where(a => a.EmisorId == emisorId && a.Rfc == rfc.Rfc).Select(a => (int?)a.Id).SingleOrDefaultAsync(ct);
        if (existente is not null) return ResultadoAcceso.Falla(MensajeDuplicado, existente);

        var contrasena = input.Contrasena ?? (input.Enviar ? ContrasenaPolitica.Generar() : null);
        var acceso = new AccesoDescarga { EmisorId = emisorId, Rfc = rfc.Rfc, Email = email, Origen = OrigenAcceso.Manual, PasswordHash = contrasena is null ? null : hasher.Hash(contrasena) };
        db.Accesos.Add(acceso);
        Eventos.Registrar(db, emisorId, actor.Quien, "acceso.creado", rfc.Rfc, detalle: contrasena is null ? "Sin contraseña" : null, ip: actor.Ip);
        var correo = input.Enviar ? await EncolarContrasenaAsync(db, acceso, email!, contrasena!, baseUrl, actor, ct) : null;
        try
        {
            await GuardarAsync(db, acceso, correo, ct);
        }
        catch (DbUpdateException)
        {
            // Another request created the same RFC between our check and our insert.
            var carrera = await BuscarPorRfcAsync(emisorId, rfc.Rfc, ct);
            if (carrera is null) throw;
            return ResultadoAcceso.Falla(MensajeDuplicado, carrera);
        }
        return ResultadoAcceso.Exito(acceso.Id);
    }

    /// <summary>Replaces the password (and clears any lockout); optionally mails the new one.</summary>
    public async Task<ResultadoAcceso> CambiarContrasenaAsync(int emisorId, int id, string contrasena, string? enviarA, Actor actor, string baseUrl, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var acceso = await db.Accesos.SingleOrDefaultAsync(a => a.EmisorId == emisorId && a.Id == id, ct);
        if (acceso is null) return ResultadoAcceso.Falla(MensajeNoEncontrado);
        if (ContrasenaPolitica.Validar(contrasena, contrasena, acceso.Rfc) is { } error) return ResultadoAcceso.Falla(error);
        acceso.Origen = OrigenAcceso.Manual; // staff chose this password
        string? destino = null;
        if (!string.IsNullOrWhiteSpace(enviarA))
        {
            var direccion = DireccionCorreo.Validar(enviarA);
            if (!direccion.EsValida) return ResultadoAcceso.Falla(direccion.Error!);
            destino = direccion.Direccion;
        }

        EstablecerContrasena(acceso, contrasena);
        Eventos.Registrar(db, emisorId, actor.Quien, "acceso.contrasena", acceso.Rfc, ip: actor.Ip);
        var correo = destino is null ? null : await EncolarContrasenaAsync(db, acceso, destino, contrasena, baseUrl, actor, ct);
        await GuardarAsync(db, acceso, correo, ct);
        return ResultadoAcceso.Exito(acceso.Id);
    }

    /// <summary>
    /// "Enviar contraseña": only hashes are stored, so a new password is generated, set and mailed
    /// in one transaction; the previous one stops working.
    /// </summary>
    public async Task<ResultadoAcceso> EnviarContrasenaAsync(int emisorId, int id, string para, bool recordarCorreo, Actor actor, string baseUrl, CancellationToken ct = default)
    {
        var direccion = DireccionCorreo.Validar(para);
        if (!direccion.EsValida) return ResultadoAcceso.Falla(direccion.Error!);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var acceso = await db.Accesos.SingleOrDefaultAsync(a => a.EmisorId == emisorId && a.Id == id, ct);
        if (acceso is null) return ResultadoAcceso.Falla(MensajeNoEncontrado);

        var contrasena = ContrasenaPolitica.Generar();
        EstablecerContrasena(acceso, contrasena);
        if (recordarCorreo) acceso.Email = direccion.Direccion;
        var correo = await EncolarContrasenaAsync(db, acceso, direccion.Direccion!, contrasena, baseUrl, actor, ct);
        await GuardarAsync(db, acceso, correo, ct);
        return ResultadoAcceso.Exito(acceso.Id);
    }

    public async Task<bool> CambiarHabilitadoAsync(int emisorId, int id, bool habilitado, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var acceso = await db.Accesos.SingleOrDefaultAsync(a => a.EmisorId == emisorId && a.Id == id, ct);
        if (acceso is null) return false;
        acceso.Habilitado = habilitado;
        acceso.SelloSeguridad = Guid.NewGuid().ToString("N"); // ends open portal sessions
        Eventos.Registrar(db, emisorId, actor.Quien, habilitado ? "acceso.habilitado" : "acceso.deshabilitado", acceso.Rfc, ip: actor.Ip);
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// Adds an automatic access "sin contraseña" to the caller's unit of work, unless the RFC already
    /// has one (an existing access is kept, never replaced). Nobody can sign in with it until staff send
    /// an invitation or a password, or set one.
    /// </summary>
    public async Task<bool> AgregarAutomaticoAsync(AppDbContext db, int emisorId, string rfc, string? email, CancellationToken ct = default)
    {
        if (db.Accesos.Local.Any(a => a.EmisorId == emisorId && a.Rfc == rfc)
            || await db.Accesos.AnyAsync(a => a.EmisorId == emisorId && a.Rfc == rfc, ct))
            return false;
        db.Accesos.Add(AccesoDescarga.Automatico(emisorId, rfc, email));
        return true;
    }

    public const string MensajeInhabilitado = "El acceso está deshabilitado: habilítelo antes de invitar.";

    /// <summary>
    /// "Enviar invitación": mails a single-use link where the receptor chooses its password. A newer
    /// invitation voids the previous one; the current password (if any) keeps working until it is replaced.
    /// </summary>
    public async Task<ResultadoAcceso> EnviarInvitacionAsync(int emisorId, int id, string para, bool recordarCorreo, Actor actor, string baseUrl, CancellationToken ct = default)
    {
        var direccion = DireccionCorreo.Validar(para);
        if (!direccion.EsValida) return ResultadoAcceso.Falla(direccion.Error!);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var acceso = await db.Accesos.SingleOrDefaultAsync(a => a.EmisorId == emisorId && a.Id == id, ct);
        if (acceso is null) return ResultadoAcceso.Falla(MensajeNoEncontrado);
        if (!acceso.Habilitado) return ResultadoAcceso.Falla(MensajeInhabilitado);
        if (recordarCorreo) acceso.Email = direccion.Direccion;

        var emisor = await DatosEmisorAsync(db, emisorId, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var correo = EncolarInvitacion(db, emisor, acceso, direccion.Direccion!, baseUrl, actor);
        await db.SaveChangesAsync(ct);
        acceso.UltimoEnvioCorreoId = correo.Id;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        outbox.Despertar();
        return ResultadoAcceso.Exito(acceso.Id);
    }

    /// <summary>
    /// The accesses "Invitar a todos" reaches within the grid's search: enabled, with an email (the
    /// access's or its cliente's), never signed in, and without an invitation still valid.
    /// </summary>
    private IQueryable<PendienteInvitar> PendientesDeInvitar(AppDbContext db, int emisorId, string? busqueda, int desdeId = 0)
    {
        var ahora = enlaces.Ahora;
        return from a in Filtrar(db, emisorId, busqueda)
               where a.Id > desdeId && a.Habilitado && a.UltimoAccesoEn == null
               join c in db.Clientes on new { a.EmisorId, a.Rfc } equals new { c.EmisorId, c.Rfc } into cs
               from c in cs.DefaultIfEmpty()
               let correo = a.Email != null ? a.Email : c.Email
               where correo != null
                     // Not while its newest invitation is still valid: unused, unexpired, same security stamp.
                     && !db.Enlaces.Any(l => l.AccesoId == a.Id && l.Tipo == TipoEnlace.Invitacion && l.UsadoEn == null && l.VenceEn > ahora
                                             && l.Sello == a.SelloSeguridad
                                             && !db.Enlaces.Any(o => o.AccesoId == l.AccesoId && o.Tipo == l.Tipo && o.Id > l.Id))
               orderby a.Id
               select new PendienteInvitar { Id = a.Id, Correo = correo };
    }

    private sealed class PendienteInvitar
    {
        public int Id { get; init; }
        public string? Correo { get; init; }
    }

    public async Task<int> ContarPorInvitarAsync(int emisorId, string? busqueda, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await PendientesDeInvitar(db, emisorId, busqueda).CountAsync(ct);
    }

    /// <summary>
    /// "Invitar a todos los que tienen correo y no han entrado": one invitation each, queued in the
    /// outbox in batches (one transaction each); the sender delivers them at Outbox:MensajesPorMinuto.
    /// </summary>
    public async Task<InvitacionMasiva> InvitarPendientesAsync(int emisorId, string? busqueda, Actor actor, string baseUrl, CancellationToken ct = default)
    {
        const int lote = 200;
        int enviadas = 0, omitidas = 0, ultimoId = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var pendientes = await PendientesDeInvitar(db, emisorId, busqueda, ultimoId).Take(lote).ToListAsync(ct);
            if (pendientes.Count == 0) break;
            ultimoId = pendientes[^1].Id;
            var ids = pendientes.Select(p => p.Id).ToList();
            var accesos = await db.Accesos.Where(a => a.EmisorId == emisorId && ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
            var emisor = await DatosEmisorAsync(db, emisorId, ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var correos = new List<(AccesoDescarga, CorreoSaliente)>();
            foreach (var p in pendientes)
            {
                var direccion = DireccionCorreo.Validar(p.Correo);
                if (!direccion.EsValida || !accesos.TryGetValue(p.Id, out var acceso)) { omitidas++; continue; }
                correos.Add((acceso, EncolarInvitacion(db, emisor, acceso, direccion.Direccion!, baseUrl, actor)));
            }
            await db.SaveChangesAsync(ct);
            foreach (var (acceso, correo) in correos) acceso.UltimoEnvioCorreoId = correo.Id;
            Eventos.Registrar(db, emisorId, actor.Quien, "acceso.invitacion_masiva", detalle: $"{correos.Count} invitaciones", ip: actor.Ip);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            enviadas += correos.Count;
            outbox.Despertar();
        }
        return new(enviadas, omitidas);
    }

    private sealed record DatosEmisor(string RazonSocial, string Slug);

    private static Task<DatosEmisor> DatosEmisorAsync(AppDbContext db, int emisorId, CancellationToken ct) =>
        db.Emisores.AsNoTracking().Where(e => e.Id == emisorId).Select(e => new DatosEmisor(e.RazonSocial, e.Slug)).SingleAsync(ct);

    private CorreoSaliente EncolarInvitacion(AppDbContext db, DatosEmisor emisor, AccesoDescarga acceso, string para, string baseUrl, Actor actor)
    {
        var (token, enlace) = enlaces.Crear(db, acceso, TipoEnlace.Invitacion);
        var url = EnlacesPortal.Invitacion(baseUrl, emisor.Slug, token);
        var (asunto, html, texto) = CorreoInvitacion.Crear(emisor.RazonSocial, acceso.Rfc, url, enlace.VenceEn);
        acceso.InvitacionEnviadaEn = enlace.CreadoEn;
        acceso.InvitacionVenceEn = enlace.VenceEn;
        acceso.UltimoEnvioEn = DateTime.UtcNow;
        Eventos.Registrar(db, acceso.EmisorId, actor.Quien, "acceso.invitacion_enviada", acceso.Rfc, detalle: para, ip: actor.Ip);
        return outbox.Encolar(db, new CorreoNuevo(acceso.EmisorId, para, asunto, html, texto, "invitacion", acceso.Rfc));
    }

    private void EstablecerContrasena(AccesoDescarga acceso, string contrasena)
    {
        acceso.PasswordHash = hasher.Hash(contrasena);
        acceso.ContrasenaCambiadaEn = DateTime.UtcNow;
        acceso.IntentosFallidos = 0;
        acceso.BloqueadoHasta = null;
        acceso.SelloSeguridad = Guid.NewGuid().ToString("N"); // ends sessions opened with the old password
    }

    private async Task<CorreoSaliente> EncolarContrasenaAsync(AppDbContext db, AccesoDescarga acceso, string para, string contrasena, string baseUrl, Actor actor, CancellationToken ct)
    {
        var emisor = await db.Emisores.AsNoTracking().Where(e => e.Id == acceso.EmisorId).Select(e => new { e.RazonSocial, e.Slug }).SingleAsync(ct);
        var enlace = EnlacesPortal.Ingreso(baseUrl, emisor.Slug, acceso.Rfc);
        var (asunto, html, texto) = CorreoContrasena.Crear(emisor.RazonSocial, acceso.Rfc, contrasena, enlace);
        acceso.UltimoEnvioEn = DateTime.UtcNow;
        Eventos.Registrar(db, acceso.EmisorId, actor.Quien, "acceso.contrasena_enviada", acceso.Rfc, detalle: para, ip: actor.Ip);
        return outbox.Encolar(db, new CorreoNuevo(acceso.EmisorId, para, asunto, html, texto, "contrasena", acceso.Rfc));
    }

    /// <summary>Saves the change and its email together, then links the access to the email (its id exists only after the insert).</summary>
    private async Task GuardarAsync(AppDbContext db, AccesoDescarga acceso, CorreoSaliente? correo, CancellationToken ct)
    {
        if (correo is null)
        {
            await db.SaveChangesAsync(ct);
            return;
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        acceso.UltimoEnvioCorreoId = correo.Id;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        outbox.Despertar();
    }
}

/// <summary>What "Crear acceso para Clientes" returns to the grid: the access to show, new or already there.</summary>
public sealed record AccesoCreado(int Id, string Rfc, bool Existia);
