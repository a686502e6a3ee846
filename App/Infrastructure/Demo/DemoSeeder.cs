using System.Text;
using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Features.ApiKeys;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Clientes;
using AccesoDescargas.Features.Comprobantes;
using AccesoDescargas.Features.Emisores;
using AccesoDescargas.Infrastructure.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using AccesoDescargas.Fiscal;
using AccesoDescargas.Contrasenas;

namespace AccesoDescargas.Infrastructure.Demo;

public sealed class DemoOptions
{
    public bool Seed { get; set; }
    public string AdminEmail { get; set; } = "admin@demo.mx";
    public string AdminPassword { get; set; } = "";
    public string? ApiKey { get; set; }
    public string ReceptorRfc { get; set; } = "COSC8001137NA";
    public string ReceptorPassword { get; set; } = "";
}

public static class DemoSeeder
{
    public const string EmisorRfc = "EKU9003173C9";
    public const string EmisorNombre = "ESCUELA KEMPER URGATE SA DE CV";
    public const string Slug = "demo";

    private static readonly (string Rfc, string Nombre, string Email)[] Clientes =
    [
        ("COSC8001137NA", "CARLOS CORTÉS SOTO", "carlos.cortes@ejemplo.mx"),
        ("MCI7306249Y1", "MATERIALES Y CONSTRUCCIONES DEL ISTMO SA DE CV", "compras@mci.ejemplo.mx"),
        ("CAMA911215CJ0", "ANA MARÍA CASTRO MÁRQUEZ", "ana.castro@ejemplo.mx"),
        ("SORC591116FJ6", "RAÚL SOLÍS ORTEGA", null!),
        ("DIM8701081LA", "DISTRIBUIDORA INDUSTRIAL DE MONTERREY SA DE CV", "facturas@dim.ejemplo.mx"),
    ];

    public static WebApplicationBuilder AddDemo(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<DemoOptions>(builder.Configuration.GetSection("Demo"));
        return builder;
    }

    public static async Task SeedDemoAsync(this WebApplication app)
    {
        var options = app.Configuration.GetSection("Demo").Get<DemoOptions>() ?? new();
        if (!options.Seed) return;
        // Demo data (known passwords, an API key in the README) never reaches a real installation.
        if (!app.Environment.IsDevelopment() && !app.Environment.IsEnvironment("Testing"))
        {
            app.Logger.LogWarning("Demo:Seed se ignora fuera de Development: no se crean datos de demostración en {Entorno}.", app.Environment.EnvironmentName);
            return;
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            if (!await db.Emisores.AnyAsync())
                await SembrarAsync(scope.ServiceProvider, db, options);
            else
                await AsegurarApiKeyDemoAsync(db, options);
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
            if (url is null) return; // in-memory test server: nobody to tell
            Console.WriteLine($"""

                AccesoDescargas con datos de demostración (Demo:Seed):
                  Personal del emisor:  {url}/Account/Login   usuario {options.AdminEmail}  contraseña {options.AdminPassword}
                  Portal de descargas:  {url}/portal/{Slug}/ingresar?rfc={options.ReceptorRfc}   RFC {options.ReceptorRfc}  contraseña {options.ReceptorPassword}

                """);
        });
    }

    /// <summary>
    /// The demo emisor accepts Demo:ApiKey as one of its keys, also in a data folder seeded before the key
    /// was configured. A key revoked on the page stays revoked: its row exists.
    /// </summary>
    private static async Task AsegurarApiKeyDemoAsync(AppDbContext db, DemoOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ApiKey)) return;
        var emisorId = await db.Emisores.Where(e => e.Slug == Slug).Select(e => (int?)e.Id).SingleOrDefaultAsync();
        var hash = ApiKeysService.Hash(options.ApiKey);
        if (emisorId is null || await db.ApiKeys.AnyAsync(k => k.Hash == hash)) return;
        db.ApiKeys.Add(ApiKeysService.Demo(emisorId.Value, options.ApiKey));
        await db.SaveChangesAsync();
    }

    private static async Task SembrarAsync(IServiceProvider services, AppDbContext db, DemoOptions options)
    {
        var hasher = services.GetRequiredService<ContrasenaHasher>();
        var users = services.GetRequiredService<UserManager<Usuario>>();

        // Verified with SAT's public test CSD of EKU9003173C9 (certificate 30001000000400002434).
        var emisor = new Emisor
        {
            Rfc = EmisorRfc, RazonSocial = EmisorNombre, RegimenFiscal = "601", CodigoPostal = "42501", Slug = Slug,
            VerificadoEn = DateTime.UtcNow, CsdNoCertificado = "30001000000400002434",
            CsdVigenteDesde = new DateTime(2019, 6, 17, 19, 44, 14, DateTimeKind.Utc), CsdVigenteHasta = new DateTime(2023, 6, 17, 19, 44, 14, DateTimeKind.Utc),
        };
        db.Emisores.Add(emisor);
        await db.SaveChangesAsync();

        var admin = new Usuario { UserName = options.AdminEmail, Email = options.AdminEmail, EmailConfirmed = true, EmisorId = emisor.Id };
        var creado = await users.CreateAsync(admin, options.AdminPassword);
        if (!creado.Succeeded)
            throw new InvalidOperationException("No se pudo crear el usuario de demostración: " + string.Join(" ", creado.Errors.Select(e => e.Description)));

        foreach (var (rfc, nombre, email) in Clientes)
        {
            db.Clientes.Add(new Cliente { EmisorId = emisor.Id, Rfc = rfc, Nombre = nombre, Email = email, RegimenFiscal = rfc.Length == 12 ? "601" : "612", CodigoPostal = "64000" });
            // Like any automatic access, "sin contraseña" until staff invite the receptor or send a password; the demo receptor's is known.
            var hash = rfc == options.ReceptorRfc ? hasher.Hash(options.ReceptorPassword) : null;
            db.Accesos.Add(new AccesoDescarga { EmisorId = emisor.Id, Rfc = rfc, Email = email, PasswordHash = hash, Origen = OrigenAcceso.Automatico });
        }
        if (Clientes.All(c => c.Rfc != options.ReceptorRfc))
            db.Accesos.Add(new AccesoDescarga { EmisorId = emisor.Id, Rfc = options.ReceptorRfc, PasswordHash = hasher.Hash(options.ReceptorPassword), Origen = OrigenAcceso.Manual });

        await db.SaveChangesAsync();
        await AsegurarApiKeyDemoAsync(db, options);

        // Demo comprobantes come in through the same import as uploads and the API.
        var importacion = services.GetRequiredService<ImportacionService>();
        var sistema = new Actor("sistema", null);
        var fecha = DateTime.Today.AddMonths(-5);
        var n = 0;
        foreach (var (rfc, nombre, _) in Clientes)
        {
            for (var i = 0; i < (rfc == options.ReceptorRfc ? 8 : 3); i++)
            {
                n++;
                var uuid = new Guid(n, 0x4d2e, 0x4c1a, 0x9b, 0x2f, 0x1e, 0x00, 0xde, 0x30, 0x17, (byte)n);
                var cuando = fecha.AddDays(n * 5).AddHours(9 + n % 8);
                var tipo = n % 7 == 0 ? "E" : "I";
                var conceptos = new List<ConceptoEjemplo>
                {
                    new(1 + n % 3, "86121700", "Colegiatura mensual nivel secundaria", 2450m + n * 10),
                    new(1, "55101500", "Material didáctico y libros de texto", 380.50m),
                };
                var xml = CfdiDeEjemplo.Xml(EmisorRfc, EmisorNombre, rfc, nombre, uuid, cuando, conceptos, tipo, tipo == "E" ? "NC" : "A", n.ToString());
                var r = await importacion.ImportarAsync(emisor.Id, sistema, new MemoryStream(Encoding.UTF8.GetBytes(xml)), pdf: null);
                if (r.Estado != EstadoImportacion.Importado)
                    throw new InvalidOperationException($"No se pudo importar el comprobante de demostración {uuid}: {r.Detalle}");
                if (n % 11 == 0)
                    await db.Comprobantes.Where(c => c.EmisorId == emisor.Id && c.Uuid == r.Comprobante!.Uuid)
                        .ExecuteUpdateAsync(s => s.SetProperty(c => c.Estado, EstadoComprobante.Cancelado));
            }
        }
    }
}
