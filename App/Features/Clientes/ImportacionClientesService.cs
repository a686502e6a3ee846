using System.Diagnostics;
using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Correos;
using AccesoDescargas.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using AccesoDescargas.Fiscal;

namespace AccesoDescargas.Features.Clientes;

/// <summary>What an import does with a cliente that already exists.</summary>
public enum ModoExistentes
{
    /// <summary>Leave it as it is.</summary>
    NoTocar,
    /// <summary>Fill its empty fields from the file; never replace what it has.</summary>
    LlenarVacios,
    /// <summary>Replace its fields with the file's non-empty values (the user chose so).</summary>
    Sobrescribir,
}

public enum AccionFila { Crear, Actualizar, SinCambios, Rechazar }

public sealed record FilaVista(int Fila, string? Rfc, string? Nombre, string? Email, string? RegimenFiscal, string? CodigoPostal, AccionFila Accion, string? Detalle);

public sealed record RechazoFila(int Fila, string Rfc, string Motivo);

public sealed record AvanceImportacion(int Hechas, int Total);

/// <param name="Error">Set when the import stopped midway: what was committed before it stays, and a rerun completes the rest.</param>
public sealed record ResultadoImportacionClientes(
    int Filas, int Creados, int Actualizados, int SinCambios, IReadOnlyList<RechazoFila> Rechazados, IReadOnlyList<FilaVista> Muestra, string? Error = null);

public sealed class ImportacionClientesOptions
{
    /// <summary>Rows per transaction.</summary>
    public int Lote { get; set; } = 2000;
    public long TamanoMaximo { get; set; } = 100 * 1024 * 1024;
    public int FilasMaximas { get; set; } = 500_000;
}

/// <summary>
/// "Importar clientes": streams a CSV or XLSX once to preview it (nothing written) and once more to
/// import it, in batches that are each one transaction. New clientes get their automatic access
/// "sin contraseña" (no password hashing, so 100,000 rows take seconds); existing ones are only
/// filled or overwritten as the user chose, so a rerun of the same file only adds what is missing.
/// </summary>
public sealed class ImportacionClientesService(IDbContextFactory<AppDbContext> dbFactory, IOptions<ImportacionClientesOptions> options,
    ILogger<ImportacionClientesService> logger)
{
    public const int FilasDeMuestra = 10;

    public ImportacionClientesOptions Limites => options.Value;

    public Task<ResultadoImportacionClientes> AnalizarAsync(int emisorId, Stream archivo, ModoExistentes modo, CancellationToken ct = default) =>
        ProcesarAsync(emisorId, archivo, modo, escribir: false, null, null, 0, ct);

    public Task<ResultadoImportacionClientes> ImportarAsync(int emisorId, Stream archivo, ModoExistentes modo, Actor actor,
        IProgress<AvanceImportacion>? progreso = null, int total = 0, string? nombreArchivo = null, CancellationToken ct = default) =>
        ProcesarAsync(emisorId, archivo, modo, escribir: true, actor, progreso, total, ct, nombreArchivo);

    private sealed record Valida(FilaArchivo Fila, string Rfc, string Nombre, string? Email, string? RegimenFiscal, string? CodigoPostal);

    private sealed class Cuenta
    {
        public int Filas, Creados, Actualizados, SinCambios;
        public readonly List<RechazoFila> Rechazados = [];
        public readonly List<FilaVista> Muestra = [];
        // The file's first rows, whatever happens to them: refused ones are known at once, the others when their batch is classified.
        public readonly HashSet<int> FilasMuestra = [];
        public void Ver(FilaArchivo f, AccionFila accion, string? detalle)
        {
            if (FilasMuestra.Contains(f.Fila)) Muestra.Add(new(f.Fila, f.Rfc, f.Nombre, f.Email, f.RegimenFiscal, f.CodigoPostal, accion, detalle));
        }
    }

    private async Task<ResultadoImportacionClientes> ProcesarAsync(int emisorId, Stream archivo, ModoExistentes modo, bool escribir, Actor? actor,
        IProgress<AvanceImportacion>? progreso, int total, CancellationToken ct, string? nombreArchivo = null)
    {
        var reloj = Stopwatch.StartNew();
        var formato = LectorClientes.Detectar(archivo);
        var cuenta = new Cuenta();
        // RFC -> first row it appeared in: the only thing kept per row (about 60 bytes each).
        var vistos = new Dictionary<string, int>(StringComparer.Ordinal);
        var lote = new List<Valida>(options.Value.Lote);
        string? error = null;

        using var filas = LectorClientes.Leer(archivo, formato).GetEnumerator();
        while (true)
        {
            FilaArchivo f;
            try
            {
                if (!filas.MoveNext()) break;
                f = filas.Current;
            }
            catch (Exception e) when (e is not OperationCanceledException and not ArchivoIlegibleException)
            {
                throw new ArchivoIlegibleException($"No se pudo leer el archivo después de la fila {cuenta.Filas + 1:N0}: {e.Message}", e);
            }
            ct.ThrowIfCancellationRequested();
            if (cuenta.FilasMuestra.Count < FilasDeMuestra) cuenta.FilasMuestra.Add(f.Fila);
            if (++cuenta.Filas > options.Value.FilasMaximas)
                throw new ArchivoIlegibleException($"El archivo tiene más de {options.Value.FilasMaximas:N0} filas; divídalo en partes.");

            var (valida, motivo) = Validar(f);
            if (valida is not null && vistos.TryGetValue(valida.Rfc, out var primera))
                motivo = $"Fila duplicada: el RFC {valida.Rfc} ya aparece en la fila {primera:N0}.";
            if (motivo is not null)
            {
                cuenta.Rechazados.Add(new(f.Fila, Rfc.Normalizar(f.Rfc), motivo));
                cuenta.Ver(f, AccionFila.Rechazar, motivo);
                continue;
            }
            vistos[valida!.Rfc] = f.Fila;
            lote.Add(valida);
            if (lote.Count >= options.Value.Lote)
            {
                error = await LoteAsync(emisorId, lote, modo, escribir, cuenta, ct);
                if (error is not null) break;
                progreso?.Report(new(cuenta.Filas, Math.Max(total, cuenta.Filas)));
            }
        }
        if (error is null && lote.Count > 0) error = await LoteAsync(emisorId, lote, modo, escribir, cuenta, ct);
        progreso?.Report(new(cuenta.Filas, Math.Max(total, cuenta.Filas)));

        var resultado = new ResultadoImportacionClientes(cuenta.Filas, cuenta.Creados, cuenta.Actualizados, cuenta.SinCambios, cuenta.Rechazados,
            cuenta.Muestra.OrderBy(m => m.Fila).ToList(), error);
        if (escribir)
        {
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            var detalle = $"{nombreArchivo ?? "archivo"} ({formato.ToString().ToUpperInvariant()}): {cuenta.Filas:N0} filas, {cuenta.Creados:N0} creados, "
                          + $"{cuenta.Actualizados:N0} actualizados, {cuenta.SinCambios:N0} sin cambios, {cuenta.Rechazados.Count:N0} rechazados"
                          + (error is null ? "" : " · detenida: " + error);
            Eventos.Registrar(db, emisorId, actor!.Quien, error is null ? "clientes.importados" : "clientes.importacion_detenida",
                detalle: detalle.Length > 1000 ? detalle[..1000] : detalle, ip: actor.Ip);
            await db.SaveChangesAsync(CancellationToken.None);
            logger.LogInformation("Importación de clientes del emisor {Emisor}: {Filas} filas en {Ms} ms", emisorId, cuenta.Filas, reloj.ElapsedMilliseconds);
        }
        return resultado;
    }

    /// <summary>Classifies (and when writing, saves in one transaction) a batch of valid, distinct rows.</summary>
    private async Task<string?> LoteAsync(int emisorId, List<Valida> lote, ModoExistentes modo, bool escribir, Cuenta cuenta, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rfcs = lote.Select(v => v.Rfc).ToList();
        var clientes = db.Clientes.Where(c => c.EmisorId == emisorId && rfcs.Contains(c.Rfc));
        var existentes = await (escribir ? clientes : clientes.AsNoTracking()).ToDictionaryAsync(c => c.Rfc, StringComparer.Ordinal, ct);
        var conAcceso = escribir
            ? await db.Accesos.Where(a => a.EmisorId == emisorId && rfcs.Contains(a.Rfc)).Select(a => a.Rfc).ToHashSetAsync(StringComparer.Ordinal, ct)
            : [];

        int creados = 0, actualizados = 0, sinCambios = 0;
        var vistas = new List<(FilaArchivo, AccionFila, string?)>();
        foreach (var v in lote)
        {
            if (!existentes.TryGetValue(v.Rfc, out var cliente))
            {
                creados++;
                vistas.Add((v.Fila, AccionFila.Crear, null));
                if (!escribir) continue;
                db.Clientes.Add(new Cliente { EmisorId = emisorId, Rfc = v.Rfc, Nombre = v.Nombre, Email = v.Email, RegimenFiscal = v.RegimenFiscal, CodigoPostal = v.CodigoPostal });
                if (!conAcceso.Contains(v.Rfc)) db.Accesos.Add(AccesoDescarga.Automatico(emisorId, v.Rfc, v.Email));
                continue;
            }
            var cambios = Aplicar(cliente, v, modo);
            if (cambios.Count == 0) { sinCambios++; vistas.Add((v.Fila, AccionFila.SinCambios, null)); }
            else { actualizados++; vistas.Add((v.Fila, AccionFila.Actualizar, string.Join(", ", cambios))); }
        }

        if (escribir)
        {
            try
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException)
            {
                logger.LogWarning(e, "Importación de clientes detenida en las filas {Desde}-{Hasta}", lote[0].Fila.Fila, lote[^1].Fila.Fila);
                var razon = e.InnerException?.Message ?? e.Message;
                return $"No se pudieron guardar las filas {lote[0].Fila.Fila:N0} a {lote[^1].Fila.Fila:N0} ({razon}). "
                       + "Lo importado antes de esas filas quedó guardado; ninguna de esas filas ni las siguientes se guardó. "
                       + "Vuelva a importar el mismo archivo: sólo se agregará lo que falta.";
            }
        }
        cuenta.Creados += creados;
        cuenta.Actualizados += actualizados;
        cuenta.SinCambios += sinCambios;
        foreach (var (f, a, d) in vistas) cuenta.Ver(f, a, d);
        lote.Clear();
        return null;
    }

    /// <summary>Copies the file's values into the cliente as the mode allows; returns the names of the fields that changed.</summary>
    private static List<string> Aplicar(Cliente c, Valida v, ModoExistentes modo)
    {
        var cambios = new List<string>();
        if (modo == ModoExistentes.NoTocar) return cambios;
        void Campo(string nombre, string? actual, string? nuevo, Action<string> asignar)
        {
            if (nuevo is null || string.Equals(actual, nuevo, StringComparison.Ordinal)) return;
            if (modo == ModoExistentes.LlenarVacios && !string.IsNullOrWhiteSpace(actual)) return;
            asignar(nuevo);
            cambios.Add(nombre);
        }
        // The nombre always exists (the RFC stands in for a missing one), so "fill" replaces only that stand-in.
        var nombreVacio = c.Nombre == c.Rfc;
        if (v.Fila.Nombre is not null && (modo == ModoExistentes.Sobrescribir || nombreVacio) && c.Nombre != v.Nombre)
        {
            c.Nombre = v.Nombre;
            cambios.Add("nombre");
        }
        Campo("correo", c.Email, v.Email, x => c.Email = x);
        Campo("régimen fiscal", c.RegimenFiscal, v.RegimenFiscal, x => c.RegimenFiscal = x);
        Campo("código postal", c.CodigoPostal, v.CodigoPostal, x => c.CodigoPostal = x);
        return cambios;
    }

    /// <summary>The row's data ready to save, or the reason it is refused.</summary>
    private static (Valida?, string?) Validar(FilaArchivo f)
    {
        var rfc = Rfc.Validar(f.Rfc, permitirGenerico: true);
        if (!rfc.EsValido) return (null, f.Rfc is null ? "Falta el RFC." : $"RFC no válido: {rfc.Error}");
        if (Rfc.EsGenerico(rfc.Rfc)) return (null, $"RFC genérico ({rfc.Rfc}): no se registra como cliente, lo comparten muchos receptores.");

        var nombre = f.Nombre ?? rfc.Rfc;
        if (nombre.Length > 300) return (null, "El nombre pasa de 300 caracteres.");

        string? email = null;
        if (f.Email is not null)
        {
            var d = DireccionCorreo.Validar(f.Email);
            if (!d.EsValida) return (null, d.Error);
            email = d.Direccion;
        }

        // "601 - General de Ley Personas Morales" as well as "601".
        var regimen = f.RegimenFiscal is null ? null : new string(f.RegimenFiscal.TakeWhile(char.IsAsciiDigit).ToArray()) is { Length: > 0 } clave ? clave : f.RegimenFiscal;
        if (RegimenesFiscales.Validar(regimen, rfc.Tipo) is { } errorRegimen) return (null, errorRegimen);

        if (f.CodigoPostal is not null && !ClientesService.CodigoPostal().IsMatch(f.CodigoPostal))
            return (null, $"El código postal «{f.CodigoPostal}» no es válido: deben ser 5 dígitos.");

        return (new Valida(f, rfc.Rfc, nombre, email, regimen, f.CodigoPostal), null);
    }
}
