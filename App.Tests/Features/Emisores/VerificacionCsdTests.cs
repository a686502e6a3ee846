using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Correos;
using AccesoDescargas.Features.Emisores;
using AccesoDescargas.Infrastructure.Demo;
using AccesoDescargas.Infrastructure.Email;
using AccesoDescargas.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AccesoDescargas.Tests.Features.Portal.Portal;
using AccesoDescargas.Contrasenas;

namespace AccesoDescargas.Tests.Features.Emisores;

public class VerificacionCsdTests
{
    private const string OtroRfc = "AAA010101AAA";
    private static readonly Actor Admin = new("admin@otra.mx", "10.0.0.9");

    [Fact]
    [Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // no database
    public void Lee_el_csd_de_prueba_del_sat_rfc_numero_llave_y_contrasena_y_lo_rechaza_por_no_venir_de_una_ac_de_confianza()
    {
        using var csds = new Csds();
        var (cer, key) = Csds.DelSat();
        using var certificado = X509CertificateLoader.LoadCertificate(cer);
        var en2021 = new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal("EKU9003173C9", VerificadorCsd.Rfc(certificado));
        Assert.Equal("30001000000400002434", VerificadorCsd.NoCertificado(certificado));
        // RFC, CSD (not FIEL), key and password and dates all pass: only the chain to the trusted CAs is missing.
        Assert.Equal(VerificadorCsd.MensajeNoEmitidoPorSat, csds.Verificador(en2021).Verificar(cer, key.ToArray(), "12345678a", "EKU9003173C9").Error);
        Assert.Equal(VerificadorCsd.MensajeLlaveNoValida, csds.Verificador(en2021).Verificar(cer, key.ToArray(), "12345678b", "EKU9003173C9").Error);
        Assert.Equal(VerificadorCsd.MensajeOtroRfc("EKU9003173C9", OtroRfc), csds.Verificador(en2021).Verificar(cer, key.ToArray(), "12345678a", OtroRfc).Error);
        Assert.Equal("El certificado venció el 17/06/2023. Tramite un CSD nuevo en el SAT.",
            csds.Verificador(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero)).Verificar(cer, key.ToArray(), "12345678a", "eku9003173c9 ").Error);
    }

    [Fact]
    public void Un_csd_emitido_por_la_ac_de_confianza_con_su_llave_y_contrasena_verifica_el_rfc()
    {
        using var csds = new Csds();
        var (cer, key) = csds.Emitir(OtroRfc);

        var r = csds.Verificador().Verificar(cer, key, Csds.Contrasena, OtroRfc);

        Assert.Null(r.Error);
        Assert.Equal(OtroRfc, r.Csd!.Rfc);
        Assert.Equal(Csds.NoCertificado, r.Csd.NoCertificado);
        Assert.True(r.Csd.VigenteHasta > DateTime.UtcNow.AddYears(3));
        Assert.All(key, b => Assert.Equal(0, b)); // the key's bytes are wiped once checked
    }

    [Fact]
    public void Cada_rechazo_tiene_su_mensaje()
    {
        using var csds = new Csds();
        var v = csds.Verificador();
        var (autoCer, autoKey) = csds.Emitir(OtroRfc, autofirmado: true);
        var (fielCer, fielKey) = csds.Emitir(OtroRfc, fiel: true);
        var (cer, key) = csds.Emitir(OtroRfc);
        var (_, otraKey) = csds.Emitir(OtroRfc);
        var (vencidoCer, vencidoKey) = csds.Emitir(OtroRfc, desde: DateTimeOffset.UtcNow.AddYears(-5), hasta: DateTimeOffset.UtcNow.AddDays(-1));
        var (futuroCer, futuroKey) = csds.Emitir(OtroRfc, desde: DateTimeOffset.UtcNow.AddDays(2));

        Assert.Equal(VerificadorCsd.MensajeNoEmitidoPorSat, v.Verificar(autoCer, autoKey, Csds.Contrasena, OtroRfc).Error);
        Assert.Equal(VerificadorCsd.MensajeEsFiel, v.Verificar(fielCer, fielKey, Csds.Contrasena, OtroRfc).Error);
        Assert.Equal(VerificadorCsd.MensajeLlaveNoCorresponde, v.Verificar(cer, otraKey, Csds.Contrasena, OtroRfc).Error);
        Assert.Equal(VerificadorCsd.MensajeLlaveNoValida, v.Verificar(cer, key.ToArray(), "otra-contrasena", OtroRfc).Error);
        Assert.Equal(VerificadorCsd.MensajeCerNoValido, v.Verificar(Encoding.ASCII.GetBytes("no es un certificado"), key.ToArray(), Csds.Contrasena, OtroRfc).Error);
        Assert.Equal(VerificadorCsd.MensajeOtroRfc(OtroRfc, "EKU9003173C9"), v.Verificar(cer, key.ToArray(), Csds.Contrasena, "EKU9003173C9").Error);
        Assert.StartsWith("El certificado venció el ", v.Verificar(vencidoCer, vencidoKey, Csds.Contrasena, OtroRfc).Error);
        Assert.StartsWith("El certificado aún no es válido", v.Verificar(futuroCer, futuroKey, Csds.Contrasena, OtroRfc).Error);
        Assert.Equal(VerificadorCsd.MensajeSinCertificadosAc, csds.Verificador(carpeta: null).Verificar(cer, key.ToArray(), Csds.Contrasena, OtroRfc).Error);
    }

    [Fact]
    public async Task Un_rfc_pertenece_a_un_solo_emisor_aunque_se_escriba_distinto()
    {
        await using var app = new AppFactory();
        await using var scope = app.Services.CreateAsyncScope();
        var registro = scope.ServiceProvider.GetRequiredService<RegistroService>();

        var repetido = await registro.RegistrarAsync(" eku9003173c9 ", "OTRA ESCUELA", "yo@otra.mx", "OtraEscuela2026", iniciarSesion: false);

        Assert.Equal([RegistroService.MensajeRfcRegistrado(DemoSeeder.EmisorRfc)], repetido.Errores);
        await using var db = app.CrearDb();
        Assert.Equal(1, await db.Emisores.CountAsync(e => e.Rfc == DemoSeeder.EmisorRfc, Ct));
        Assert.NotNull((await db.Emisores.SingleAsync(Ct)).VerificadoEn); // the demo emisor is seeded verified
    }

    [Theory]
    [InlineData("XAXX010101000")]
    [InlineData(" xexx010101000")]
    public async Task Un_rfc_generico_no_se_registra_como_emisor_y_el_mensaje_habla_de_la_empresa(string rfc)
    {
        await using var app = new AppFactory();
        await using var scope = app.Services.CreateAsyncScope();
        var registro = scope.ServiceProvider.GetRequiredService<RegistroService>();

        var resultado = await registro.RegistrarAsync(rfc, "PUBLICO EN GENERAL", "yo@publico.mx", "Publico2026Clave", iniciarSesion: false);

        var normalizado = rfc.Trim().ToUpperInvariant();
        Assert.Equal([RegistroService.MensajeRfcGenerico(normalizado)], resultado.Errores);
        Assert.Contains("Registre el RFC de su empresa", resultado.Errores[0]);
        await using var db = app.CrearDb();
        Assert.False(await db.Emisores.AnyAsync(e => e.Rfc == normalizado, Ct));
    }

    [Fact]
    public async Task Sin_verificar_no_se_envian_correos_ni_abre_el_portal_y_al_verificar_con_su_csd_si()
    {
        using var csds = new Csds();
        await using var app = new AppFactory(csds.Ajustes);
        int emisorId;
        await using (var scope = app.Services.CreateAsyncScope())
            emisorId = (await scope.ServiceProvider.GetRequiredService<RegistroService>()
                .RegistrarAsync(OtroRfc, "OTRA EMPRESA SA DE CV", "admin@otra.mx", "OtraEmpresa2026", iniciarSesion: false)).Usuario!.EmisorId;
        await using (var db = app.CrearDb())
        {
            Assert.Null((await db.Emisores.SingleAsync(e => e.Id == emisorId, Ct)).VerificadoEn);
            db.Accesos.Add(new AccesoDescarga { EmisorId = emisorId, Rfc = AppFactory.ReceptorRfc, PasswordHash = new ContrasenaHasher().Hash("OtraEmpresa2026") });
            await db.SaveChangesAsync(Ct);
        }
        var outbox = app.Services.GetRequiredService<Outbox>();
        long retenido, delDemo;
        await using (var db = app.CrearDb())
        {
            var a = outbox.Encolar(db, new CorreoNuevo(emisorId, "cliente@ejemplo.mx", "De un emisor sin verificar", "<p>x</p>", "x", "contrasena"));
            var b = outbox.Encolar(db, new CorreoNuevo(1, "cliente@ejemplo.mx", "Del emisor verificado", "<p>x</p>", "x", "contrasena"));
            await db.SaveChangesAsync(Ct);
            (retenido, delDemo) = (a.Id, b.Id);
        }
        outbox.Despertar();
        await EsperarAsync(async () => { await using var db = app.CrearDb(); return await db.Correos.AnyAsync(c => c.Id == delDemo && c.Estado == EstadoCorreo.Enviado, Ct); }, "el correo del emisor verificado");

        await using (var db = app.CrearDb())
            Assert.Equal((EstadoCorreo.Pendiente, 0), await db.Correos.Where(c => c.Id == retenido).Select(c => new ValueTuple<EstadoCorreo, int>(c.Estado, c.Intentos)).SingleAsync(Ct));
        var client = Cliente(app);
        var slug = await SlugAsync(app, emisorId);
        var pagina = await (await client.GetAsync($"/portal/{slug}/ingresar", Ct)).Content.TextoAsync();
        Assert.Contains("Este portal de descargas aún no está activo.", pagina);
        Assert.DoesNotContain("type=\"password\"", pagina);

        var (cer, key) = csds.Emitir(OtroRfc);
        await using (var scope = app.Services.CreateAsyncScope())
            Assert.Null(await scope.ServiceProvider.GetRequiredService<CsdService>().VerificarAsync(emisorId, cer, key, Csds.Contrasena, Admin, Ct));

        await EsperarAsync(async () => { await using var db = app.CrearDb(); return await db.Correos.AnyAsync(c => c.Id == retenido && c.Estado == EstadoCorreo.Enviado, Ct); }, "el correo retenido, ya verificado el emisor");
        await using (var db = app.CrearDb())
        {
            var emisor = await db.Emisores.SingleAsync(e => e.Id == emisorId, Ct);
            Assert.NotNull(emisor.VerificadoEn);
            Assert.Equal(Csds.NoCertificado, emisor.CsdNoCertificado);
            Assert.True(await db.Eventos.AnyAsync(e => e.EmisorId == emisorId && e.Que == "emisor.verificado" && e.Quien == Admin.Quien, Ct));
        }
        var ingreso = await IngresarAsync(client, AppFactory.ReceptorRfc, "OtraEmpresa2026", slug);
        Assert.Equal(HttpStatusCode.Redirect, ingreso.StatusCode);
    }

    [Fact]
    public async Task La_contrasena_y_la_llave_no_quedan_en_la_base_de_datos()
    {
        using var csds = new Csds();
        await using var app = new AppFactory(csds.Ajustes);
        int emisorId;
        await using (var scope = app.Services.CreateAsyncScope())
            emisorId = (await scope.ServiceProvider.GetRequiredService<RegistroService>()
                .RegistrarAsync(OtroRfc, "OTRA EMPRESA SA DE CV", "admin@otra.mx", "OtraEmpresa2026", iniciarSesion: false)).Usuario!.EmisorId;
        var (cer, key) = csds.Emitir(OtroRfc);
        var copiaKey = key.ToArray();
        const string contrasena = "Contraseña-Única-De-La-Llave-7731";
        var llave = System.Security.Cryptography.RSA.Create();
        llave.ImportEncryptedPkcs8PrivateKey(Csds.Contrasena, copiaKey, out _);
        var conOtraContrasena = llave.ExportEncryptedPkcs8PrivateKey(contrasena,
            new System.Security.Cryptography.PbeParameters(System.Security.Cryptography.PbeEncryptionAlgorithm.Aes256Cbc, System.Security.Cryptography.HashAlgorithmName.SHA256, 2048));
        var privada = llave.ExportPkcs8PrivateKey();

        await using (var scope = app.Services.CreateAsyncScope())
            Assert.Null(await scope.ServiceProvider.GetRequiredService<CsdService>().VerificarAsync(emisorId, cer, conOtraContrasena.ToArray(), contrasena, Admin, Ct));

        var contenido = await BaseDePrueba.ContenidoAsync(app);
        Assert.NotEmpty(contenido);
        foreach (var bytes in contenido)
        {
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(contrasena)));
            Assert.Equal(-1, bytes.AsSpan().IndexOf(conOtraContrasena.AsSpan(0, 64)));
            Assert.Equal(-1, bytes.AsSpan().IndexOf(privada.AsSpan(40, 64)));
        }
    }

    private static async Task<string> SlugAsync(AppFactory app, int emisorId)
    {
        await using var db = app.CrearDb();
        return await db.Emisores.Where(e => e.Id == emisorId).Select(e => e.Slug).SingleAsync(Ct);
    }
}
