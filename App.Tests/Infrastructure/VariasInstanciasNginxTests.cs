using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using AccesoDescargas.Infrastructure.Storage;
using AccesoDescargas.Tests.Features.Portal;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using AccesoDescargas.Receptores;

namespace AccesoDescargas.Tests.Infrastructure;

/// <summary>
/// Two app processes on one PostgreSQL database and one S3 bucket behind the shipped nginx.conf (with
/// HTTPS), as deploy/README.md sets them up, shared by the tests of <see cref="VariasInstanciasNginxTests"/>.
/// </summary>
public sealed class InstalacionVariasInstancias : IAsyncLifetime
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ServidorSmtp Smtp { get; private set; } = null!;
    public string BaseDatos { get; private set; } = null!;
    public InstanciaApp[] Instancias { get; } = new InstanciaApp[2];
    public ServidorNginx Nginx { get; private set; } = null!;
    private Dictionary<string, string?> ajustes = null!;

    public async ValueTask InitializeAsync()
    {
        Smtp = await ServidorSmtp.IniciarNuevoAsync();
        BaseDatos = BasePostgres.Crear("varias-instancias-" + Guid.NewGuid().ToString("N"));
        var puertoNginx = InstanciaApp.PuertoLibre();
        ajustes = new(Smtp.Ajustes)
        {
            ["Database:Provider"] = "PostgreSql",
            ["ConnectionStrings:Default"] = BaseDatos,
            ["DataDirectory"] = Directory.CreateTempSubdirectory("accesodescargas-instancias-").FullName,
            ["UrlPublica"] = $"https://127.0.0.1:{puertoNginx}",
            ["Proxy:RedesConfiables"] = "127.0.0.1/32",
            ["Outbox:IntentosMaximos"] = "1000",
            ["Demo:Seed"] = "true",
            ["Demo:AdminEmail"] = AppFactory.AdminEmail,
            ["Demo:AdminPassword"] = AppFactory.AdminPassword,
            ["Demo:ApiKey"] = AppFactory.ApiKey,
            ["Demo:ReceptorRfc"] = AppFactory.ReceptorRfc,
            ["Demo:ReceptorPassword"] = AppFactory.ReceptorPassword,
        };
        foreach (var (k, v) in ServidorS3.Ajustes(ServidorS3.CrearBucket(), ModoDescargas.Transmitir)) ajustes[k] = v;

        // The first one migrates and seeds; the second starts on what it finds, as a rolling deploy would.
        Instancias[0] = await InstanciaApp.IniciarAsync(ajustes, Ct);
        Instancias[1] = await IniciarAsync(null);
        Nginx = await ServidorNginx.IniciarAsync(puertoNginx, Instancias.Select(i => i.Puerto), Ct);
    }

    /// <summary>Starts one more instance (on <paramref name="puerto"/>, to take a dead one's place in nginx's upstream).</summary>
    public Task<InstanciaApp> IniciarAsync(int? puerto) =>
        InstanciaApp.IniciarAsync(new Dictionary<string, string?>(ajustes) { ["Demo:Seed"] = "false" }, Ct, puerto);

    public async Task ReemplazarAsync(int i)
    {
        var puerto = Instancias[i].Puerto;
        await Instancias[i].DisposeAsync();
        Instancias[i] = await IniciarAsync(puerto);
    }

    /// <summary>Emails of the outbox not yet delivered, asked of the shared database.</summary>
    public async Task<long> CorreosPendientesAsync()
    {
        await using var conexion = new Npgsql.NpgsqlConnection(BaseDatos);
        await conexion.OpenAsync();
        await using var comando = new Npgsql.NpgsqlCommand("SELECT count(*) FROM \"Correos\" WHERE \"Estado\" = 0", conexion);
        return (long)(await comando.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Nginx is not null) await Nginx.DisposeAsync();
        foreach (var i in Instancias) if (i is not null) await i.DisposeAsync();
        if (BaseDatos is not null) await BasePostgres.EliminarAsync(BaseDatos);
        if (Smtp is not null) await Smtp.DisposeAsync();
    }
}

/// <summary>Several instances behave as one installation, and one of them can die.</summary>
[Trait("BaseDatos", "SoloSqlite")] // it brings its own PostgreSQL database: once per run is enough
public sealed class VariasInstanciasNginxTests(Navegador navegador, InstalacionVariasInstancias instalacion) : IClassFixture<InstalacionVariasInstancias>
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private InstanciaApp[] Instancias => instalacion.Instancias;

    [Fact]
    public async Task Cincuenta_contrasenas_pedidas_a_las_dos_instancias_llegan_una_sola_vez()
    {
        var rfcs = Enumerable.Range(0, 50).Select(Rfc).ToList();
        await Task.WhenAll(rfcs.Select(async (rfc, i) =>
        {
            using var api = Api(Instancias[i % 2]);
            var respuesta = await api.PostAsJsonAsync("/api/v1/accesos", new { rfc, email = Correo(rfc), enviar = true }, Ct);
            Assert.True(respuesta.StatusCode == HttpStatusCode.Created, $"{rfc}: {(int)respuesta.StatusCode} {await respuesta.Content.ReadAsStringAsync(Ct)}");
        }));

        var destinatarios = rfcs.Select(Correo).ToHashSet();
        await EsperarAsync(async () => await instalacion.CorreosPendientesAsync() == 0
                                       && destinatarios.All(d => instalacion.Smtp.Recibidos.Any(m => m.To.Mailboxes.Any(b => b.Address == d))),
            "que los 50 correos salgan de la bandeja y lleguen");
        var recibidos = instalacion.Smtp.Recibidos.SelectMany(m => m.To.Mailboxes).Select(b => b.Address).Where(destinatarios.Contains).ToList();
        Assert.Equal(50, recibidos.Count);
        Assert.Equal(50, recibidos.Distinct().Count());
    }

    [Fact]
    public async Task Cinco_intentos_fallidos_repartidos_entre_las_dos_instancias_bloquean_el_acceso()
    {
        // An RFC no one else uses in this shared installation (the demo seed gives SORC591116FJ6 an access).
        const string rfc = "BOLQ850312KX6", contrasena = "Bloqueo2026Prueba";
        using (var api = Api(Instancias[0]))
            Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/accesos", new { rfc, password = contrasena }, Ct)).StatusCode);

        for (var i = 0; i < 5; i++)
            Assert.DoesNotContain("/portal/demo", (await IngresarAsync(Instancias[i % 2], rfc, "equivocada")).Headers.Location?.OriginalString ?? "");

        foreach (var instancia in Instancias)
        {
            var respuesta = await IngresarAsync(instancia, rfc, contrasena);
            Assert.NotEqual(HttpStatusCode.Redirect, respuesta.StatusCode);
            Assert.Contains(Portal.MensajeBloqueado, await respuesta.Content.TextoAsync());
        }
    }

    [Fact]
    public async Task A_traves_de_nginx_el_personal_envia_un_acceso_y_el_receptor_descarga_aunque_muera_cada_instancia()
    {
        try
        {
            await EnviarYDescargarAsync();
        }
        catch
        {
            // What each instance logged, for a failure seen only in a whole run (the test's own output is printed with it).
            foreach (var (instancia, i) in Instancias.Select((x, i) => (x, i)))
                Xunit.TestContext.Current.TestOutputHelper?.WriteLine($"--- instancia {i} ({instancia.Url}), últimas líneas:\n{string.Join('\n', instancia.Salida.Split('\n').TakeLast(60))}");
            throw;
        }
    }

    private async Task EnviarYDescargarAsync()
    {
        var page = await navegador.NuevaPaginaAsync(instalacion.Nginx.Url, Navegador.Escritorio, ignorarCertificado: true);
        await Navegador.IniciarSesionEmisorAsync(page);
        await page.GotoAsync("/configuracion/cfdi-comerciales/acceso-descargas");
        await Navegador.EsperarCircuitoAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Crear acceso para Clientes" }).ClickAsync();
        var dialogo = page.GetByRole(AriaRole.Dialog);
        await dialogo.GetByLabel("RFC", new() { Exact = true }).FillAsync("XIQB891116QE4");
        await dialogo.GetByRole(AriaRole.Button, new() { Name = "Generar" }).ClickAsync();
        await dialogo.GetByRole(AriaRole.Button, new() { Name = "Crear acceso" }).ClickAsync();
        await Expect(dialogo).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "XIQB891116QE4" })).ToBeVisibleAsync();

        // A new password for the demo receptor, who has comprobantes to download.
        await page.GetByLabel("Buscar por RFC o nombre").FillAsync(AppFactory.ReceptorRfc);
        var fila = page.GetByRole(AriaRole.Row).Filter(new() { HasText = AppFactory.ReceptorRfc });
        await fila.GetByRole(AriaRole.Button, new() { Name = $"Enviar contraseña a {AppFactory.ReceptorRfc}" }).ClickAsync();
        await dialogo.GetByLabel("Correo electrónico", new() { Exact = true }).FillAsync("carlos@cliente.mx");
        await dialogo.GetByRole(AriaRole.Button, new() { Name = "Enviar contraseña" }).ClickAsync();
        await Expect(dialogo).ToBeHiddenAsync();
        await Expect(fila).ToContainTextAsync("Entregado"); // whichever instance's sender delivered it
        await Navegador.CapturarAsync(page, "13-varias-instancias-acceso-enviado");

        var correo = await instalacion.Smtp.EsperarCorreoAsync(m => m.To.Mailboxes.Any(b => b.Address == "carlos@cliente.mx"));
        Assert.Contains(instalacion.Nginx.Url + $"/portal/demo/ingresar?rfc={AppFactory.ReceptorRfc}", correo.TextBody);
        var contrasena = Regex.Match(correo.TextBody ?? "", @"Contraseña: (\S+)").Groups[1].Value;

        var receptor = await navegador.NuevaPaginaAsync(instalacion.Nginx.Url, Navegador.Escritorio, ignorarCertificado: true);
        await receptor.GotoAsync($"/portal/demo/ingresar?rfc={AppFactory.ReceptorRfc}");
        await receptor.GetByLabel("Contraseña").FillAsync(contrasena);
        await receptor.GetByRole(AriaRole.Button, new() { Name = "Entrar" }).ClickAsync();
        await Expect(receptor).ToHaveURLAsync(new Regex("/portal/demo$"));
        await Navegador.EsperarCircuitoAsync(receptor);
        var nombre = await PrimerComprobanteAsync(receptor);
        var (archivoPdf, pdf) = await DescargarAsync(receptor, $"Descargar PDF de {nombre}");
        var (archivoXml, xml) = await DescargarAsync(receptor, $"Descargar XML de {nombre}");
        var (archivoZip, zip) = await DescargarAsync(receptor, "Descargar todos los del filtro (ZIP)");
        Assert.EndsWith(".pdf", archivoPdf);
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(pdf, 0, 4));
        Assert.EndsWith(".xml", archivoXml);
        Assert.Contains("cfdi:Comprobante", System.Text.Encoding.UTF8.GetString(xml));
        Assert.EndsWith(".zip", archivoZip);
        Assert.Equal(xml, Entrada(zip, archivoXml));
        Assert.Equal(pdf, Entrada(zip, archivoPdf));
        await Navegador.CapturarAsync(receptor, "13-varias-instancias-portal");

        // Each instance dies in turn: nginx sends the same session cookie to the one alive, which reads it
        // (the key ring is in the shared database) and serves the same bytes from the shared bucket.
        for (var i = 0; i < 2; i++)
        {
            await Instancias[i].MatarAsync();
            try
            {
                // nginx first tries the dead instance, then the other one, which answers alone for both now: on a
                // loaded machine (the whole suite running) that can take longer than the usual 20 s.
                await receptor.ReloadAsync(new() { Timeout = 90_000 });
                await Expect(receptor).ToHaveURLAsync(new Regex("/portal/demo$")); // still signed in, not sent to ingresar
                await Navegador.EsperarCircuitoAsync(receptor);
                // The same bound for the downloads: nginx tries the dead instance first for each of them too.
                var (otroXml, otroXmlBytes) = await DescargarAsync(receptor, $"Descargar XML de {nombre}", 90_000);
                var (otroPdf, otroPdfBytes) = await DescargarAsync(receptor, $"Descargar PDF de {nombre}", 90_000);
                Assert.Equal(archivoXml, otroXml);
                Assert.Equal(xml, otroXmlBytes);
                Assert.Equal(archivoPdf, otroPdf);
                Assert.Equal(pdf, otroPdfBytes);
                await Navegador.CapturarAsync(receptor, $"13-varias-instancias-portal-sin-instancia-{i}");
            }
            finally
            {
                await instalacion.ReemplazarAsync(i); // the class's other tests talk to both instances
            }
        }
    }

    private static string Rfc(int i) => $"MUL{i:D2}0101{(char)('A' + i % 26)}{(char)('A' + i / 26)}1";

    private static string Correo(string rfc) => $"{rfc.ToLowerInvariant()}@cliente.mx";

    private static HttpClient Api(InstanciaApp instancia)
    {
        var http = new HttpClient { BaseAddress = new Uri(instancia.Url) };
        http.DefaultRequestHeaders.Add("X-Api-Key", AppFactory.ApiKey);
        return http;
    }

    private static async Task<HttpResponseMessage> IngresarAsync(InstanciaApp instancia, string rfc, string contrasena)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(instancia.Url) };
        var respuesta = await Portal.IngresarAsync(http, rfc, contrasena);
        await respuesta.Content.LoadIntoBufferAsync(Ct);
        return respuesta;
    }

    /// <summary>The name the first row's download buttons carry ("Descargar PDF de A-1001").</summary>
    private static async Task<string> PrimerComprobanteAsync(IPage page)
    {
        var enlace = page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Descargar PDF de ") }).First;
        return (await enlace.GetAttributeAsync("aria-label"))!["Descargar PDF de ".Length..];
    }

    /// <summary>Clicks a download link as the receptor does and returns the saved file.</summary>
    private static async Task<(string Archivo, byte[] Bytes)> DescargarAsync(IPage page, string enlace, float? limiteMs = null)
    {
        // The bound covers finding the link too: after a reload through nginx, the list may render late on a loaded machine.
        var descarga = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = enlace, Exact = true }).ClickAsync(new() { Timeout = limiteMs }),
            new() { Timeout = limiteMs });
        Assert.Null(await descarga.FailureAsync());
        return (descarga.SuggestedFilename, await File.ReadAllBytesAsync((await descarga.PathAsync())!, Ct));
    }

    private static byte[] Entrada(byte[] zip, string nombre)
    {
        using var archivo = new System.IO.Compression.ZipArchive(new MemoryStream(zip));
        var entrada = archivo.GetEntry(nombre) ?? throw new Xunit.Sdk.XunitException($"El ZIP no trae {nombre}: {string.Join(", ", archivo.Entries.Select(e => e.FullName))}");
        using var s = entrada.Open();
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    private static async Task EsperarAsync(Func<Task<bool>> condicion, string que)
    {
        var limite = DateTime.UtcNow.AddSeconds(90);
        while (!await condicion())
        {
            if (DateTime.UtcNow > limite) Assert.Fail($"No se cumplió a tiempo: {que}.");
            await Task.Delay(50, Ct);
        }
    }
}
