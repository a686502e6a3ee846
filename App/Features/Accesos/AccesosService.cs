using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Clientes;
using AccesoDescargas.Features.Correos;
using AccesoDescargas.Features.Portal;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Email;
using Microsoft.EntityFrameworkCore;

namespace AccesoDescargas.Features.Accesos;

public sealed record AccesoFila(
    int Id, string Rfc, string? Nombre, string? Email, string? EmailCliente, OrigenAcceso Origen, bool Habilitado,
    DateTime? BloqueadoHasta, DateTime ContrasenaCambiadaEn, DateTime? UltimoEnvioEn, long? UltimoEnvioCorreoId, EstadoCorreo? UltimoEnvioEstado,
    DateTime? UltimoAccesoEn, int Descargas)
{
    public bool Bloqueado => BloqueadoHasta > DateTime.UtcNow;
    /// <summary>Where to send a password: the access's own address, else the cliente's.</summary>
    public string? CorreoSugerido => Email ?? EmailCliente;
}

public sealed record ConsultaAccesos(string? Busqueda, int Pagina, int TamanoPagina, string? OrdenarPor = null, bool Descendente = false);

public sealed record CrearAccesoInput(string Rfc, string Contrasena, string? Email, bool Enviar, bool AceptarAdvertenciaRfc = false);

public sealed record ResultadoAcceso(int? Id, string? Error, int? ExistenteId = null, string? Advertencia = null)
{
    public bool Ok => Error is null && Advertencia is null;
    public static ResultadoAcceso Exito(int id) => new(id, null);
    public static ResultadoAcceso Falla(string error, int? existente = null) => new(null, error, existente);
}

public sealed class AccesosService(IDbContextFactory<AppDbContext> dbFactory, ContrasenaHasher hasher, Outbox outbox)
{
    public const string MensajeDuplicado = "Ya existe un acceso para este RFC.";
    public const string MensajeNoEncontrado = "No se encontró el acceso.";

    public async Task<(IReadOnlyList<AccesoFila> Filas, int Total)> PaginaAsync(int emisorId, ConsultaAccesos consulta, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var accesos = db.Accesos.AsNoTracking().Where(a => a.EmisorId == emisorId);

        var termino = consulta.Busqueda?.Trim();
        if (!string.IsNullOrEmpty(termino))
        {
            // Index lookups united: RFC prefix as a range on (EmisorId, Rfc), nombre prefix on the
            // clientes' nombre index as the engine answers it. An OR of the two would scan every access.
            var (rfc, hasta) = Prefijo.Rango(Rfc.Normalizar(termino));
            var rfcsPorNombre = db.ClientesPorNombre(emisorId, termino, c => c.Rfc);
            var ids = accesos.Where(a => string.Compare(a.Rfc, rfc) >= 0 && string.Compare(a.Rfc, hasta) < 0).Select(a => a.Id)
                .Union(accesos.Where(a => rfcsPorNombre.Contains(a.Rfc)).Select(a => a.Id));
            // Without the outer emisor filter (ids are already this emisor's), SQLite looks up the ids by
            // primary key instead of walking the emisor's whole index to test each row against them.
            accesos = db.Accesos.AsNoTracking().Where(a => ids.Contains(a.Id));
        }

        var total = await accesos.CountAsync(ct);
        // Page the accesses alone (an index per sort order answers it), then join the page's details;
        // EF keeps the page's order on the outer query.
        var pagina = Ordenar(accesos, consulta.OrdenarPor, consulta.Descendente).Skip(consulta.Pagina * consulta.TamanoPagina).Take(consulta.TamanoPagina);
        return (await ConDetalles(db, pagina).ToListAsync(ct), total);
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
        select new AccesoFila(a.Id, a.Rfc, c != null ? c.Nombre : null, a.Email, c != null ? c.Email : null, a.Origen, a.Habilitado,
            a.BloqueadoHasta, a.ContrasenaCambiadaEn, a.UltimoEnvioEn, a.UltimoEnvioCorreoId, m != null ? m.Estado : null, a.UltimoAccesoEn, a.Descargas);

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
        if (ContrasenaPolitica.Validar(input.Contrasena, input.Contrasena, rfc.Rfc) is { } errorContrasena) return ResultadoAcceso.Falla(errorContrasena);
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

        var acceso = new AccesoDescarga { EmisorId = emisorId, Rfc = rfc.Rfc, Email = email, Origen = OrigenAcceso.Manual, PasswordHash = hasher.Hash(input.Contrasena) };
        db.Accesos.Add(acceso);
        Eventos.Registrar(db, emisorId, actor.Quien, "acceso.creado", rfc.Rfc, ip: actor.Ip);
        var correo = input.Enviar ? await EncolarContrasenaAsync(db, acceso, email!, input.Contrasena, baseUrl, actor, ct) : null;
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
