using System.Text.RegularExpressions;
using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Correos;
using AccesoDescargas.Infrastructure;
using Microsoft.EntityFrameworkCore;
using AccesoDescargas.Fiscal;

namespace AccesoDescargas.Features.Clientes;

public sealed record ClienteFila(int Id, string Rfc, string Nombre, string? Email, string? RegimenFiscal, string? CodigoPostal, bool TieneAcceso);

public sealed record PaginaClientes(IReadOnlyList<ClienteFila> Filas, int Total);

public enum OrdenClientes { Nombre, Rfc }

/// <summary>The create/edit form. On edit the RFC is not read: a cliente's RFC never changes.</summary>
public sealed class ClienteInput
{
    public string Rfc { get; set; } = "";
    public string Nombre { get; set; } = "";
    public string? Email { get; set; }
    public string? RegimenFiscal { get; set; }
    public string? CodigoPostal { get; set; }
    /// <summary>The user ticked "El RFC es correcto" after the check-digit warning.</summary>
    public bool RfcConfirmado { get; set; }
}

/// <param name="Errores">Spanish messages by <see cref="ClienteInput"/> property name; "" for the whole form.</param>
public sealed record ResultadoCliente(int? Id, IReadOnlyDictionary<string, string> Errores)
{
    public bool Exito => Errores.Count == 0;
}

public sealed partial class ClientesService(IDbContextFactory<AppDbContext> dbFactory, AccesosService accesos)
{
    public const string MensajeDuplicado = "Ya existe un cliente con este RFC.";
    public const string MensajeNoEncontrado = "El cliente no existe o no pertenece a su empresa.";
    public const string MensajeConfirmarRfc = "Revise el RFC; si es correcto, marque «El RFC es correcto» para continuar.";

    /// <summary>One page of the emisor's clientes: one count and one Skip/Take query, both from an index.</summary>
    public async Task<PaginaClientes> PaginaAsync(int emisorId, string? busqueda, OrdenClientes orden, bool descendente,
        int pagina, int tamano, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filtrar(db, emisorId, busqueda);
        var total = await query.CountAsync(ct);
        var filas = await Ordenar(query, orden, descendente)
            .Skip(pagina * tamano).Take(tamano)
            .Select(c => new ClienteFila(c.Id, c.Rfc, c.Nombre, c.Email, c.RegimenFiscal, c.CodigoPostal,
                db.Accesos.Any(a => a.EmisorId == c.EmisorId && a.Rfc == c.Rfc)))
            .ToListAsync(ct);
        return new(filas, total);
    }

    /// <summary>
    /// The emisor's clientes whose RFC or nombre starts with the search: the ids of index range lookups
    /// united, RFC on (EmisorId, Rfc) and nombre case-insensitively as the engine answers it
    /// (<see cref="AppDbContext.ClientesPorNombre"/>). Without statistics, SQLite would answer a plain
    /// OR by walking the emisor's whole (EmisorId, Nombre) index for the page's order.
    /// </summary>
    public static IQueryable<Cliente> Filtrar(AppDbContext db, int emisorId, string? busqueda)
    {
        var query = db.Clientes.AsNoTracking().Where(c => c.EmisorId == emisorId);
        var texto = busqueda?.Trim() ?? "";
        if (texto.Length == 0) return query;

        var (rfcDesde, rfcHasta) = Prefijo.Rango(Rfc.Normalizar(texto));
        var ids = query.Where(c => string.Compare(c.Rfc, rfcDesde) >= 0 && string.Compare(c.Rfc, rfcHasta) < 0).Select(c => c.Id)
            .Union(db.ClientesPorNombre(emisorId, texto, c => c.Id));
        // The ids are this emisor's already; filtering the outer query by EmisorId again would tempt
        // SQLite to walk the emisor's whole nombre index (for the order) instead of fetching the matches.
        return db.Clientes.AsNoTracking().Where(c => ids.Contains(c.Id));
    }

    /// <summary>Each order walks an index: (EmisorId, Rfc), or (EmisorId, Nombre) whose entries end with the Id.</summary>
    public static IQueryable<Cliente> Ordenar(IQueryable<Cliente> query, OrdenClientes orden, bool descendente) => (orden, descendente) switch
    {
        (OrdenClientes.Rfc, false) => query.OrderBy(c => c.Rfc),
        (OrdenClientes.Rfc, true) => query.OrderByDescending(c => c.Rfc),
        (_, false) => query.OrderBy(c => c.Nombre).ThenBy(c => c.Id),
        (_, true) => query.OrderByDescending(c => c.Nombre).ThenByDescending(c => c.Id),
    };

    /// <summary>The cliente as an edit form, or null when it does not exist in this emisor.</summary>
    public async Task<ClienteInput?> ObtenerAsync(int emisorId, int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Clientes.AsNoTracking()
            .Where(c => c.Id == id && c.EmisorId == emisorId)
            .Select(c => new ClienteInput
            {
                Rfc = c.Rfc, Nombre = c.Nombre, Email = c.Email, RegimenFiscal = c.RegimenFiscal, CodigoPostal = c.CodigoPostal,
            })
            .SingleOrDefaultAsync(ct);
    }

    /// <summary>
    /// Registers a cliente and, in the same transaction, its access with a generated password (an
    /// existing access for the RFC is kept as it is).
    /// </summary>
    public async Task<ResultadoCliente> CrearAsync(int emisorId, ClienteInput input, Actor actor, CancellationToken ct = default)
    {
        var errores = Validar(input, nuevo: true);
        if (errores.Count > 0) return new(null, errores);
        var rfc = Rfc.Normalizar(input.Rfc);

        // A second try only after a unique-index race on the access: the RFC got one meanwhile, which is then kept.
        for (var intento = 1; ; intento++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            if (await db.Clientes.AnyAsync(c => c.EmisorId == emisorId && c.Rfc == rfc, ct))
                return Error(nameof(ClienteInput.Rfc), MensajeDuplicado);

            var cliente = new Cliente { EmisorId = emisorId, Rfc = rfc, Nombre = "" };
            Copiar(input, cliente);
            db.Clientes.Add(cliente);
            var accesoNuevo = await accesos.AgregarAutomaticoAsync(db, emisorId, rfc, cliente.Email, ct);
            Eventos.Registrar(db, emisorId, actor.Quien, "cliente.creado", rfc, detalle: cliente.Nombre, ip: actor.Ip);
            if (accesoNuevo)
                Eventos.Registrar(db, emisorId, actor.Quien, "acceso.creado", rfc, detalle: "Automático, al registrar el cliente", ip: actor.Ip);

            try
            {
                await db.SaveChangesAsync(ct);
                return new(cliente.Id, new Dictionary<string, string>());
            }
            catch (DbUpdateException e) when (ErroresBaseDatos.EsViolacionDeUnicidad(e))
            {
                await using var otra = await dbFactory.CreateDbContextAsync(ct);
                if (await otra.Clientes.AnyAsync(c => c.EmisorId == emisorId && c.Rfc == rfc, ct))
                    return Error(nameof(ClienteInput.Rfc), MensajeDuplicado);
                if (intento >= 2) throw;
            }
        }
    }

    public async Task<ResultadoCliente> EditarAsync(int emisorId, int id, ClienteInput input, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var cliente = await db.Clientes.SingleOrDefaultAsync(c => c.Id == id && c.EmisorId == emisorId, ct);
        if (cliente is null) return Error("", MensajeNoEncontrado);

        input.Rfc = cliente.Rfc;
        var errores = Validar(input, nuevo: false);
        if (errores.Count > 0) return new(null, errores);

        Copiar(input, cliente);
        var cambios = db.Entry(cliente).Properties.Where(p => p.IsModified).Select(p => p.Metadata.Name).ToList();
        if (cambios.Count == 0) return new(cliente.Id, new Dictionary<string, string>());
        Eventos.Registrar(db, emisorId, actor.Quien, "cliente.editado", cliente.Rfc, detalle: string.Join(", ", cambios), ip: actor.Ip);
        await db.SaveChangesAsync(ct);
        return new(cliente.Id, new Dictionary<string, string>());
    }

    /// <summary>
    /// The form's rules, shared by the dialog (to show each message by its field) and by the service
    /// (which never trusts the dialog). Keys are <see cref="ClienteInput"/> property names.
    /// </summary>
    public static Dictionary<string, string> Validar(ClienteInput input, bool nuevo)
    {
        var errores = new Dictionary<string, string>();
        var rfc = Rfc.Validar(input.Rfc);
        if (nuevo)
        {
            if (!rfc.EsValido)
                errores[nameof(ClienteInput.Rfc)] = rfc.Error!;
            else if (rfc.Advertencia is not null && !input.RfcConfirmado)
                errores[nameof(ClienteInput.RfcConfirmado)] = MensajeConfirmarRfc;
        }

        var nombre = input.Nombre?.Trim() ?? "";
        if (nombre.Length == 0)
            errores[nameof(ClienteInput.Nombre)] = "Escriba el nombre o razón social.";
        else if (nombre.Length > 300)
            errores[nameof(ClienteInput.Nombre)] = "El nombre no puede pasar de 300 caracteres.";

        if (!string.IsNullOrWhiteSpace(input.Email) && DireccionCorreo.Validar(input.Email) is { EsValida: false } correo)
            errores[nameof(ClienteInput.Email)] = correo.Error!;

        if (RegimenesFiscales.Validar(input.RegimenFiscal, rfc.Tipo) is { } regimen)
            errores[nameof(ClienteInput.RegimenFiscal)] = regimen;

        if (!string.IsNullOrWhiteSpace(input.CodigoPostal) && !CodigoPostal().IsMatch(input.CodigoPostal.Trim()))
            errores[nameof(ClienteInput.CodigoPostal)] = "El código postal debe tener 5 dígitos.";

        return errores;
    }

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

    /// <summary>
    /// <see cref="AsegurarClienteAsync"/> for many receptors at once (an import's batch): one query finds
    /// those that already are clientes. Each RFC once, with the name it should get if new.
    /// </summary>
    public async Task AsegurarClientesAsync(AppDbContext db, int emisorId, IReadOnlyCollection<(string Rfc, string? Nombre)> receptores, CancellationToken ct = default)
    {
        var rfcs = receptores.Select(r => r.Rfc).Where(r => !Rfc.EsGenerico(r)).Distinct().ToList();
        if (rfcs.Count == 0) return;
        var existentes = (await db.Clientes.Where(c => c.EmisorId == emisorId && rfcs.Contains(c.Rfc)).Select(c => c.Rfc).ToListAsync(ct)).ToHashSet();
        foreach (var (rfc, nombre) in receptores.Where(r => !existentes.Contains(r.Rfc)).DistinctBy(r => r.Rfc))
            await AsegurarClienteAsync(db, emisorId, rfc, nombre, ct);
    }

    private static void Copiar(ClienteInput input, Cliente cliente)
    {
        cliente.Nombre = input.Nombre.Trim();
        cliente.Email = string.IsNullOrWhiteSpace(input.Email) ? null : input.Email.Trim();
        cliente.RegimenFiscal = string.IsNullOrWhiteSpace(input.RegimenFiscal) ? null : input.RegimenFiscal;
        cliente.CodigoPostal = string.IsNullOrWhiteSpace(input.CodigoPostal) ? null : input.CodigoPostal.Trim();
    }

    private static ResultadoCliente Error(string campo, string mensaje) => new(null, new Dictionary<string, string> { [campo] = mensaje });

    [GeneratedRegex(@"^[0-9]{5}\z")]
    internal static partial Regex CodigoPostal();
}
