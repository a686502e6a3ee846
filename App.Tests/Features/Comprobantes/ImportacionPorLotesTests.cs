using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AccesoDescargas.Fiscal;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Comprobantes;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using AccesoDescargas.Tests.Infrastructure;
using static AccesoDescargas.Tests.Features.Comprobantes.Cfdis;

namespace AccesoDescargas.Tests.Features.Comprobantes;

/// <summary>Group commit: XMLs of an upload stored and committed in batches (here of 3, so a small ZIP crosses several).</summary>
public class ImportacionPorLotesTests
{
    private static readonly Actor Admin = new(AppFactory.AdminEmail, "127.0.0.1");
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private static readonly Dictionary<string, string?> LotesDeTres = new() { ["Comprobantes:ImportacionLote"] = "3", ["Representacion:EnSegundoPlano"] = "false" };

    private static async Task<Dictionary<string, ResultadoArchivo>> ImportarZipAsync(AppFactory app, byte[] zip)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var r = await scope.ServiceProvider.GetRequiredService<ImportacionService>().ImportarLoteAsync(1, Admin, [Archivo("lote.zip", zip)], ct: Ct);
        return r.ToDictionary(x => x.Archivo["lote.zip › ".Length..]);
    }

    private static string Clave(Guid uuid) => uuid.ToString().ToUpperInvariant();

    /// <summary>Every comprobante row of the emisor points to files the store has (XML, and PDF when it has one).</summary>
    private static async Task AfirmarQueCadaFilaTieneSusArchivosAsync(AppFactory app)
    {
        var store = app.Services.GetRequiredService<IFileStore>();
        await using var db = app.CrearDb();
        var filas = await db.Comprobantes.AsNoTracking().Select(c => new { c.Uuid, c.XmlKey, c.PdfKey }).ToListAsync(Ct);
        foreach (var f in filas)
        {
            await using var xml = await store.AbrirAsync(f.XmlKey, ct: Ct);
            Assert.True(xml is not null, $"{f.Uuid}: su XML no está en el almacén");
            if (f.PdfKey is null) continue;
            await using var pdf = await store.AbrirAsync(f.PdfKey, ct: Ct);
            Assert.True(pdf is not null, $"{f.Uuid}: su PDF no está en el almacén");
        }
    }

    [Fact]
    public async Task Un_zip_con_buenos_malos_y_duplicados_importa_los_buenos_nombra_cada_rechazo_y_repetirlo_no_agrega_nada()
    {
        await using var app = new AppFactory(LotesDeTres);
        var buenos = Enumerable.Range(0, 7).Select(_ => Guid.NewGuid()).ToArray();
        var previo = Guid.NewGuid();
        await ImportarZipAsync(app, Zip(("previo.xml", Bytes(Xml(previo)))));
        var sinTimbre = Xml(Guid.NewGuid());
        sinTimbre = sinTimbre[..sinTimbre.IndexOf("  <cfdi:Complemento>", StringComparison.Ordinal)] + "</cfdi:Comprobante>";
        var entradas = new List<(string, byte[])>();
        for (var i = 0; i < buenos.Length; i++)
            entradas.Add(($"F-{i}.xml", Bytes(Xml(buenos[i], $"LOT0{i}0101AA{i}", $"RECEPTOR {i}", folio: i.ToString()))));
        entradas.Insert(2, ("roto.xml", Bytes("<cfdi:Comprobante")));
        entradas.Insert(4, ("otro-emisor.xml", Bytes(Xml(Guid.NewGuid(), emisorRfc: "CSM190311AH6"))));
        entradas.Insert(5, ("sin-timbre.xml", Bytes(sinTimbre)));
        entradas.Add(("ya-estaba.xml", Bytes(Xml(previo))));
        entradas.Insert(10, ("F-6-copia.xml", entradas[9].Item2)); // in the same batch as F-6
        entradas.Add(("F-1-otra-vez.xml", Bytes(Xml(buenos[1], "LOT010101AA1", "RECEPTOR 1", folio: "1"))));
        entradas.Add(("F-5.pdf", Bytes(Pdf)));
        var zip = Zip([.. entradas]);

        var r = await ImportarZipAsync(app, zip);

        Assert.Equal(entradas.Count, r.Count);
        for (var i = 0; i < buenos.Length; i++)
            Assert.Equal((EstadoImportacion.Importado, Clave(buenos[i])), (r[$"F-{i}.xml"].Estado, r[$"F-{i}.xml"].Uuid));
        Assert.Equal("Importado con su PDF.", r["F-5.xml"].Detalle);
        Assert.Equal((EstadoImportacion.Importado, "PDF de F-5.xml."), (r["F-5.pdf"].Estado, r["F-5.pdf"].Detalle));
        Assert.Equal((EstadoImportacion.Rechazado, CfdiReader.MensajeXmlNoValido), (r["roto.xml"].Estado, r["roto.xml"].Detalle));
        Assert.Equal("El RFC del emisor del CFDI (CSM190311AH6) no corresponde al emisor de esta cuenta (EKU9003173C9).", r["otro-emisor.xml"].Detalle);
        Assert.Equal((EstadoImportacion.Rechazado, CfdiReader.MensajeNoTimbrado), (r["sin-timbre.xml"].Estado, r["sin-timbre.xml"].Detalle));
        Assert.Equal((EstadoImportacion.Duplicado, $"Ya estaba importado (UUID {Clave(previo)})."), (r["ya-estaba.xml"].Estado, r["ya-estaba.xml"].Detalle));
        Assert.Equal(EstadoImportacion.Duplicado, r["F-1-otra-vez.xml"].Estado);
        Assert.Equal((EstadoImportacion.Duplicado, $"Ya estaba importado (UUID {Clave(buenos[6])})."), (r["F-6-copia.xml"].Estado, r["F-6-copia.xml"].Detalle));

        await using (var db = app.CrearDb())
        {
            var claves = buenos.Select(Clave).ToList();
            Assert.Equal(7, await db.Comprobantes.CountAsync(c => claves.Contains(c.Uuid), Ct));
            // Each new comprobante has its audit event, and each new receptor its cliente and access, as one by one.
            Assert.Equal(7, await db.Eventos.CountAsync(e => e.Que == "comprobante.importado" && claves.Contains(e.Uuid!), Ct));
            Assert.Equal(7, await db.Clientes.CountAsync(c => c.Rfc.StartsWith("LOT0"), Ct));
            Assert.Equal(7, await db.Accesos.CountAsync(a => a.Rfc.StartsWith("LOT0"), Ct));
            Assert.Equal("RECEPTOR 3", await db.Clientes.Where(c => c.Rfc == "LOT030101AA3").Select(c => c.Nombre).SingleAsync(Ct));
            // Without a PDF of their own, their representación impresa waits in the queue.
            Assert.Equal(6, await db.Comprobantes.CountAsync(c => claves.Contains(c.Uuid) && c.PdfKey == null, Ct));
        }
        await AfirmarQueCadaFilaTieneSusArchivosAsync(app);

        int filas, eventos;
        await using (var db = app.CrearDb())
            (filas, eventos) = (await db.Comprobantes.CountAsync(Ct), await db.Eventos.CountAsync(Ct));
        var otraVez = await ImportarZipAsync(app, zip);

        Assert.DoesNotContain(otraVez.Values, x => x.Estado == EstadoImportacion.Importado);
        Assert.All(buenos.Select((_, i) => otraVez[$"F-{i}.xml"]), x => Assert.Equal(EstadoImportacion.Duplicado, x.Estado));
        Assert.Equal("El comprobante ya tenía su PDF; no se reemplazó.", otraVez["F-5.pdf"].Detalle);
        await using (var db = app.CrearDb())
            Assert.Equal((filas, eventos), (await db.Comprobantes.CountAsync(Ct), await db.Eventos.CountAsync(Ct)));
    }

    [Fact]
    public async Task Un_lote_cuyo_commit_falla_no_deja_filas_sin_archivo_guarda_a_sus_companeros_y_la_siguiente_importacion_completa_lo_que_falta()
    {
        await using var app = new AppFactory(LotesDeTres);
        var uuids = Enumerable.Range(0, 8).Select(_ => Guid.NewGuid()).ToArray();
        var zip = Zip(uuids.Select((u, i) => ($"F-{i}.xml", Bytes(Xml(u, folio: i.ToString())))).ToArray());
        var fallida = Clave(uuids[4]); // the second batch: F-3, F-4, F-5
        // The database refuses that one row, like a full disk would: the batch's insert and the file's own retry both fail.
        await using (var db = app.CrearDb())
            await BaseDePrueba.FallarAlInsertarAsync(db, "Comprobantes", "disco lleno", nameof(Comprobante.Uuid), fallida);

        var r = await ImportarZipAsync(app, zip);

        Assert.Equal((EstadoImportacion.Rechazado, ImportacionService.MensajeErrorAlGuardar), (r["F-4.xml"].Estado, r["F-4.xml"].Detalle));
        Assert.All(r.Where(x => x.Key != "F-4.xml"), x => Assert.Equal(EstadoImportacion.Importado, x.Value.Estado));
        await using (var db = app.CrearDb())
        {
            Assert.False(await db.Comprobantes.AnyAsync(c => c.Uuid == fallida, Ct));
            Assert.False(await db.Eventos.AnyAsync(e => e.Uuid == fallida, Ct));
            // Its batch mates were saved one by one, each with its audit event.
            var companeros = new[] { uuids[3], uuids[5] }.Select(Clave).ToList();
            Assert.Equal(2, await db.Eventos.CountAsync(e => e.Que == "comprobante.importado" && companeros.Contains(e.Uuid!), Ct));
        }
        await AfirmarQueCadaFilaTieneSusArchivosAsync(app);

        await using (var db = app.CrearDb())
            await BaseDePrueba.QuitarFallaAsync(db, "Comprobantes");
        var otraVez = await ImportarZipAsync(app, zip);

        Assert.Equal(EstadoImportacion.Importado, otraVez["F-4.xml"].Estado);
        Assert.All(otraVez.Where(x => x.Key != "F-4.xml"), x => Assert.Equal(EstadoImportacion.Duplicado, x.Value.Estado));
        var claves = uuids.Select(Clave).ToList();
        await using (var db = app.CrearDb())
            Assert.Equal(8, await db.Comprobantes.CountAsync(c => claves.Contains(c.Uuid), Ct));
        await AfirmarQueCadaFilaTieneSusArchivosAsync(app);
    }

    private static HttpClient Cliente(AppFactory app)
    {
        var http = app.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", AppFactory.ApiKey);
        return http;
    }

    private static ByteArrayContent ZipContent(byte[] zip)
    {
        var contenido = new ByteArrayContent(zip);
        contenido.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return contenido;
    }

    [Fact]
    public async Task La_api_importa_un_zip_y_responde_el_resultado_de_cada_archivo()
    {
        await using var app = new AppFactory(LotesDeTres);
        using var http = Cliente(app);
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var zip = Zip(("marzo/A.xml", Bytes(Xml(a, folio: "1"))), ("marzo/A.pdf", Bytes(Pdf)), ("B.xml", Bytes(Xml(b, folio: "2"))),
            ("roto.xml", Bytes("<cfdi:Comprobante")), ("B-otra-vez.xml", Bytes(Xml(b, folio: "2"))), ("C.xml", Bytes(Xml(c, folio: "3"))));

        var respuesta = await http.PostAsync("/api/v1/comprobantes/zip", ZipContent(zip), Ct);

        Assert.Equal(HttpStatusCode.OK, respuesta.StatusCode);
        var json = await respuesta.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal((4, 1, 1), (json.GetProperty("importados").GetInt32(), json.GetProperty("duplicados").GetInt32(), json.GetProperty("rechazados").GetInt32()));
        var archivos = json.GetProperty("archivos").EnumerateArray().ToDictionary(x => x.GetProperty("archivo").GetString()!);
        Assert.Equal(["marzo/A.xml", "marzo/A.pdf", "B.xml", "roto.xml", "B-otra-vez.xml", "C.xml"],
            json.GetProperty("archivos").EnumerateArray().Select(x => x.GetProperty("archivo").GetString()));
        Assert.Equal(("importado", Clave(a)), (archivos["marzo/A.xml"].GetProperty("estado").GetString(), archivos["marzo/A.xml"].GetProperty("uuid").GetString()));
        Assert.Equal("importado", archivos["marzo/A.pdf"].GetProperty("estado").GetString());
        Assert.Equal(("rechazado", CfdiReader.MensajeXmlNoValido), (archivos["roto.xml"].GetProperty("estado").GetString(), archivos["roto.xml"].GetProperty("detalle").GetString()));
        Assert.Equal("duplicado", archivos["B-otra-vez.xml"].GetProperty("estado").GetString());
        await using var db = app.CrearDb();
        var claves = new[] { a, b, c }.Select(Clave).ToList();
        Assert.Equal(3, await db.Comprobantes.CountAsync(x => claves.Contains(x.Uuid), Ct));
        Assert.Equal(3, await db.Eventos.CountAsync(e => e.Que == "comprobante.importado" && e.Quien == "api" && claves.Contains(e.Uuid!), Ct));
    }

    [Fact]
    public async Task La_api_responde_400_problem_json_cuando_el_cuerpo_no_es_un_zip_y_413_cuando_excede_el_limite()
    {
        await using var app = new AppFactory(new() { ["Comprobantes:ZipTamanoMaximo"] = "4096" });
        using var http = Cliente(app);
        await using var db = app.CrearDb();
        var antes = await db.Comprobantes.CountAsync(Ct);

        foreach (var cuerpo in new[] { Bytes("no soy un zip"), [] })
        {
            var r = await http.PostAsync("/api/v1/comprobantes/zip", ZipContent(cuerpo), Ct);
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
            var problema = await r.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.False(string.IsNullOrEmpty(problema.GetProperty("detail").GetString()));
        }
        var cortado = Zip(("a.xml", Bytes(Xml(Guid.NewGuid()))));
        var r400 = await http.PostAsync("/api/v1/comprobantes/zip", ZipContent(cortado[..(cortado.Length / 2)]), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, r400.StatusCode);
        Assert.Equal("El archivo no es un ZIP válido o está dañado.", (await r400.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());

        var grande = Zip(Enumerable.Range(0, 20).Select(i => ($"F-{i}.xml", Bytes(Xml(Guid.NewGuid()) + new string('x', 400 * i)))).ToArray());
        Assert.True(grande.Length > 4096);
        var r413 = await http.PostAsync("/api/v1/comprobantes/zip", ZipContent(grande), Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r413.StatusCode);
        Assert.Equal("application/problem+json", r413.Content.Headers.ContentType?.MediaType);
        Assert.Equal(antes, await db.Comprobantes.CountAsync(Ct));
    }
}
