using AccesoDescargas.Fiscal;
using System.Globalization;
using System.Text;
using AccesoDescargas.Features.Comprobantes;
using AccesoDescargas.Features.Representacion;
using AccesoDescargas.Infrastructure.Demo;
using AccesoDescargas.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace AccesoDescargas.Tests.Features.Representacion;

/// <summary>The representación impresa inside the running app: the worker, downloads that ask first, uploads that replace it.</summary>
public class GeneracionPdfTests
{
    // A 4×2 RGB PNG.
    static readonly byte[] Logo = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAQAAAACCAIAAADwyuo0AAAAEElEQVR4nGM4oaEBRwzIHAB22gjB9Lr9UAAAAABJRU5ErkJggg==");

    static readonly Dictionary<string, string?> SinGenerador = new() { ["Representacion:EnSegundoPlano"] = "false" };

    static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task El_generador_crea_el_pdf_de_cada_comprobante_de_demostracion()
    {
        await using var app = new AppFactory();
        var archivos = app.Services.GetRequiredService<IFileStore>();

        await EsperarAsync(app, async db => !await db.Comprobantes.AnyAsync(c => c.PdfKey == null, Ct), "que todos los comprobantes tengan PDF");

        await using var db = app.CrearDb();
        var comprobantes = await db.Comprobantes.AsNoTracking().OrderBy(c => c.Id).ToListAsync(Ct);
        Assert.Equal(20, comprobantes.Count);
        Assert.All(comprobantes, c =>
        {
            Assert.True(c.PdfGenerado);
            Assert.Equal(new FileInfo(archivos.RutaFisica(c.PdfKey!)!).Length, c.PdfSize);
            Assert.Equal(64, c.PdfSha256!.Length);
        });
        foreach (var c in comprobantes.Take(3))
        {
            var texto = SinEspacios(Texto(archivos, c.PdfKey!));
            Assert.Contains(c.Uuid, texto);
            Assert.Contains(DemoSeeder.EmisorRfc, texto);
            Assert.Contains(c.ReceptorRfc, texto);
            Assert.Contains("$" + c.Total.ToString("#,##0.00", CultureInfo.InvariantCulture), texto);
            Assert.Contains(SinEspacios(ImporteConLetra.Convertir(c.Total, "MXN")), texto);
        }
    }

    [Fact]
    public async Task Un_pdf_pedido_antes_de_generarse_se_genera_y_se_sirve_con_el_logo_del_emisor()
    {
        await using var app = new AppFactory(SinGenerador);
        var representacion = app.Services.GetRequiredService<RepresentacionService>();
        var archivos = app.Services.GetRequiredService<IFileStore>();
        await using var db = app.CrearDb();
        var logo = await archivos.GuardarAsync(new MemoryStream(Logo), "png", Ct);
        await db.Emisores.ExecuteUpdateAsync(s => s.SetProperty(e => e.LogoKey, logo.Key), Ct);
        var c = await db.Comprobantes.AsNoTracking().OrderBy(x => x.Id).FirstAsync(Ct);
        Assert.Null(c.PdfKey);

        var pdf = await representacion.ObtenerOGenerarPdfAsync(c.EmisorId, c.Id, Ct);

        Assert.NotNull(pdf);
        Assert.True(pdf.Generado);
        var fila = await db.Comprobantes.AsNoTracking().SingleAsync(x => x.Id == c.Id, Ct);
        Assert.Equal(pdf.Key, fila.PdfKey);
        Assert.Equal(pdf.Size, fila.PdfSize);
        Assert.Equal(pdf.Sha256, fila.PdfSha256);
        Assert.True(fila.PdfGenerado);
        using (var documento = PdfDocument.Open(archivos.RutaFisica(pdf.Key)!))
        {
            var pagina = Assert.Single(documento.GetPages());
            Assert.Contains(c.Uuid, pagina.Text);
            Assert.Equal(2, pagina.GetImages().Count()); // the emisor's logo and the QR code
        }

        // Asking again serves the stored file; another emisor's comprobante is not found.
        Assert.Equal(pdf, await representacion.ObtenerOGenerarPdfAsync(c.EmisorId, c.Id, Ct));
        Assert.Null(await representacion.ObtenerOGenerarPdfAsync(c.EmisorId + 1, c.Id, Ct));
        Assert.Null(await representacion.ObtenerOGenerarPdfAsync(c.EmisorId, -1, Ct));
    }

    [Fact]
    public async Task Pedidos_simultaneos_del_mismo_pdf_reciben_el_mismo_archivo()
    {
        await using var app = new AppFactory(SinGenerador);
        var representacion = app.Services.GetRequiredService<RepresentacionService>();
        await using var db = app.CrearDb();
        var c = await db.Comprobantes.AsNoTracking().OrderBy(x => x.Id).FirstAsync(Ct);

        var pdfs = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => representacion.ObtenerOGenerarPdfAsync(c.EmisorId, c.Id, Ct)));

        Assert.Single(pdfs.Distinct());
        Assert.Single(Directory.GetFiles(Path.Combine(app.DataDir, "files"), "*.pdf", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Un_pdf_subido_despues_reemplaza_al_generado()
    {
        await using var app = new AppFactory(SinGenerador);
        var representacion = app.Services.GetRequiredService<RepresentacionService>();
        var archivos = app.Services.GetRequiredService<IFileStore>();
        await using var db = app.CrearDb();
        var c = await db.Comprobantes.AsNoTracking().OrderBy(x => x.Id).FirstAsync(Ct);
        var generado = (await representacion.ObtenerOGenerarPdfAsync(c.EmisorId, c.Id, Ct))!;
        Assert.True(generado.Generado);

        var subido = await archivos.GuardarAsync(new MemoryStream(PdfSubido("Factura del emisor")), "pdf", Ct);
        Assert.True(await representacion.AdjuntarPdfSubidoAsync(c.EmisorId, c.Id, subido, Ct));

        var fila = await db.Comprobantes.AsNoTracking().SingleAsync(x => x.Id == c.Id, Ct);
        Assert.False(fila.PdfGenerado);
        Assert.Equal(subido.Key, fila.PdfKey);
        Assert.NotEqual(generado.Key, fila.PdfKey);
        Assert.Equal(subido.Size, fila.PdfSize);
        Assert.Equal(subido.Sha256, fila.PdfSha256);
        Assert.Null(archivos.Abrir(generado.Key)); // the replaced generated file is gone
        Assert.Equal(new PdfComprobante(subido.Key, subido.Size, subido.Sha256, false), await representacion.ObtenerOGenerarPdfAsync(c.EmisorId, c.Id, Ct));

        // Once uploaded, generation never overwrites it, and it is not replaced by another upload.
        Assert.Equal(subido.Key, (await representacion.GenerarAsync(c.Id, Ct))!.Key);
        var otro = await archivos.GuardarAsync(new MemoryStream(PdfSubido("Otra versión")), "pdf", Ct);
        Assert.False(await representacion.AdjuntarPdfSubidoAsync(c.EmisorId, c.Id, otro, Ct));
    }

    [Fact]
    public async Task Un_pdf_subido_antes_de_generar_gana_y_el_generador_lo_respeta()
    {
        await using var app = new AppFactory(SinGenerador);
        var representacion = app.Services.GetRequiredService<RepresentacionService>();
        var generador = app.Services.GetRequiredService<GeneradorPdf>();
        var archivos = app.Services.GetRequiredService<IFileStore>();
        await using var db = app.CrearDb();
        var c = await db.Comprobantes.AsNoTracking().OrderBy(x => x.Id).FirstAsync(Ct);
        var subido = await archivos.GuardarAsync(new MemoryStream(PdfSubido("Factura del emisor")), "pdf", Ct);
        Assert.True(await representacion.AdjuntarPdfSubidoAsync(c.EmisorId, c.Id, subido, Ct));

        Assert.Equal(19, await generador.GenerarPendientesAsync(Ct));

        var fila = await db.Comprobantes.AsNoTracking().SingleAsync(x => x.Id == c.Id, Ct);
        Assert.Equal(subido.Key, fila.PdfKey);
        Assert.False(fila.PdfGenerado);
        Assert.Equal(19, await db.Comprobantes.CountAsync(x => x.PdfGenerado, Ct));
    }

    [Fact]
    public async Task Un_xml_danado_no_detiene_a_los_demas()
    {
        // No poll within the test: only the importer's wake-up call can get the new comprobantes done.
        await using var app = new AppFactory(new() { ["Representacion:Sondeo"] = "01:00:00" });
        var representacion = app.Services.GetRequiredService<RepresentacionService>();
        await EsperarAsync(app, async db => !await db.Comprobantes.AnyAsync(c => c.PdfKey == null, Ct), "los PDF de demostración");

        var danado = await AgregarComprobanteAsync(app, Encoding.UTF8.GetBytes("<cfdi:Comprobante Version=\"4.0\"><sin cerrar"));
        var bueno = await AgregarComprobanteAsync(app);
        representacion.Despertar();
        await EsperarAsync(app, db => db.Comprobantes.AnyAsync(c => c.Id == bueno && c.PdfKey != null, Ct), "el PDF del comprobante posterior al dañado");

        var otro = await AgregarComprobanteAsync(app);
        representacion.Despertar();
        await EsperarAsync(app, db => db.Comprobantes.AnyAsync(c => c.Id == otro && c.PdfKey != null, Ct), "el PDF del siguiente comprobante");

        await using var db = app.CrearDb();
        Assert.Null((await db.Comprobantes.AsNoTracking().SingleAsync(c => c.Id == danado, Ct)).PdfKey);
        var emisorId = await db.Emisores.Select(e => e.Id).SingleAsync(Ct);
        await Assert.ThrowsAsync<InvalidDataException>(() => representacion.ObtenerOGenerarPdfAsync(emisorId, danado, Ct));
    }

    [Fact]
    public async Task Un_nombre_de_receptor_de_un_millon_de_caracteres_se_acota_y_el_pdf_se_genera()
    {
        await using var app = new AppFactory(SinGenerador, seed: false);
        await using (var db0 = app.CrearDb())
        {
            db0.Emisores.Add(new AccesoDescargas.Features.Emisores.Emisor { Rfc = DemoSeeder.EmisorRfc, RazonSocial = DemoSeeder.EmisorNombre, Slug = "demo" });
            await db0.SaveChangesAsync(Ct);
        }
        var nombre = string.Concat(Enumerable.Repeat("RECEPTOR ", 1_000_000 / 9));
        var xml = Encoding.UTF8.GetBytes(CfdiDeEjemplo.Xml(DemoSeeder.EmisorRfc, DemoSeeder.EmisorNombre, "CAMA911215CJ0", nombre,
            Guid.NewGuid(), new DateTime(2026, 3, 2, 10, 0, 0), [new ConceptoEjemplo(1, "86121700", "Colegiatura", 1000m)]));

        var doc = CfdiReader.LeerDocumento(new MemoryStream(xml));
        Assert.Equal(CfdiReader.LongitudMaxima, doc.Receptor.Nombre!.Length);
        Assert.EndsWith("…", doc.Receptor.Nombre);

        var id = await AgregarComprobanteAsync(app, xml);
        await using var db = app.CrearDb();
        var emisorId = await db.Emisores.Select(e => e.Id).SingleAsync(Ct);
        var pdf = await app.Services.GetRequiredService<RepresentacionService>().ObtenerOGenerarPdfAsync(emisorId, id, Ct);

        var texto = Texto(app.Services.GetRequiredService<IFileStore>(), pdf!.Key);
        Assert.Contains("RECEPTOR RECEPTOR", texto);
        Assert.True(texto.Length < 20_000, $"El PDF tiene {texto.Length} caracteres de texto.");
    }

    [Fact]
    public async Task Un_cfdi_cuyo_pdf_tarda_demasiado_se_detiene_y_los_demas_se_generan()
    {
        await using var app = new AppFactory(new()
        {
            ["Representacion:EnSegundoPlano"] = "false",
            ["Representacion:TiempoMaximo"] = "00:00:00.500",
            ["Representacion:ReintentoBase"] = "00:00:00.010",
        }, seed: false);
        await using (var db0 = app.CrearDb())
        {
            db0.Emisores.Add(new AccesoDescargas.Features.Emisores.Emisor { Rfc = DemoSeeder.EmisorRfc, RazonSocial = DemoSeeder.EmisorNombre, Slug = "demo" });
            await db0.SaveChangesAsync(Ct);
        }
        // Thousands of long conceptos: hundreds of pages, far more than half a second of work.
        var descripcion = string.Concat(Enumerable.Repeat("Servicio de mantenimiento preventivo y correctivo ", 18));
        var conceptos = Enumerable.Range(0, 3500).Select(i => new ConceptoEjemplo(1, "86121700", descripcion + i, 10m)).ToList();
        var lento = await AgregarComprobanteAsync(app, Encoding.UTF8.GetBytes(CfdiDeEjemplo.Xml(DemoSeeder.EmisorRfc, DemoSeeder.EmisorNombre,
            "CAMA911215CJ0", "ANA MARÍA CASTRO MÁRQUEZ", Guid.NewGuid(), new DateTime(2026, 3, 2, 10, 0, 0), conceptos)));
        var bueno = await AgregarComprobanteAsync(app);
        var generador = app.Services.GetRequiredService<GeneradorPdf>();

        // Each pass stops the slow one at the limit and goes on; the small one gets its PDF.
        var pasadas = 0;
        await EsperarAsync(app, async db =>
        {
            pasadas++;
            await generador.GenerarPendientesAsync(Ct);
            return await db.Comprobantes.AnyAsync(c => c.Id == bueno && c.PdfKey != null, Ct);
        }, "el PDF del comprobante que sigue al lento");

        await using var db = app.CrearDb();
        Assert.Null((await db.Comprobantes.AsNoTracking().SingleAsync(c => c.Id == lento, Ct)).PdfKey);
        var emisorId = await db.Emisores.Select(e => e.Id).SingleAsync(Ct);
        var error = await Assert.ThrowsAsync<TimeoutException>(() => app.Services.GetRequiredService<RepresentacionService>().ObtenerOGenerarPdfAsync(emisorId, lento, Ct));
        Assert.Contains("tardó más de 0.5 s", error.Message);
    }

    [Fact]
    [Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // no database
    public void Una_representacion_cancelada_se_detiene()
    {
        var doc = CfdiXml.Leer(CfdiXml.Cfdi40());
        using var cancelado = new CancellationTokenSource();
        cancelado.Cancel();
        FuentesRepresentacion.Registrar(Path.Combine(AppContext.BaseDirectory, "fonts"));

        Assert.ThrowsAny<OperationCanceledException>(() => RepresentacionImpresa.Generar(doc, new MemoryStream(), null, cancelado.Token));
    }

    [Fact]
    [Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // SQLite's planner
    public async Task La_cola_se_lee_del_indice_filtrado_de_comprobantes_sin_pdf()
    {
        await using var app = new AppFactory(SinGenerador, seed: false);
        await using var db = app.CrearDb();
        var sql = GeneradorPdf.Cola(db, 0, 100).ToQueryString();
        var conexion = db.Database.GetDbConnection();
        await conexion.OpenAsync(Ct);
        using var comando = conexion.CreateCommand();
        // ToQueryString declares the parameters with .param; EXPLAIN needs them bound instead.
        comando.CommandText = "EXPLAIN QUERY PLAN " + string.Join('\n', sql.Split('\n').Where(l => !l.StartsWith(".param")));
        foreach (var nombre in System.Text.RegularExpressions.Regex.Matches(sql, @"@\w+").Select(m => m.Value).Distinct())
            comando.Parameters.Add(new Microsoft.Data.Sqlite.SqliteParameter(nombre, 100L));

        var plan = new List<string>();
        await using (var lector = await comando.ExecuteReaderAsync(Ct))
            while (await lector.ReadAsync(Ct)) plan.Add(lector.GetString(3));

        Assert.Contains(plan, p => p.Contains("USING INDEX IX_Comprobantes_SinPdf"));
    }

    static async Task<long> AgregarComprobanteAsync(AppFactory app, byte[]? xml = null)
    {
        var archivos = app.Services.GetRequiredService<IFileStore>();
        await using var db = app.CrearDb();
        var emisorId = await db.Emisores.Select(e => e.Id).SingleAsync(Ct);
        var uuid = Guid.NewGuid();
        xml ??= Encoding.UTF8.GetBytes(CfdiDeEjemplo.Xml(DemoSeeder.EmisorRfc, DemoSeeder.EmisorNombre, "CAMA911215CJ0", "ANA MARÍA CASTRO MÁRQUEZ",
            uuid, new DateTime(2026, 3, 2, 10, 0, 0), [new ConceptoEjemplo(2, "86121700", "Colegiatura", 1000m)]));
        var archivo = await archivos.GuardarAsync(new MemoryStream(xml), "xml", Ct);
        var c = new Comprobante
        {
            EmisorId = emisorId, Uuid = uuid.ToString().ToUpperInvariant(), Version = "4.0", Tipo = "I", Moneda = "MXN",
            Fecha = new DateTime(2026, 3, 2), FechaTimbrado = new DateTime(2026, 3, 2), SubTotal = 2000m, Total = 2320m,
            ReceptorRfc = "CAMA911215CJ0", XmlKey = archivo.Key, XmlSize = archivo.Size, XmlSha256 = archivo.Sha256,
        };
        db.Comprobantes.Add(c);
        await db.SaveChangesAsync(Ct);
        return c.Id;
    }

    static async Task EsperarAsync(AppFactory app, Func<AccesoDescargas.Infrastructure.AppDbContext, Task<bool>> condicion, string que)
    {
        var limite = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await using (var db = app.CrearDb())
                if (await condicion(db)) return;
            if (DateTime.UtcNow > limite) Assert.Fail($"Se agotó el tiempo esperando {que}.");
            await Task.Delay(50, Ct);
        }
    }

    static string Texto(IFileStore archivos, string key)
    {
        using var documento = PdfDocument.Open(archivos.RutaFisica(key)!);
        return string.Concat(documento.GetPages().Select(p => p.Text));
    }

    static string SinEspacios(string texto) => string.Concat(texto.Where(c => !char.IsWhiteSpace(c)));

    /// <summary>Stands in for the PDF an emisor uploads; its content only has to differ from ours.</summary>
    static byte[] PdfSubido(string contenido) => Encoding.ASCII.GetBytes($"%PDF-1.4\n% {contenido}\n%%EOF\n");
}
