using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Clientes;
using AccesoDescargas.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;
using static AccesoDescargas.Tests.Features.Portal.Portal;
using AccesoDescargas.Fiscal;

namespace AccesoDescargas.Tests.Features.Clientes;

public class ImportacionClientesTests
{
    private const int EmisorDemo = 1;
    private static readonly Actor Staff = new(AppFactory.AdminEmail, "10.0.0.5");

    // Headers in another order, without accents and in capitals; every refusal reason once.
    private const string Csv = """
        correo electronico;RFC;NOMBRE;Regimen Fiscal;codigo postal
        berenice@ejemplo.mx;xiqb891116qe4;BERENICE XIMO QUEZADA;612;06600
        ;AAA010101AAA;ABARROTES ACME SA DE CV;601 - General de Ley Personas Morales;
        x@ejemplo.mx;ABC123;MAL RFC;;
        publico@ejemplo.mx;XAXX010101000;PUBLICO EN GENERAL;;
        no-es-correo;GODE561231GR8;EMILIO GOMEZ DIAZ;;
        otra@ejemplo.mx;XIQB891116QE4;BERENICE OTRA VEZ;;
        ;MCI7306249Y1;MATERIALES;;
        raul@ejemplo.mx;SORC591116FJ6;RAUL CAMBIADO;612;11000
        ;HEGJ800101AB1;JUAN HERNANDEZ;999;
        ;MOPE7001019X1;PEDRO MORALES;;1234
        """;

    private static MemoryStream Archivo(string texto, Encoding? codificacion = null) => new((codificacion ?? Encoding.UTF8).GetBytes(texto));

    private static async Task<T> ConScopeAsync<T>(AppFactory app, Func<ImportacionClientesService, Task<T>> accion)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await accion(scope.ServiceProvider.GetRequiredService<ImportacionClientesService>());
    }

    [Fact]
    public async Task La_vista_previa_cuenta_todo_el_archivo_da_el_motivo_de_cada_rechazo_y_no_escribe_nada()
    {
        await using var app = new AppFactory();
        int clientesAntes, accesosAntes;
        await using (var db = app.CrearDb()) (clientesAntes, accesosAntes) = (await db.Clientes.CountAsync(Ct), await db.Accesos.CountAsync(Ct));

        var r = await ConScopeAsync(app, s => s.AnalizarAsync(EmisorDemo, Archivo(Csv), ModoExistentes.LlenarVacios, Ct));

        Assert.Null(r.Error);
        Assert.Equal(10, r.Filas);
        Assert.Equal(2, r.Creados);       // XIQB, AAA
        Assert.Equal(1, r.Actualizados);  // SORC: its empty email is filled; nombre, régimen and CP are kept
        Assert.Equal(1, r.SinCambios);    // MCI
        var motivos = r.Rechazados.ToDictionary(x => x.Fila, x => x.Motivo);
        Assert.Equal([4, 5, 6, 7, 10, 11], motivos.Keys.Order());
        Assert.StartsWith("RFC no válido", motivos[4]);
        Assert.StartsWith("RFC genérico (XAXX010101000)", motivos[5]);
        Assert.Equal("El correo electrónico «no-es-correo» no es válido.", motivos[6]);
        Assert.Equal("Fila duplicada: el RFC XIQB891116QE4 ya aparece en la fila 2.", motivos[7]);
        Assert.Contains("«999» no está en el catálogo", motivos[10]);
        Assert.Contains("«1234» no es válido", motivos[11]);
        Assert.Equal("XIQB891116QE4", r.Rechazados.Single(x => x.Fila == 7).Rfc);
        Assert.Equal(10, r.Muestra.Count);
        Assert.Equal((AccionFila.Actualizar, "correo"), (r.Muestra[7].Accion, r.Muestra[7].Detalle));

        await using var despues = app.CrearDb();
        Assert.Equal((clientesAntes, accesosAntes), (await despues.Clientes.CountAsync(Ct), await despues.Accesos.CountAsync(Ct)));
        Assert.False(await despues.Eventos.AnyAsync(e => e.Que.StartsWith("clientes."), Ct));
    }

    [Fact]
    public async Task Importar_crea_los_clientes_con_su_acceso_sin_contrasena_llena_lo_vacio_registra_el_evento_y_repetir_no_duplica()
    {
        await using var app = new AppFactory();
        var avances = new List<AvanceImportacion>();
        var r = await ConScopeAsync(app, s => s.ImportarAsync(EmisorDemo, Archivo(Csv), ModoExistentes.LlenarVacios, Staff,
            new SincronoProgress(avances), total: 10, nombreArchivo: "clientes.csv", ct: Ct));

        Assert.Equal((2, 1, 1, 6, null), (r.Creados, r.Actualizados, r.SinCambios, r.Rechazados.Count, r.Error));
        Assert.Equal(new AvanceImportacion(10, 10), avances[^1]);
        await using (var db = app.CrearDb())
        {
            var berenice = await db.Clientes.SingleAsync(c => c.Rfc == "XIQB891116QE4", Ct);
            Assert.Equal(("BERENICE XIMO QUEZADA", "berenice@ejemplo.mx", "612", "06600"), (berenice.Nombre, berenice.Email, berenice.RegimenFiscal, berenice.CodigoPostal));
            Assert.Equal("601", (await db.Clientes.SingleAsync(c => c.Rfc == "AAA010101AAA", Ct)).RegimenFiscal);
            var acceso = await db.Accesos.SingleAsync(a => a.Rfc == "XIQB891116QE4", Ct);
            Assert.Equal((OrigenAcceso.Automatico, "berenice@ejemplo.mx", (string?)null), (acceso.Origen, acceso.Email, acceso.PasswordHash));
            var raul = await db.Clientes.SingleAsync(c => c.Rfc == "SORC591116FJ6", Ct);
            Assert.Equal(("RAÚL SOLÍS ORTEGA", "raul@ejemplo.mx", "612", "64000"), (raul.Nombre, raul.Email, raul.RegimenFiscal, raul.CodigoPostal));
            Assert.False(await db.Clientes.AnyAsync(c => c.Rfc == "GODE561231GR8" || c.Rfc == "XAXX010101000", Ct));
            var evento = await db.Eventos.SingleAsync(e => e.Que == "clientes.importados", Ct);
            Assert.Equal(AppFactory.AdminEmail, evento.Quien);
            Assert.Contains("clientes.csv (CSV): 10 filas, 2 creados, 1 actualizados, 1 sin cambios, 6 rechazados", evento.Detalle);
        }

        var otraVez = await ConScopeAsync(app, s => s.ImportarAsync(EmisorDemo, Archivo(Csv), ModoExistentes.LlenarVacios, Staff, ct: Ct));
        Assert.Equal((0, 0, 4), (otraVez.Creados, otraVez.Actualizados, otraVez.SinCambios));
        await using var db2 = app.CrearDb();
        Assert.Equal(1, await db2.Clientes.CountAsync(c => c.Rfc == "XIQB891116QE4", Ct));
    }

    [Fact]
    public async Task Un_cliente_existente_no_se_toca_se_completa_o_se_sobrescribe_segun_lo_elegido()
    {
        await using var app = new AppFactory();
        await using (var db = app.CrearDb())
            await db.Clientes.Where(c => c.Rfc == "CAMA911215CJ0").ExecuteUpdateAsync(s => s.SetProperty(c => c.CodigoPostal, (string?)null), Ct);
        const string archivo = "RFC,Nombre,Correo,Código postal\nCAMA911215CJ0,ANA NUEVA,ana.nueva@ejemplo.mx,01000\n";
        async Task<(string Nombre, string? Email, string? Cp)> LeerAsync()
        {
            await using var db = app.CrearDb();
            var c = await db.Clientes.AsNoTracking().SingleAsync(x => x.Rfc == "CAMA911215CJ0", Ct);
            return (c.Nombre, c.Email, c.CodigoPostal);
        }

        var nada = await ConScopeAsync(app, s => s.ImportarAsync(EmisorDemo, Archivo(archivo), ModoExistentes.NoTocar, Staff, ct: Ct));
        Assert.Equal((0, 1), (nada.Actualizados, nada.SinCambios));
        Assert.Equal(("ANA MARÍA CASTRO MÁRQUEZ", "ana.castro@ejemplo.mx", (string?)null), await LeerAsync());

        var llenar = await ConScopeAsync(app, s => s.ImportarAsync(EmisorDemo, Archivo(archivo), ModoExistentes.LlenarVacios, Staff, ct: Ct));
        Assert.Equal(1, llenar.Actualizados);
        Assert.Equal(("ANA MARÍA CASTRO MÁRQUEZ", "ana.castro@ejemplo.mx", "01000"), await LeerAsync());

        var sobrescribir = await ConScopeAsync(app, s => s.ImportarAsync(EmisorDemo, Archivo(archivo), ModoExistentes.Sobrescribir, Staff, ct: Ct));
        Assert.Equal(1, sobrescribir.Actualizados);
        Assert.Equal(("ANA NUEVA", "ana.nueva@ejemplo.mx", "01000"), await LeerAsync());
    }

    [Fact]
    public async Task Un_xlsx_y_un_csv_de_Excel_en_Windows_1252_se_leen_igual()
    {
        await using var app = new AppFactory();
        var libro = new MemoryStream();
        libro.SaveAs(new[]
        {
            new Dictionary<string, object?> { ["Código Postal"] = 6600, ["Razón social"] = "BERENICE XIMO QUEZADA", ["R.F.C."] = "XIQB891116QE4", ["Régimen fiscal"] = 612, ["Correo electrónico"] = "berenice@ejemplo.mx" },
            new Dictionary<string, object?> { ["Código Postal"] = null, ["Razón social"] = "PÚBLICO", ["R.F.C."] = "XEXX010101000", ["Régimen fiscal"] = null, ["Correo electrónico"] = null },
        }, excelType: ExcelType.XLSX);
        libro.Position = 0;

        var r = await ConScopeAsync(app, s => s.ImportarAsync(EmisorDemo, libro, ModoExistentes.LlenarVacios, Staff, ct: Ct));
        Assert.Equal((2, 1, 1), (r.Filas, r.Creados, r.Rechazados.Count));
        Assert.Equal(3, r.Rechazados[0].Fila);
        await using (var db = app.CrearDb())
        {
            var c = await db.Clientes.SingleAsync(x => x.Rfc == "XIQB891116QE4", Ct);
            Assert.Equal(("612", "06600", "berenice@ejemplo.mx"), (c.RegimenFiscal, c.CodigoPostal, c.Email)); // Excel's numbers back as text
        }

        var latin1 = Archivo("RFC,Razón social\r\nAAA010101AAA,ABARROTES MUÑOZ\r\n", Encoding.Latin1);
        var r2 = await ConScopeAsync(app, s => s.ImportarAsync(EmisorDemo, latin1, ModoExistentes.LlenarVacios, Staff, ct: Ct));
        Assert.Equal(1, r2.Creados);
        await using var db2 = app.CrearDb();
        Assert.Equal("ABARROTES MUÑOZ", (await db2.Clientes.SingleAsync(x => x.Rfc == "AAA010101AAA", Ct)).Nombre);
    }

    [Fact]
    public async Task Un_archivo_sin_columna_RFC_o_que_no_es_hoja_de_calculo_se_rechaza_entero()
    {
        await using var app = new AppFactory();
        var sinRfc = await Assert.ThrowsAsync<ArchivoIlegibleException>(() => ConScopeAsync(app, s => s.AnalizarAsync(EmisorDemo, Archivo("Nombre,Correo\nANA,a@b.mx\n"), ModoExistentes.LlenarVacios, Ct)));
        Assert.Contains("No se encontró la columna RFC", sinRfc.Message);
        var zipRoto = new MemoryStream([.. "PK\x03\x04"u8, .. new byte[200]]);
        var roto = await Assert.ThrowsAsync<ArchivoIlegibleException>(() => ConScopeAsync(app, s => s.AnalizarAsync(EmisorDemo, zipRoto, ModoExistentes.LlenarVacios, Ct)));
        Assert.Contains(".xlsx", roto.Message);
    }

    /// <summary>Fails the save of any batch that holds a cliente with the given RFC, once armed.</summary>
    private sealed class FallaAlGuardar : SaveChangesInterceptor
    {
        public string? Rfc { get; set; }

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData e, InterceptionResult<int> result, CancellationToken ct = default)
        {
            if (Rfc is not null && e.Context!.ChangeTracker.Entries<Cliente>().Any(c => c.State == EntityState.Added && c.Entity.Rfc == Rfc))
                throw new DbUpdateException("disco lleno (simulado)");
            return base.SavingChangesAsync(e, result, ct);
        }
    }

    [Fact]
    public async Task Una_falla_a_mitad_deja_los_lotes_anteriores_completos_un_mensaje_claro_y_repetir_completa_lo_que_falta()
    {
        var falla = new FallaAlGuardar();
        await using var app = new AppFactory(new() { ["Clientes:Importacion:Lote"] = "2" })
        {
            Servicios = s => s.ConfigureDbContext<AppDbContext>(o => o.AddInterceptors(falla), ServiceLifetime.Singleton),
        };
        var filas = new StringBuilder("RFC,Nombre\n");
        string[] rfcs = ["AAA010101AAA", "BBB010101BB1", "CCC010101CC2", "DDD010101DD3", "EEE010101EE4"];
        foreach (var rfc in rfcs) filas.Append(rfc).Append(",EMPRESA ").Append(rfc[..3]).Append('\n');
        falla.Rfc = "DDD010101DD3"; // in the second batch (rows 4-5)

        var r = await ConScopeAsync(app, s => s.ImportarAsync(EmisorDemo, Archivo(filas.ToString()), ModoExistentes.LlenarVacios, Staff, ct: Ct));

        Assert.NotNull(r.Error);
        Assert.Contains("No se pudieron guardar las filas 4 a 5 (disco lleno (simulado))", r.Error);
        Assert.Contains("Vuelva a importar el mismo archivo", r.Error);
        Assert.Equal(2, r.Creados);
        await using (var db = app.CrearDb())
        {
            var guardados = await db.Clientes.Where(c => rfcs.Contains(c.Rfc)).Select(c => c.Rfc).ToListAsync(Ct);
            Assert.Equal(["AAA010101AAA", "BBB010101BB1"], guardados.Order());
            Assert.Equal(2, await db.Accesos.CountAsync(a => rfcs.Contains(a.Rfc), Ct)); // each cliente with its access, or neither
            Assert.True(await db.Eventos.AnyAsync(e => e.Que == "clientes.importacion_detenida", Ct));
        }

        falla.Rfc = null;
        var otraVez = await ConScopeAsync(app, s => s.ImportarAsync(EmisorDemo, Archivo(filas.ToString()), ModoExistentes.LlenarVacios, Staff, ct: Ct));
        Assert.Equal((3, 2, null), (otraVez.Creados, otraVez.SinCambios, otraVez.Error));
        await using var db2 = app.CrearDb();
        Assert.Equal(5, await db2.Clientes.CountAsync(c => rfcs.Contains(c.Rfc), Ct));
        Assert.Equal(5, await db2.Accesos.CountAsync(a => rfcs.Contains(a.Rfc), Ct));
    }

    private sealed record RechazoJson(int Fila, string Rfc, string Motivo);
    private sealed record RespuestaJson(int Creados, int Actualizados, int SinCambios, List<RechazoJson> Rechazados);

    private static HttpClient Api(AppFactory app)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", AppFactory.ApiKey);
        return client;
    }

    [Fact]
    public async Task La_API_importa_CSV_y_XLSX_y_responde_400_problem_json_si_no_puede_leer_el_archivo()
    {
        await using var app = new AppFactory();
        var client = Api(app);

        var csv = new StringContent(Csv, Encoding.UTF8, "text/csv");
        var r = await client.PostAsync("/api/v1/clientes/importar?actualizar=true", csv, Ct);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var cuerpo = (await r.Content.ReadFromJsonAsync<RespuestaJson>(Ct))!;
        Assert.Equal((2, 1, 1, 6), (cuerpo.Creados, cuerpo.Actualizados, cuerpo.SinCambios, cuerpo.Rechazados.Count));
        Assert.Contains(cuerpo.Rechazados, x => x is { Fila: 5, Rfc: "XAXX010101000" } && x.Motivo.StartsWith("RFC genérico"));
        var json = await r.Content.ReadAsStringAsync(Ct);
        Assert.Contains("\"rechazados\":[{\"fila\":4,\"rfc\":\"ABC123\",\"motivo\":", json);

        // Without ?actualizar existing clientes are left alone.
        await using (var db = app.CrearDb())
            await db.Clientes.Where(c => c.Rfc == "MCI7306249Y1").ExecuteUpdateAsync(s => s.SetProperty(c => c.CodigoPostal, (string?)null), Ct);
        var sinActualizar = await client.PostAsync("/api/v1/clientes/importar", new StringContent("RFC,CP\nMCI7306249Y1,01000\n", Encoding.UTF8, "text/csv"), Ct);
        Assert.Equal(1, (await sinActualizar.Content.ReadFromJsonAsync<RespuestaJson>(Ct))!.SinCambios);

        var libro = new MemoryStream();
        libro.SaveAs(new[] { new Dictionary<string, object?> { ["RFC"] = "GODE561231GR8", ["Nombre"] = "EMILIO GÓMEZ DÍAZ" } }, excelType: ExcelType.XLSX);
        var xlsx = new ByteArrayContent(libro.ToArray());
        xlsx.Headers.ContentType = new MediaTypeHeaderValue(LectorClientes.ContentTypeXlsx);
        var rx = await client.PostAsync("/api/v1/clientes/importar", xlsx, Ct);
        Assert.Equal(HttpStatusCode.OK, rx.StatusCode);
        Assert.Equal(1, (await rx.Content.ReadFromJsonAsync<RespuestaJson>(Ct))!.Creados);

        foreach (var (contenido, detalle) in new (HttpContent, string)[]
        {
            (new StringContent("Nombre\nANA\n", Encoding.UTF8, "text/csv"), "No se encontró la columna RFC"),
            (new StringContent("{}", Encoding.UTF8, "application/json"), "Content-Type text/csv"),
            (new ByteArrayContent("PK\x03\x04basura"u8.ToArray()) { Headers = { ContentType = new(LectorClientes.ContentTypeXlsx) } }, ".xlsx"),
        })
        {
            var malo = await client.PostAsync("/api/v1/clientes/importar", contenido, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, malo.StatusCode);
            Assert.Equal("application/problem+json", malo.Content.Headers.ContentType!.MediaType);
            Assert.Contains(detalle, (await malo.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>(Ct))!.Detail);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PostAsync("/api/v1/clientes/importar", new StringContent(Csv, Encoding.UTF8, "text/csv"), Ct)).StatusCode);
    }

    [Fact]
    public async Task La_plantilla_y_las_filas_rechazadas_se_descargan_y_las_de_otro_emisor_no()
    {
        await using var app = new AppFactory();
        var staff = await ClienteEmisorAsync(app);
        var plantilla = await staff.GetStringAsync("/clientes/importar/plantilla.csv", Ct);
        Assert.Equal("RFC,Nombre,Correo electrónico,Régimen fiscal,Código postal", plantilla.Trim('\uFEFF').Trim());
        var xlsx = await staff.GetByteArrayAsync("/clientes/importar/plantilla.xlsx", Ct);
        var encabezados = ((IDictionary<string, object?>)new MemoryStream(xlsx).Query(excelType: ExcelType.XLSX).First()).Values;
        Assert.Equal(["RFC", "Nombre", "Correo electrónico", "Régimen fiscal", "Código postal"], encabezados);

        var rechazos = app.Services.GetRequiredService<RechazosImportacion>();
        var id = rechazos.Guardar(EmisorDemo, [new RechazoFila(4, "=ABC123", "RFC no válido, \"corto\"")]);
        var csv = await staff.GetStringAsync($"/clientes/importar/rechazados/{id}", Ct);
        Assert.Equal("Fila,RFC,Motivo\r\n4,\"'=ABC123\",\"RFC no válido, \"\"corto\"\"\"\r\n", csv.TrimStart('\uFEFF'));
        var ajeno = rechazos.Guardar(EmisorDemo + 1, [new RechazoFila(2, "X", "y")]);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync($"/clientes/importar/rechazados/{ajeno}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await Cliente(app).GetAsync("/clientes/importar/plantilla.csv", Ct)).StatusCode);
    }

    private sealed class SincronoProgress(List<AvanceImportacion> avances) : IProgress<AvanceImportacion>
    {
        public void Report(AvanceImportacion value) => avances.Add(value);
    }
}
