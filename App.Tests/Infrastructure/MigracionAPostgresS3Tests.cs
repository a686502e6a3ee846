using System.Net;
using System.Net.Http.Json;
using AccesoDescargas.Features.Representacion;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Migracion;
using AccesoDescargas.Infrastructure.Storage;
using AccesoDescargas.Tests.Features.Portal;
using Amazon.S3.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AccesoDescargas.Tests.Infrastructure;

/// <summary>
/// The move deploy/README.md describes (migrar-datos), with the real parts: an installation that grew
/// on SQLite and the data folder is moved to PostgreSQL and an S3 bucket, survives an interruption, and
/// is then served from there with every download byte for byte the same. A database that already holds
/// another installation is refused.
/// </summary>
[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // it picks both engines itself: once per run is enough
public sealed class MigracionAPostgresS3Tests : IAsyncLifetime
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private readonly string bucket = ServidorS3.CrearBucket();
    private readonly string baseDestino = BasePostgres.Crear("migracion-" + Guid.NewGuid().ToString("N"));

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    private readonly List<string> carpetas = [];

    public async ValueTask DisposeAsync()
    {
        await BasePostgres.EliminarAsync(baseDestino);
        foreach (var c in carpetas)
            try { Directory.Delete(c, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task Lo_movido_de_SQLite_a_PostgreSQL_y_S3_se_sirve_igual_byte_por_byte_aunque_se_interrumpa()
    {
        await using var origen = Origen();
        Assert.Equal(20, await origen.Services.GetRequiredService<GeneradorPdf>().GenerarPendientesAsync(Ct));
        // A receptor signed in before the move: the key ring moves with the rows, so the cookie keeps working.
        var cookiesPortal = await CookiesDeSesionAsync(origen);

        // Interrupted once the comprobantes are in (the tables after them and every file still missing).
        using (var interrupcion = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            var logger = new InterrumpirTrasTabla("Comprobantes", interrupcion);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => MigrarAsync(origen, interrupcion.Token, logger));
        }
        await using (var parcial = ContextoDestino())
            Assert.Equal(20, await parcial.Comprobantes.CountAsync(Ct));
        Assert.Equal(0, await ObjetosEnBucketAsync()); // the files come after every table

        var resumen = await MigrarAsync(origen, Ct);

        Assert.All(resumen.Tablas, t => Assert.Equal(t.Origen, t.Destino));
        Assert.Equal(0, resumen.Tablas.Single(t => t.Tabla == "Comprobantes").Copiadas); // the first run's rows were kept, not copied twice
        Assert.Equal(40, resumen.Archivos); // 20 XML and 20 PDF of the demo
        Assert.Equal(40, await ObjetosEnBucketAsync());

        // What a run interrupted among the files leaves: every row there, a file missing.
        using (var s3 = ServidorS3.Cliente(bucket))
        {
            var objeto = (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }, Ct)).S3Objects[0].Key;
            await s3.DeleteObjectAsync(bucket, objeto, Ct);
        }
        var otra = await MigrarAsync(origen, Ct);
        Assert.Equal(0, otra.Tablas.Sum(t => t.Copiadas));
        Assert.Equal(1, otra.ArchivosCopiados);
        Assert.Equal(40, await ObjetosEnBucketAsync());

        await using (var dbOrigen = origen.CrearDb())
        await using (var dbMovida = ContextoDestino())
        {
            Assert.Equal(await dbOrigen.Comprobantes.CountAsync(Ct), await dbMovida.Comprobantes.CountAsync(Ct));
            Assert.Equal(await dbOrigen.Accesos.CountAsync(Ct), await dbMovida.Accesos.CountAsync(Ct));
            Assert.Equal(await dbOrigen.Clientes.CountAsync(Ct), await dbMovida.Clientes.CountAsync(Ct));
            Assert.Equal(await dbOrigen.Eventos.CountAsync(Ct), await dbMovida.Eventos.CountAsync(Ct));
            Assert.Equal(await dbOrigen.Users.CountAsync(Ct), await dbMovida.Users.CountAsync(Ct));
        }

        // The app started on the destination, as the operator does after the move: its own process.
        await using var movida = await InstanciaApp.IniciarAsync(AjustesDestino(seed: false), Ct);

        // Every comprobante of the emisor (staff downloads), XML and PDF, byte for byte.
        using var antes = await Portal.ClienteEmisorAsync(origen);
        using var despues = await ClienteEmisorAsync(movida); // the same staff user and password hash
        await using (var db = origen.CrearDb())
        {
            var uuids = await db.Comprobantes.Select(c => c.Uuid).ToListAsync(Ct);
            Assert.Equal(20, uuids.Count);
            foreach (var uuid in uuids)
                foreach (var formato in new[] { "xml", "pdf" })
                {
                    var url = $"/comprobantes/{uuid}/{formato}";
                    Assert.Equal(await antes.GetByteArrayAsync(url, Ct), await despues.GetByteArrayAsync(url, Ct));
                }
        }

        // The receptor's session from before the move, and the portal's own download, on the moved installation.
        using var receptor = new HttpClient { BaseAddress = new Uri(movida.Url) };
        receptor.DefaultRequestHeaders.Add("Cookie", cookiesPortal);
        await using (var db = origen.CrearDb())
        {
            var uuid = await db.Comprobantes.Where(c => c.ReceptorRfc == AppFactory.ReceptorRfc).Select(c => c.Uuid).FirstAsync(Ct);
            using var enPortal = await Portal.ClienteConSesionAsync(origen);
            Assert.Equal(await enPortal.GetByteArrayAsync($"/portal/demo/comprobantes/{uuid}/pdf", Ct),
                await receptor.GetByteArrayAsync($"/portal/demo/comprobantes/{uuid}/pdf", Ct));
        }

        // New rows take keys after the copied ones (the sequences were moved past them).
        using var api = new HttpClient { BaseAddress = new Uri(movida.Url) };
        api.DefaultRequestHeaders.Add("X-Api-Key", AppFactory.ApiKey);
        var creado = await api.PostAsJsonAsync("/api/v1/accesos", new { rfc = "BOLQ850312KX6", password = "DespuesDeMover2026" }, Ct);
        Assert.True(creado.StatusCode == HttpStatusCode.Created, $"{(int)creado.StatusCode} {await creado.Content.ReadAsStringAsync(Ct)}");
    }

    [Fact]
    public async Task Una_base_PostgreSQL_con_otra_instalacion_se_rechaza_sin_escribir_nada()
    {
        // Another installation of the same company (e.g. a staging copy) started once on the destination: the
        // same emisor RFC, slug and key as the origin, rows of its own and the key ring it made at its start.
        await using (await InstanciaApp.IniciarAsync(AjustesDestino(seed: true), Ct)) { }
        var antes = await ConteosDestinoAsync();
        var objetosAntes = await ObjetosEnBucketAsync();
        await using var origen = Origen();

        var error = await Assert.ThrowsAsync<MigracionException>(() => MigrarAsync(origen, Ct));

        Assert.Equal(antes, await ConteosDestinoAsync());
        Assert.Equal(objetosAntes, await ObjetosEnBucketAsync());
    }

    /// <summary>What every installation starts as: SQLite and the files in its data folder, the S3 settings already there.</summary>
    private AppFactory Origen()
    {
        var ajustes = Portal.SinGeneradorEnSegundoPlano;
        foreach (var (k, v) in ServidorS3.Ajustes(bucket, ModoDescargas.Transmitir).Where(a => a.Key != "Storage:Provider")) ajustes[k] = v;
        return new AppFactory(ajustes, proveedor: ProveedorBaseDatos.Sqlite, almacen: ProveedorAlmacen.Local);
    }

    /// <summary>An instance on the destination (a process of its own: one engine per process, as in production).</summary>
    private Dictionary<string, string?> AjustesDestino(bool seed)
    {
        var carpeta = Directory.CreateTempSubdirectory("accesodescargas-movida-").FullName;
        carpetas.Add(carpeta);
        var ajustes = new Dictionary<string, string?>(Portal.SinGeneradorEnSegundoPlano)
        {
            ["Database:Provider"] = "PostgreSql",
            ["ConnectionStrings:Default"] = baseDestino,
            ["DataDirectory"] = carpeta,
            ["Demo:Seed"] = seed ? "true" : "false",
            ["Demo:AdminEmail"] = AppFactory.AdminEmail,
            ["Demo:AdminPassword"] = AppFactory.AdminPassword,
            ["Demo:ApiKey"] = AppFactory.ApiKey,
            ["Demo:ReceptorRfc"] = AppFactory.ReceptorRfc,
            ["Demo:ReceptorPassword"] = AppFactory.ReceptorPassword,
        };
        foreach (var (k, v) in ServidorS3.Ajustes(bucket, ModoDescargas.Transmitir)) ajustes[k] = v;
        return ajustes;
    }

    private static async Task<HttpClient> ClienteEmisorAsync(InstanciaApp instancia)
    {
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(instancia.Url) };
        var token = Portal.Token(await http.GetStringAsync("/Account/Login", Ct));
        var respuesta = await http.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = AppFactory.AdminEmail,
            ["Input.Password"] = AppFactory.AdminPassword,
        }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, respuesta.StatusCode);
        return http;
    }

    /// <summary>As the command does it: `migrar-datos --destino-db "…" --destino-almacen s3` with the origin's settings.</summary>
    private async Task<ResumenMigracion> MigrarAsync(AppFactory origen, CancellationToken ct, ILogger? logger = null)
    {
        await using var destino = MigrarDatosComando.ConstruirDestino(origen.Services, MigrarDatosComando.Destino("PostgreSql", baseDestino, "s3"));
        return await MigrarDatosComando.MigrarAsync(origen.Services, destino.Services, logger ?? NullLogger.Instance, ct);
    }

    private AppDbContext ContextoDestino() => new AccesoDescargas.Infrastructure.PostgreSql.PostgresAppDbContext(
        new DbContextOptionsBuilder<AccesoDescargas.Infrastructure.PostgreSql.PostgresAppDbContext>().UseNpgsql(baseDestino).Options);

    private async Task<string> ConteosDestinoAsync()
    {
        await using var db = ContextoDestino();
        return $"emisores {await db.Emisores.CountAsync(Ct)}, accesos {await db.Accesos.CountAsync(Ct)}, comprobantes {await db.Comprobantes.CountAsync(Ct)}, " +
               $"eventos {await db.Eventos.CountAsync(Ct)}, claves {await db.DataProtectionKeys.CountAsync(Ct)}";
    }

    private async Task<int> ObjetosEnBucketAsync()
    {
        using var s3 = ServidorS3.Cliente(bucket);
        var total = 0;
        var pedido = new ListObjectsV2Request { BucketName = bucket };
        ListObjectsV2Response respuesta;
        do
        {
            respuesta = await s3.ListObjectsV2Async(pedido, Ct);
            total += respuesta.S3Objects?.Count ?? 0;
            pedido.ContinuationToken = respuesta.NextContinuationToken;
        } while (respuesta.IsTruncated == true);
        return total;
    }

    private static async Task<string> CookiesDeSesionAsync(AppFactory app)
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        var pagina = await client.GetAsync("/portal/demo/ingresar", Ct);
        var antiforgery = string.Join("; ", pagina.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        using var pedido = new HttpRequestMessage(HttpMethod.Post, "/portal/demo/ingresar")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "ingreso",
                ["__RequestVerificationToken"] = Portal.Token(await pagina.Content.ReadAsStringAsync(Ct)),
                ["Input.Rfc"] = AppFactory.ReceptorRfc,
                ["Input.Contrasena"] = AppFactory.ReceptorPassword,
            }),
        };
        pedido.Headers.Add("Cookie", antiforgery);
        var respuesta = await client.SendAsync(pedido, Ct);
        Assert.Equal(HttpStatusCode.Redirect, respuesta.StatusCode);
        return string.Join("; ", respuesta.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
    }

    /// <summary>Cancels the move as soon as it reports <paramref name="tabla"/> copied, as a Ctrl+C or a lost connection would.</summary>
    private sealed class InterrumpirTrasTabla(string tabla, CancellationTokenSource cts) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (formatter(state, exception).StartsWith($"Tabla {tabla}:", StringComparison.Ordinal)) cts.Cancel();
        }
    }
}
