using System.IO.Compression;
using System.Text.RegularExpressions;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Clientes;
using AccesoDescargas.Features.Representacion;
using AccesoDescargas.Fiscal;
using AccesoDescargas.Fiscal.Sat;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace AccesoDescargas.Features.Comprobantes;

public enum EstadoImportacion { Importado, Duplicado, Rechazado }

/// <summary>One line of the result table: what happened to one file (a loose file or a ZIP entry).</summary>
public sealed record ResultadoArchivo(string Archivo, EstadoImportacion Estado, string Detalle, string? Uuid = null);

/// <summary>A file to import. <paramref name="Tamano"/> is checked before opening when known.</summary>
public sealed record ArchivoEntrante(string Nombre, long? Tamano, Func<CancellationToken, Task<Stream>> AbrirAsync);

public sealed record AvanceImportacion(int Procesados, int Total, string Archivo);

/// <summary>What integrators and the page learn of a comprobante; the API's JSON.</summary>
public sealed record ComprobanteResumen(
    string Uuid, string Version, string Tipo, string? Serie, string? Folio, DateTime Fecha,
    decimal Total, string Moneda, string ReceptorRfc, string? ReceptorNombre);

public sealed record ResultadoImportacion(EstadoImportacion Estado, string Detalle, ComprobanteResumen? Comprobante = null, bool PdfGuardado = false);

/// <summary>
/// The one way comprobantes come in (page upload, ZIP, API, demo data): validate the XML, store the
/// files durably, then commit the row with its cliente, access and audit event in one transaction.
/// A failure before the commit leaves at most unreferenced files that nobody can download.
/// </summary>
public sealed partial class ImportacionService(
    IDbContextFactory<AppDbContext> dbFactory, IFileStore archivos, ClientesService clientes, RepresentacionService representacion,
    IOptions<ComprobantesOptions> options, DataDirectory data, RefrescoSat refrescoSat, ILogger<ImportacionService> logger)
{
    private readonly ComprobantesOptions limites = options.Value;
    private readonly string temporales = data.Combine("tmp", "importacion");

    private sealed record EmisorImportacion(int Id, string Rfc);

    private sealed record Existente(long Id, string? PdfKey, bool PdfGenerado);

    private static readonly ConsultaCompilada<Func<AppDbContext, int, string, Task<Existente?>>> BuscarExistente =
        new(() => EF.CompileAsyncQuery((AppDbContext db, int emisorId, string uuid) => db.Comprobantes
            .Where(c => c.EmisorId == emisorId && c.Uuid == uuid)
            .Select(c => new Existente(c.Id, c.PdfKey, c.PdfGenerado))
            .FirstOrDefault()));

    public const string MensajeErrorAlGuardar = "No se pudo guardar el comprobante por un error del servidor; intente de nuevo.";

    /// <summary>Imports one XML with its optional PDF (the API and the demo data).</summary>
    public async Task<ResultadoImportacion> ImportarAsync(int emisorId, Actor actor, Stream xml, Stream? pdf, CancellationToken ct = default)
    {
        var emisor = await EmisorAsync(emisorId, ct);
        var pdfEntrante = pdf is null ? null : new ArchivoEntrante("pdf", null, _ => Task.FromResult(pdf));
        return await ImportarXmlAsync(emisor, actor, "xml", xml, _ => pdfEntrante, ct);
    }

    /// <summary>
    /// Imports what the user dropped on the page: XMLs, PDFs paired to them by equal base name or by
    /// the UUID in the PDF's name, and ZIPs holding both. Each file gets one result.
    /// </summary>
    public async Task<IReadOnlyList<ResultadoArchivo>> ImportarLoteAsync(
        int emisorId, Actor actor, IReadOnlyList<ArchivoEntrante> entrantes, IProgress<AvanceImportacion>? avance = null, CancellationToken ct = default)
    {
        var emisor = await EmisorAsync(emisorId, ct);
        var lote = new Lote(entrantes.Count, avance);
        var sueltos = new List<ArchivoEntrante>();
        foreach (var archivo in entrantes)
        {
            if (Extension(archivo.Nombre) == ".zip")
                await ImportarZipAsync(emisor, actor, archivo, lote, ct);
            else
                sueltos.Add(archivo);
        }
        await ImportarGrupoAsync(emisor, actor, sueltos, lote, ct);
        return lote.Resultados;
    }

    private sealed class Lote(int total, IProgress<AvanceImportacion>? avance)
    {
        public List<ResultadoArchivo> Resultados { get; } = [];
        public int Total { get; set; } = total;
        private int procesados;

        public void Agregar(ResultadoArchivo resultado)
        {
            Resultados.Add(resultado);
            avance?.Report(new AvanceImportacion(++procesados, Math.Max(Total, procesados), resultado.Archivo));
        }
    }

    private async Task ImportarGrupoAsync(EmisorImportacion emisor, Actor actor, List<ArchivoEntrante> grupo, Lote lote, CancellationToken ct)
    {
        var xmls = new List<ArchivoEntrante>();
        var pdfs = new List<ArchivoEntrante>();
        foreach (var archivo in grupo)
        {
            switch (Extension(archivo.Nombre))
            {
                case ".xml": xmls.Add(archivo); break;
                case ".pdf": pdfs.Add(archivo); break;
                case ".zip": lote.Agregar(new(archivo.Nombre, EstadoImportacion.Rechazado, "No se admiten archivos ZIP dentro de un ZIP.")); break;
                default: lote.Agregar(new(archivo.Nombre, EstadoImportacion.Rechazado, "Tipo de archivo no admitido: sólo se aceptan XML, PDF y ZIP.")); break;
            }
        }

        var usados = new HashSet<ArchivoEntrante>();
        ArchivoEntrante? Emparejar(ArchivoEntrante xml, string uuid)
        {
            var pdf = pdfs.FirstOrDefault(p => !usados.Contains(p) && MismoNombreBase(p.Nombre, xml.Nombre))
                      ?? pdfs.FirstOrDefault(p => !usados.Contains(p) && UuidEnNombre(p.Nombre) == uuid);
            if (pdf is not null) usados.Add(pdf);
            return pdf;
        }

        if (limites.ImportacionLote > 1)
        {
            // While one batch's XMLs are stored and its rows committed, the next is read and validated (and its PDFs stored:
            // they are read from the upload). A batch's files and rows wait for the batch before to end.
            Tanda? anterior = null, actual = null;
            try
            {
                foreach (var xmlsDeTanda in Tandas(xmls))
                {
                    actual = new Tanda(xmlsDeTanda);
                    await PrepararTandaAsync(emisor, actual, Emparejar, ct);
                    if (anterior is not null) await TerminarTandaAsync(emisor, actor, anterior, lote, ct);
                    (anterior, actual) = (actual, null);
                    // On the thread pool: SQLite's provider runs "async" commands synchronously, which would put the commit back in line.
                    var tanda = anterior;
                    anterior.Commit = Task.Run(async () =>
                    {
                        await GuardarXmlsAsync(tanda, ct);
                        return await GuardarFilasAsync(emisor, actor, tanda, ct);
                    }, ct);
                }
                if (anterior is not null) await TerminarTandaAsync(emisor, actor, anterior, lote, ct);
            }
            finally
            {
                if (anterior?.Commit is { } pendiente) await Task.WhenAny(pendiente);
                if (anterior is not null) await anterior.DisposeAsync();
                if (actual is not null) await actual.DisposeAsync();
            }
        }
        else
        {
            foreach (var xml in xmls)
            {
                ArchivoEntrante? pdfUsado = null;
                var resultado = await ImportarEntranteAsync(emisor, actor, xml, uuid => pdfUsado = Emparejar(xml, uuid), ct);
                Agregar(lote, xml, pdfUsado, resultado);
            }
        }

        foreach (var pdf in pdfs.Where(p => !usados.Contains(p)))
            lote.Agregar(await AgregarPdfSueltoAsync(emisor, actor, pdf, ct));
    }

    private static void Agregar(Lote lote, ArchivoEntrante xml, ArchivoEntrante? pdf, ResultadoImportacion resultado)
    {
        lote.Agregar(new(xml.Nombre, resultado.Estado, resultado.Detalle, resultado.Comprobante?.Uuid));
        if (pdf is not null)
            lote.Agregar(ResultadoDelPdf(pdf, xml, resultado));
    }

    /// <summary>Batches of at most <see cref="ComprobantesOptions.ImportacionLote"/> XMLs and about 32 MB, so memory stays flat however large the upload.</summary>
    private IEnumerable<List<ArchivoEntrante>> Tandas(List<ArchivoEntrante> xmls)
    {
        const long bytesPorTanda = 32 * 1024 * 1024;
        var tanda = new List<ArchivoEntrante>();
        long bytes = 0;
        foreach (var xml in xmls)
        {
            var tamano = Math.Min(xml.Tamano ?? 0, limites.XmlTamanoMaximo);
            if (tanda.Count > 0 && (tanda.Count >= limites.ImportacionLote || bytes + tamano > bytesPorTanda))
            {
                yield return tanda;
                (tanda, bytes) = ([], 0);
            }
            tanda.Add(xml);
            bytes += tamano;
        }
        if (tanda.Count > 0) yield return tanda;
    }

    /// <summary>One XML of a batch on its way: its seekable copy, what it says, and what became of it.</summary>
    private sealed class Pieza(ArchivoEntrante xml) : IAsyncDisposable
    {
        public ArchivoEntrante Xml { get; } = xml;
        public Stream? Copia { get; set; }
        public CfdiDocumento? Cfdi { get; set; }
        public ArchivoEntrante? Pdf { get; set; }
        public Existente? Existente { get; set; }
        /// <summary>Its UUID came earlier in the same batch: it is looked at after that one commits.</summary>
        public bool Repetida { get; set; }
        public ArchivoGuardado? XmlGuardado { get; set; }
        public ArchivoGuardado? PdfGuardado { get; set; }
        public ResultadoImportacion? Resultado { get; set; }

        public ValueTask DisposeAsync() => Copia?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    /// <summary>A batch between its preparation and its end: its pieces, and the commit of its new rows once started.</summary>
    private sealed class Tanda(List<ArchivoEntrante> xmls) : IAsyncDisposable
    {
        public List<Pieza> Piezas { get; } = xmls.Select(x => new Pieza(x)).ToList();
        /// <summary>Valid XMLs, in order; of them, <see cref="Nuevas"/> have their files durable and their rows to commit.</summary>
        public List<Pieza> Validas { get; set; } = [];
        public List<Pieza> Nuevas { get; set; } = [];
        /// <summary>The new XMLs whose PDF (if any) is stored, to store and commit; the group their files go to.</summary>
        public List<Pieza> PorGuardar { get; set; } = [];
        public IGrupoDeArchivos? Grupo { get; set; }
        /// <summary>True when the batch's rows committed together; false when they must be tried one by one.</summary>
        public Task<bool>? Commit { get; set; }

        public async ValueTask DisposeAsync()
        {
            foreach (var p in Piezas) await p.DisposeAsync();
        }
    }

    /// <summary>
    /// Group commit, first part: the batch's XMLs are read one at a time (ZIP entries and browser files
    /// cannot be read side by side) into seekable copies, validated one per core, looked up in one query,
    /// and the new ones' PDFs stored. A file refused keeps its reason without holding back the others.
    /// Then <see cref="GuardarXmlsAsync"/> and <see cref="GuardarFilasAsync"/>: rows are committed only
    /// after every file they point to is durable.
    /// </summary>
    private async Task PrepararTandaAsync(EmisorImportacion emisor, Tanda tanda, Func<ArchivoEntrante, string, ArchivoEntrante?> emparejar, CancellationToken ct)
    {
        var piezas = tanda.Piezas;
        var porNucleo = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct };
        foreach (var p in piezas)
            p.Resultado = await CopiarAsync(p, ct);

        await Parallel.ForEachAsync(piezas.Where(p => p.Resultado is null), porNucleo, async (p, c) =>
        {
            try
            {
                p.Cfdi = await CfdiReader.LeerAsync(p.Copia!, emisor.Rfc, limites.XmlTamanoMaximo, c);
            }
            catch (CfdiRechazadoException e)
            {
                p.Resultado = new(EstadoImportacion.Rechazado, e.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Error al importar {Archivo}", p.Xml.Nombre);
                p.Resultado = new(EstadoImportacion.Rechazado, MensajeErrorAlGuardar);
            }
        });

        var validas = piezas.Where(p => p.Resultado is null).ToList();
        var uuids = validas.Select(p => p.Cfdi!.Uuid).Distinct().ToList();
        Dictionary<string, Existente> existentes = [];
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            existentes = await db.Comprobantes.AsNoTracking()
                .Where(c => c.EmisorId == emisor.Id && uuids.Contains(c.Uuid))
                .Select(c => new { c.Uuid, Existente = new Existente(c.Id, c.PdfKey, c.PdfGenerado) })
                .ToDictionaryAsync(x => x.Uuid, x => x.Existente, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Error al buscar los UUID de un lote de {Cantidad} comprobantes", validas.Count);
            validas.ForEach(p => p.Resultado = new(EstadoImportacion.Rechazado, MensajeErrorAlGuardar));
            return;
        }
        var vistos = new HashSet<string>();
        foreach (var p in validas)
        {
            p.Pdf = emparejar(p.Xml, p.Cfdi!.Uuid);
            p.Existente = existentes.GetValueOrDefault(p.Cfdi.Uuid);
            p.Repetida = p.Existente is null && !vistos.Add(p.Cfdi.Uuid);
        }
        tanda.Validas = validas;

        var nuevas = validas.Where(p => p.Existente is null && !p.Repetida).ToList();
        var grupo = archivos.IniciarGrupo();
        // PDFs one at a time for the same reason as the XMLs' copies; a bad PDF holds back only its XML.
        foreach (var p in nuevas.Where(p => p.Pdf is not null))
            p.Resultado = await GuardarPdfDeTandaAsync(p, grupo, ct);
        nuevas.RemoveAll(p => p.Resultado is not null);
        (tanda.Grupo, tanda.PorGuardar) = (grupo, nuevas);
    }

    /// <summary>
    /// Group commit, middle: the batch's XMLs (their copies, not the upload: this runs while the next batch is
    /// read) stored side by side, each synced, and then their folders synced once. Only then are their rows committed.
    /// </summary>
    private async Task GuardarXmlsAsync(Tanda tanda, CancellationToken ct)
    {
        var (grupo, nuevas) = (tanda.Grupo, tanda.PorGuardar);
        if (grupo is null || nuevas.Count == 0) return;
        var paralelo = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, limites.ImportacionParalelismo), CancellationToken = ct };
        await Parallel.ForEachAsync(nuevas, paralelo, async (p, c) =>
        {
            try
            {
                p.Copia!.Position = 0;
                p.XmlGuardado = await grupo.GuardarAsync(p.Copia, "xml", c);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Error al guardar {Archivo}", p.Xml.Nombre);
                p.Resultado = new(EstadoImportacion.Rechazado, MensajeErrorAlGuardar);
            }
        });
        nuevas.RemoveAll(p => p.Resultado is not null);
        if (nuevas.Count == 0) return;
        try
        {
            await grupo.ConfirmarAsync(ct);
            tanda.Nuevas = nuevas;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "No se pudieron asentar en disco los archivos de un lote de {Cantidad} comprobantes", nuevas.Count);
            nuevas.ForEach(p => p.Resultado = new(EstadoImportacion.Rechazado, MensajeErrorAlGuardar));
        }
    }

    /// <summary>
    /// Group commit, second half: all the batch's new rows in one transaction (false, logged, when it fails).
    /// The comprobantes, their relation rows and their audit events are written as multi-row INSERTs
    /// (<see cref="InsercionPorLotes"/>), untracked; SaveChanges is left with what is not new: the stored
    /// invoices whose saldo changes, and the new receptors' clientes and accesses.
    /// </summary>
    private async Task<bool> GuardarFilasAsync(EmisorImportacion emisor, Actor actor, Tanda tanda, CancellationToken ct)
    {
        if (tanda.Nuevas.Count == 0) return true;
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var filas = tanda.Nuevas.Select(p => CrearFila(emisor, p.Cfdi!, p.XmlGuardado!, p.PdfGuardado)).ToList();
            var eventos = tanda.Nuevas.Zip(filas, (p, c) => Evento(emisor, actor, p.Xml.Nombre, c)).ToList();
            // The relation rows and the saldos they change go in the same transaction as the comprobantes.
            await SaldosFiscales.RecalcularAsync(db, emisor.Id, filas.SelectMany(c => SaldosFiscales.Afectados(c).Select(u => (c.ReceptorRfc, u))).ToHashSet(), filas, ct);
            await clientes.AsegurarClientesAsync(db, emisor.Id, filas.DistinctBy(c => c.ReceptorRfc).Select(c => (c.ReceptorRfc, c.ReceptorNombre)).ToList(), ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var transaccion = tx.GetDbTransaction();
            await InsercionPorLotes.InsertarEntidadesAsync(db, filas, c => c.Uuid, transaccion, ct);
            foreach (var c in filas)
            {
                c.Relaciones.ForEach(r => r.ComprobanteId = c.Id);
                c.PagosAplicados.ForEach(p => p.ComprobanteId = c.Id);
            }
            await InsercionPorLotes.InsertarEntidadesAsync(db, filas.SelectMany(c => c.Relaciones).ToList(), transaccion, ct);
            await InsercionPorLotes.InsertarEntidadesAsync(db, filas.SelectMany(c => c.PagosAplicados).ToList(), transaccion, ct);
            await InsercionPorLotes.InsertarEntidadesAsync(db, eventos, transaccion, ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A concurrent import of the same UUIDs or receptors, or one row the database refuses.
            logger.LogWarning(e, "El lote de {Cantidad} comprobantes no se guardó junto; se guardan uno por uno", tanda.Nuevas.Count);
            return false;
        }
    }

    /// <summary>
    /// After the batch's commit: if it failed, each row on its own (so only what is wrong stays out); then
    /// the XMLs that were already there; then every file's result, in the upload's order.
    /// </summary>
    private async Task TerminarTandaAsync(EmisorImportacion emisor, Actor actor, Tanda tanda, Lote lote, CancellationToken ct)
    {
        await using (tanda)
        {
            if (tanda.Commit is { } commit && await commit)
                tanda.Nuevas.ForEach(p => p.Resultado = Importado(Resumen(p.Cfdi!), p.PdfGuardado));
            else
                foreach (var p in tanda.Nuevas)
                    p.Resultado = await ProtegidoAsync(p.Xml.Nombre, () => GuardarUnoAsync(emisor, actor, p.Xml.Nombre, p.Cfdi!, p.XmlGuardado!, p.PdfGuardado, p.Pdf, ct));
            if (tanda.Nuevas.Any(p => p.Resultado!.Estado == EstadoImportacion.Importado))
                Despertar(conPdf: tanda.Nuevas.All(p => p.PdfGuardado is not null));

            // Already there (from before, or earlier in this upload): a PDF that came with it may still be attached.
            foreach (var p in tanda.Validas.Where(p => p.Existente is not null || p.Repetida))
            {
                if (p.Existente is not null)
                {
                    var existente = p.Existente;
                    p.Resultado = await ProtegidoAsync(p.Xml.Nombre, () => DuplicadoAsync(emisor, actor, existente, Resumen(p.Cfdi!), p.Pdf, ct));
                    continue;
                }
                // Its twin earlier in the batch committed (a duplicate) or was refused (then this one may go in).
                p.Copia!.Position = 0;
                p.Resultado = await ProtegidoAsync(p.Xml.Nombre, () => ImportarXmlAsync(emisor, actor, p.Xml.Nombre, p.Copia, _ => p.Pdf, ct));
            }
            foreach (var p in tanda.Piezas)
                Agregar(lote, p.Xml, p.Pdf, p.Resultado!);
        }
    }

    private async Task<ResultadoImportacion?> CopiarAsync(Pieza p, CancellationToken ct)
    {
        if (p.Xml.Tamano > limites.XmlTamanoMaximo)
            return new(EstadoImportacion.Rechazado, limites.MensajeXmlExcede);
        try
        {
            await using var flujo = await p.Xml.AbrirAsync(ct);
            p.Copia = await ArchivoTemporal.CopiarAsync(flujo, limites.XmlTamanoMaximo, temporales, limites.MensajeXmlExcede, ct);
            return null;
        }
        catch (ArchivoRechazadoException e)
        {
            return new(EstadoImportacion.Rechazado, e.Message);
        }
        catch (InvalidDataException)
        {
            return new(EstadoImportacion.Rechazado, "El archivo está dañado dentro del ZIP y no se pudo leer.");
        }
    }

    private async Task<ResultadoImportacion?> GuardarPdfDeTandaAsync(Pieza p, IGrupoDeArchivos grupo, CancellationToken ct)
    {
        try
        {
            p.PdfGuardado = await GuardarPdfAsync(p.Pdf!, ct, grupo);
            return null;
        }
        catch (ArchivoRechazadoException e)
        {
            // The XML is fine but its PDF is not: nothing is imported, so the pair can be fixed and sent again.
            return new(EstadoImportacion.Rechazado, "PDF: " + e.Message, Resumen(p.Cfdi!));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return await ProtegidoAsync(p.Xml.Nombre, () => Task.FromException<ResultadoImportacion>(e));
        }
    }

    /// <summary>One file's failure becomes its result with a reason, never the whole upload's.</summary>
    private async Task<ResultadoImportacion> ProtegidoAsync(string nombre, Func<Task<ResultadoImportacion>> importar)
    {
        try
        {
            return await importar();
        }
        catch (ArchivoRechazadoException e)
        {
            return new(EstadoImportacion.Rechazado, e.Message);
        }
        catch (InvalidDataException)
        {
            return new(EstadoImportacion.Rechazado, "El archivo está dañado dentro del ZIP y no se pudo leer.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One bad file must not end the whole upload; the user sees which one failed.
            logger.LogError(e, "Error al importar {Archivo}", nombre);
            return new(EstadoImportacion.Rechazado, MensajeErrorAlGuardar);
        }
    }

    private static ResultadoArchivo ResultadoDelPdf(ArchivoEntrante pdf, ArchivoEntrante xml, ResultadoImportacion r)
    {
        var uuid = r.Comprobante?.Uuid;
        if (r.PdfGuardado)
            return new(pdf.Nombre, EstadoImportacion.Importado, $"PDF de {NombreCorto(xml.Nombre)}.", uuid);
        if (r.Estado == EstadoImportacion.Duplicado)
            return new(pdf.Nombre, EstadoImportacion.Duplicado, "El comprobante ya tenía su PDF; no se reemplazó.", uuid);
        return new(pdf.Nombre, EstadoImportacion.Rechazado,
            r.Estado == EstadoImportacion.Rechazado && r.Detalle.StartsWith("PDF:", StringComparison.Ordinal)
                ? r.Detalle[4..].Trim()
                : $"Su XML ({NombreCorto(xml.Nombre)}) no se importó.", uuid);
    }

    private async Task<ResultadoImportacion> ImportarEntranteAsync(
        EmisorImportacion emisor, Actor actor, ArchivoEntrante xml, Func<string, ArchivoEntrante?> pdfPara, CancellationToken ct)
    {
        if (xml.Tamano > limites.XmlTamanoMaximo)
            return new(EstadoImportacion.Rechazado, limites.MensajeXmlExcede);
        return await ProtegidoAsync(xml.Nombre, async () =>
        {
            await using var flujo = await xml.AbrirAsync(ct);
            return await ImportarXmlAsync(emisor, actor, xml.Nombre, flujo, pdfPara, ct);
        });
    }

    private async Task<ResultadoImportacion> ImportarXmlAsync(
        EmisorImportacion emisor, Actor actor, string nombre, Stream origen, Func<string, ArchivoEntrante?> pdfPara, CancellationToken ct)
    {
        CfdiDocumento cfdi;
        await using var xml = await ArchivoTemporal.CopiarAsync(origen, limites.XmlTamanoMaximo, temporales,
            limites.MensajeXmlExcede, ct);
        try
        {
            cfdi = await CfdiReader.LeerAsync(xml, emisor.Rfc, limites.XmlTamanoMaximo, ct);
        }
        catch (CfdiRechazadoException e)
        {
            return new(EstadoImportacion.Rechazado, e.Message);
        }

        var resumen = Resumen(cfdi);
        var pdfEntrante = pdfPara(cfdi.Uuid);
        Existente? existente;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            existente = await BuscarExistente.Para(db)(db, emisor.Id, cfdi.Uuid);
        if (existente is not null)
            return await DuplicadoAsync(emisor, actor, existente, resumen, pdfEntrante, ct);

        ArchivoGuardado? pdf = null;
        if (pdfEntrante is not null)
        {
            try
            {
                pdf = await GuardarPdfAsync(pdfEntrante, ct);
            }
            catch (ArchivoRechazadoException e)
            {
                // The XML is fine but its PDF is not: nothing is imported, so the pair can be fixed and sent again.
                return new(EstadoImportacion.Rechazado, "PDF: " + e.Message, resumen);
            }
        }
        xml.Position = 0;
        var guardado = await archivos.GuardarAsync(xml, "xml", ct);
        var r = await GuardarUnoAsync(emisor, actor, nombre, cfdi, guardado, pdf, pdfEntrante, ct);
        if (r.Estado == EstadoImportacion.Importado) Despertar(conPdf: pdf is not null);
        return r;
    }

    private void Despertar(bool conPdf)
    {
        // Without a PDF, the representación impresa is generated in the background, off this request.
        if (!conPdf) representacion.Despertar();
        refrescoSat.Despertar(); // its status at SAT, right after import
    }

    /// <summary>Commits one comprobante whose files are stored; a concurrent import that committed the same UUID first makes it a duplicate.</summary>
    private async Task<ResultadoImportacion> GuardarUnoAsync(EmisorImportacion emisor, Actor actor, string nombre, CfdiDocumento cfdi,
        ArchivoGuardado guardado, ArchivoGuardado? pdf, ArchivoEntrante? pdfEntrante, CancellationToken ct)
    {
        var resumen = Resumen(cfdi);
        for (var intento = 1; ; intento++)
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                var comprobante = AgregarFila(db, emisor, actor, nombre, cfdi, guardado, pdf);
                // The relation rows and the saldos they change go in the same SaveChanges as the comprobante.
                await SaldosFiscales.RecalcularAsync(db, emisor.Id, comprobante.ReceptorRfc, SaldosFiscales.Afectados(comprobante), ct);
                await clientes.AsegurarClienteAsync(db, emisor.Id, comprobante.ReceptorRfc, comprobante.ReceptorNombre, ct);
                await db.SaveChangesAsync(ct);
                return Importado(resumen, pdf);
            }
            catch (DbUpdateException e) when (ErroresBaseDatos.EsViolacionDeUnicidad(e))
            {
                // A concurrent import committed first: either this same UUID (a duplicate after all) or the
                // same new receptor's cliente, which now exists, so one more attempt goes through.
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                var existente = await BuscarExistente.Para(db)(db, emisor.Id, cfdi.Uuid);
                if (existente is not null) return await DuplicadoAsync(emisor, actor, existente, resumen, pdfEntrante, ct);
                if (intento == 2) throw;
            }
        }
    }

    private static ResultadoImportacion Importado(ComprobanteResumen resumen, ArchivoGuardado? pdf) =>
        new(EstadoImportacion.Importado, pdf is null ? "Importado sin PDF." : "Importado con su PDF.", resumen, pdf is not null);

    /// <summary>The comprobante's row with its relation rows and its audit event, added to <paramref name="db"/>; the caller recomputes saldos and saves.</summary>
    private static Comprobante AgregarFila(AppDbContext db, EmisorImportacion emisor, Actor actor, string nombre, CfdiDocumento cfdi, ArchivoGuardado guardado, ArchivoGuardado? pdf)
    {
        var comprobante = CrearFila(emisor, cfdi, guardado, pdf);
        db.Comprobantes.Add(comprobante);
        db.Eventos.Add(Evento(emisor, actor, nombre, comprobante));
        return comprobante;
    }

    private static Evento Evento(EmisorImportacion emisor, Actor actor, string nombre, Comprobante c) =>
        Eventos.Nuevo(emisor.Id, actor.Quien, "comprobante.importado", c.ReceptorRfc, c.Uuid, Acotar(NombreCorto(nombre), 200), actor.Ip);

    /// <summary>The comprobante's row with its relation rows, on no context.</summary>
    private static Comprobante CrearFila(EmisorImportacion emisor, CfdiDocumento cfdi, ArchivoGuardado guardado, ArchivoGuardado? pdf)
    {
        var comprobante = new Comprobante
        {
            EmisorId = emisor.Id,
            Uuid = cfdi.Uuid,
            Version = cfdi.Version,
            Serie = Acotar(cfdi.Serie, 25),
            Folio = Acotar(cfdi.Folio, 40),
            Fecha = cfdi.FechaEmision,
            FechaTimbrado = cfdi.FechaTimbradoEmision,
            Tipo = cfdi.TipoDeComprobante,
            SubTotal = cfdi.SubTotal,
            ImpuestosTrasladados = cfdi.Impuestos?.TotalTrasladados,
            ImpuestosRetenidos = cfdi.Impuestos?.TotalRetenidos,
            Total = cfdi.Total,
            Moneda = Acotar(cfdi.MonedaEfectiva, 3)!,
            ReceptorRfc = cfdi.Receptor.Rfc,
            ReceptorNombre = Acotar(cfdi.Receptor.Nombre, 300),
            UsoCfdi = cfdi.Receptor.UsoCfdi,
            UuidsRelacionados = cfdi.UuidsRelacionados.Count == 0 ? null : string.Join(',', cfdi.UuidsRelacionados),
            XmlKey = guardado.Key, XmlSize = guardado.Size, XmlSha256 = guardado.Sha256,
            PdfKey = pdf?.Key, PdfSize = pdf?.Size, PdfSha256 = pdf?.Sha256,
        };
        SaldosFiscales.LeerRelaciones(comprobante, cfdi);
        return comprobante;
    }

    private async Task<ResultadoImportacion> DuplicadoAsync(
        EmisorImportacion emisor, Actor actor, Existente existente, ComprobanteResumen resumen, ArchivoEntrante? pdfEntrante, CancellationToken ct)
    {
        var yaImportado = $"Ya estaba importado (UUID {resumen.Uuid}).";
        if (pdfEntrante is null || (existente.PdfKey is not null && !existente.PdfGenerado))
            return new(EstadoImportacion.Duplicado, yaImportado, resumen);
        try
        {
            var pdf = await GuardarPdfAsync(pdfEntrante, ct);
            return await AdjuntarPdfAsync(emisor.Id, actor, existente.Id, resumen.Uuid, pdf, ct)
                ? new(EstadoImportacion.Duplicado, yaImportado + " Se agregó su PDF.", resumen, PdfGuardado: true)
                : new(EstadoImportacion.Duplicado, yaImportado, resumen);
        }
        catch (ArchivoRechazadoException e)
        {
            return new(EstadoImportacion.Duplicado, yaImportado + " Su PDF no se agregó: " + e.Message, resumen);
        }
    }

    /// <summary>A PDF without its XML in the same upload: attached when its name carries the UUID of a comprobante already imported.</summary>
    private async Task<ResultadoArchivo> AgregarPdfSueltoAsync(EmisorImportacion emisor, Actor actor, ArchivoEntrante pdfEntrante, CancellationToken ct)
    {
        var uuid = UuidEnNombre(pdfEntrante.Nombre);
        Existente? existente = null;
        if (uuid is not null)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            existente = await BuscarExistente.Para(db)(db, emisor.Id, uuid);
        }
        if (existente is null)
            return new(pdfEntrante.Nombre, EstadoImportacion.Rechazado,
                "No se encontró el XML de este PDF. Súbalo junto con su XML (con el mismo nombre o con el UUID en el nombre del PDF).");
        if (existente.PdfKey is not null && !existente.PdfGenerado)
            return new(pdfEntrante.Nombre, EstadoImportacion.Duplicado, "El comprobante ya tenía su PDF; no se reemplazó.", uuid);
        try
        {
            var pdf = await GuardarPdfAsync(pdfEntrante, ct);
            return await AdjuntarPdfAsync(emisor.Id, actor, existente.Id, uuid!, pdf, ct)
                ? new(pdfEntrante.Nombre, EstadoImportacion.Importado, $"PDF agregado al comprobante {uuid}.", uuid)
                : new(pdfEntrante.Nombre, EstadoImportacion.Duplicado, "El comprobante ya tenía su PDF; no se reemplazó.", uuid);
        }
        catch (ArchivoRechazadoException e)
        {
            return new(pdfEntrante.Nombre, EstadoImportacion.Rechazado, e.Message, uuid);
        }
        catch (InvalidDataException)
        {
            return new(pdfEntrante.Nombre, EstadoImportacion.Rechazado, "El archivo está dañado dentro del ZIP y no se pudo leer.", uuid);
        }
    }

    /// <summary>False when the comprobante got an uploaded PDF meanwhile: the first upload wins.</summary>
    private async Task<bool> AdjuntarPdfAsync(int emisorId, Actor actor, long comprobanteId, string uuid, ArchivoGuardado pdf, CancellationToken ct)
    {
        // Representación owns the rule "an uploaded PDF replaces a generated one, never another uploaded one".
        if (!await representacion.AdjuntarPdfSubidoAsync(emisorId, comprobanteId, pdf, ct)) return false;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        Eventos.Registrar(db, emisorId, actor.Quien, "comprobante.pdf_agregado", uuid: uuid, ip: actor.Ip);
        await db.SaveChangesAsync(ct);
        return true;
    }

    private async Task<ArchivoGuardado> GuardarPdfAsync(ArchivoEntrante pdf, CancellationToken ct, IGrupoDeArchivos? grupo = null)
    {
        var excede = limites.MensajePdfExcede;
        if (pdf.Tamano > limites.PdfTamanoMaximo) throw new ArchivoRechazadoException(excede);
        await using var origen = await pdf.AbrirAsync(ct);
        await using var copia = await ArchivoTemporal.CopiarAsync(origen, limites.PdfTamanoMaximo, temporales, excede, ct);
        if (!await EsPdfAsync(copia, ct))
            throw new ArchivoRechazadoException($"El archivo {NombreCorto(pdf.Nombre)} no es un PDF válido.");
        copia.Position = 0;
        return grupo is null ? await archivos.GuardarAsync(copia, "pdf", ct) : await grupo.GuardarAsync(copia, "pdf", ct);
    }

    // PDF readers accept the "%PDF-" header anywhere in the first 1024 bytes.
    private static async Task<bool> EsPdfAsync(Stream pdf, CancellationToken ct)
    {
        var inicio = new byte[1024];
        var n = await pdf.ReadAtLeastAsync(inicio, inicio.Length, throwOnEndOfStream: false, ct);
        return inicio.AsSpan(0, n).IndexOf("%PDF-"u8) >= 0;
    }

    /// <summary>
    /// The bulk API: a ZIP of XMLs (and their PDFs), each entry with its result. Throws
    /// <see cref="ArchivoRechazadoException"/>, before anything is imported, when the ZIP itself is refused
    /// (not a ZIP, too large, too many entries or bytes, empty). <paramref name="zip"/> is read once, to its end.
    /// </summary>
    public async Task<IReadOnlyList<ResultadoArchivo>> ImportarZipAsync(int emisorId, Actor actor, string nombre, Stream zip, CancellationToken ct = default)
    {
        var emisor = await EmisorAsync(emisorId, ct);
        var lote = new Lote(1, null);
        await ImportarZipAsync(emisor, actor, new ArchivoEntrante(nombre, null, _ => Task.FromResult(zip)), lote, ct, rechazarEntero: true);
        return lote.Resultados;
    }

    private async Task ImportarZipAsync(EmisorImportacion emisor, Actor actor, ArchivoEntrante zip, Lote lote, CancellationToken ct, bool rechazarEntero = false)
    {
        var excede = $"El ZIP excede el tamaño máximo permitido de {ComprobantesOptions.Megas(limites.ZipTamanoMaximo)}.";
        if (zip.Tamano > limites.ZipTamanoMaximo)
        {
            if (rechazarEntero) throw new ArchivoDemasiadoGrandeException(excede);
            lote.Agregar(new(zip.Nombre, EstadoImportacion.Rechazado, excede));
            return;
        }
        Stream? copia = null;
        ZipArchive? archivo = null;
        try
        {
            await using (var origen = await zip.AbrirAsync(ct))
                copia = await ArchivoTemporal.CopiarAsync(origen, limites.ZipTamanoMaximo, temporales, excede, ct);
            archivo = await ZipArchive.CreateAsync(copia, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, ct);
            var entradas = archivo.Entries;
            if (entradas.Count > limites.ZipEntradasMaximas)
                throw new ArchivoRechazadoException($"El ZIP contiene {entradas.Count:N0} archivos; el máximo es {limites.ZipEntradasMaximas:N0}.");
            var expandido = $"El contenido del ZIP excede {ComprobantesOptions.Megas(limites.ZipTamanoExpandidoMaximo)} al descomprimirse.";
            if (entradas.Sum(e => e.Length) > limites.ZipTamanoExpandidoMaximo)
                throw new ArchivoRechazadoException(expandido);

            // Declared sizes can lie: the bytes actually inflated are counted against the same budget.
            var presupuesto = new Presupuesto(limites.ZipTamanoExpandidoMaximo, expandido);
            var grupo = new List<ArchivoEntrante>();
            var rechazadas = new List<ResultadoArchivo>();
            foreach (var entrada in entradas)
            {
                if (entrada.FullName.EndsWith('/') || entrada.FullName.EndsWith('\\')) continue; // a folder
                var nombre = $"{zip.Nombre} › {entrada.FullName}";
                if (!RutaSegura(entrada.FullName))
                {
                    rechazadas.Add(new(nombre, EstadoImportacion.Rechazado, "Ruta no permitida dentro del ZIP (absoluta o con «..»)."));
                    continue;
                }
                var e = entrada;
                grupo.Add(new ArchivoEntrante(nombre, e.Length, async c => new FlujoPresupuestado(await e.OpenAsync(c), presupuesto)));
            }
            if (grupo.Count + rechazadas.Count == 0)
                throw new ArchivoRechazadoException("El ZIP no contiene archivos.");
            // The ZIP counted as one file in the progress; now its entries do instead.
            lote.Total += grupo.Count + rechazadas.Count - 1;
            rechazadas.ForEach(lote.Agregar);
            await ImportarGrupoAsync(emisor, actor, grupo, lote, ct);
        }
        catch (ArchivoRechazadoException e) when (!rechazarEntero)
        {
            lote.Agregar(new(zip.Nombre, EstadoImportacion.Rechazado, e.Message));
        }
        catch (InvalidDataException)
        {
            const string noValido = "El archivo no es un ZIP válido o está dañado.";
            if (rechazarEntero) throw new ArchivoRechazadoException(noValido);
            lote.Agregar(new(zip.Nombre, EstadoImportacion.Rechazado, noValido));
        }
        finally
        {
            if (archivo is not null) await archivo.DisposeAsync();
            if (copia is not null) await copia.DisposeAsync();
        }
    }

    private sealed class Presupuesto(long bytes, string mensaje)
    {
        private long restante = bytes;

        public void Consumir(int n)
        {
            restante -= n;
            if (restante < 0) throw new ArchivoRechazadoException(mensaje);
        }
    }

    private sealed class FlujoPresupuestado(Stream interno, Presupuesto presupuesto) : FlujoDeLectura(interno, cerrarInterno: true)
    {
        protected override void AlLeer(int bytes) => presupuesto.Consumir(bytes);
    }

    private async Task<EmisorImportacion> EmisorAsync(int emisorId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Emisores.Where(e => e.Id == emisorId).Select(e => new EmisorImportacion(e.Id, e.Rfc)).SingleAsync(ct);
    }

    internal static ComprobanteResumen Resumen(CfdiDocumento c) =>
        new(c.Uuid, c.Version, c.TipoDeComprobante, c.Serie, c.Folio, c.FechaEmision, c.Total, c.MonedaEfectiva, c.Receptor.Rfc, c.Receptor.Nombre);

    private static bool RutaSegura(string ruta)
    {
        var r = ruta.Replace('\\', '/');
        return r.Length > 0 && r[0] != '/' && !r.Contains(':') && !r.Split('/').Contains("..");
    }

    private static string Extension(string nombre) => Path.GetExtension(NombreCorto(nombre)).ToLowerInvariant();

    /// <summary>The file's own name, without the ZIP and folders it came in.</summary>
    private static string NombreCorto(string nombre)
    {
        var i = nombre.LastIndexOfAny(['/', '\\', '›']);
        return (i < 0 ? nombre : nombre[(i + 1)..]).Trim();
    }

    private static bool MismoNombreBase(string a, string b) =>
        string.Equals(SinExtension(a), SinExtension(b), StringComparison.OrdinalIgnoreCase);

    private static string SinExtension(string nombre)
    {
        var punto = nombre.LastIndexOf('.');
        return punto < 0 ? nombre : nombre[..punto];
    }

    internal static string? UuidEnNombre(string nombre)
    {
        var m = UuidRegex().Match(NombreCorto(nombre));
        return m.Success ? m.Value.ToUpperInvariant() : null;
    }

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex UuidRegex();

    private static string? Acotar(string? texto, int maximo) => texto is null || texto.Length <= maximo ? texto : texto[..maximo];
}
