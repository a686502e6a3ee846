using System.Text.RegularExpressions;
using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Correos;
using AccesoDescargas.Features.Emisores;
using AccesoDescargas.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using AccesoDescargas.Contrasenas;

namespace AccesoDescargas.Tests.Features.Accesos;

public class AccesosServiceTests
{
    private static readonly Actor Admin = new(AppFactory.AdminEmail, "127.0.0.1");
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static async Task<T> ConScopeAsync<T>(AppFactory app, Func<AccesosService, Task<T>> accion)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await accion(scope.ServiceProvider.GetRequiredService<AccesosService>());
    }

    private static async Task<int> IdDeAsync(AppFactory app, string rfc)
    {
        await using var db = app.CrearDb();
        return await db.Accesos.Where(a => a.Rfc == rfc).Select(a => a.Id).SingleAsync(Ct);
    }

    [Fact]
    public async Task Las_paginas_del_grid_recorren_todos_los_accesos_en_el_orden_elegido_sin_repetir_ni_saltar()
    {
        await using var app = new AppFactory();
        int emisorId;
        await using (var db = app.CrearDb())
        {
            emisorId = await db.Emisores.Where(e => e.Slug == "demo").Select(e => e.Id).SingleAsync(Ct);
            var inicio = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);
            // 23 more accesses, some with the same last sign-in so that the Id decides between them.
            db.Accesos.AddRange(Enumerable.Range(0, 23).Select(i => new AccesoDescarga
            {
                EmisorId = emisorId, Rfc = $"PAG{i:D2}0101{(char)('A' + i)}A1", Origen = OrigenAcceso.Manual,
                UltimoAccesoEn = i % 4 == 0 ? null : inicio.AddHours(i / 3),
            }));
            await db.SaveChangesAsync(Ct);
        }
        List<(int Id, string Rfc, DateTime? UltimoAccesoEn)> todos;
        await using (var db = app.CrearDb())
            todos = (await db.Accesos.Where(a => a.EmisorId == emisorId).Select(a => new { a.Id, a.Rfc, a.UltimoAccesoEn }).ToListAsync(Ct))
                .Select(a => (a.Id, a.Rfc, a.UltimoAccesoEn)).ToList();

        async Task<List<int>> RecorrerAsync(string? por, bool desc)
        {
            var vistos = new List<int>();
            for (var pagina = 0; ; pagina++)
            {
                var (filas, total) = await ConScopeAsync(app, s => s.PaginaAsync(emisorId, new ConsultaAccesos(null, pagina, 7, por, desc), Ct));
                Assert.Equal(todos.Count, total);
                if (filas.Count == 0) return vistos;
                vistos.AddRange(filas.Select(f => f.Id));
            }
        }

        var porRfc = todos.OrderBy(a => a.Rfc, StringComparer.Ordinal).Select(a => a.Id).ToList();
        Assert.Equal(porRfc, await RecorrerAsync(null, false));
        Assert.Equal(Enumerable.Reverse(porRfc), await RecorrerAsync(null, true));
        // By date, the Id ordering equal dates. Where "never" goes is the engine's (first on SQLite, last on PostgreSQL).
        var porAcceso = await RecorrerAsync("UltimoAccesoEn", false);
        Assert.Equal(todos.Select(a => a.Id).Order(), porAcceso.Order());
        var fechas = todos.ToDictionary(a => a.Id);
        var conFecha = porAcceso.Where(id => fechas[id].UltimoAccesoEn is not null).ToList();
        Assert.Equal(todos.Where(a => a.UltimoAccesoEn is not null).OrderBy(a => a.UltimoAccesoEn).ThenBy(a => a.Id).Select(a => a.Id), conFecha);
        var sinFecha = porAcceso.Where(id => fechas[id].UltimoAccesoEn is null).ToList();
        Assert.Equal(sinFecha.Order(), sinFecha);
        Assert.True(porAcceso.Take(sinFecha.Count).SequenceEqual(sinFecha) || porAcceso.TakeLast(sinFecha.Count).SequenceEqual(sinFecha),
            "Los accesos sin ingreso quedan juntos, al principio o al final.");
        Assert.Equal(Enumerable.Reverse(porAcceso), await RecorrerAsync("UltimoAccesoEn", true));
    }

    [Fact]
    public async Task Enviar_contrasena_entrega_un_correo_con_rfc_enlace_y_una_contrasena_que_abre_el_acceso()
    {
        await using var smtp = await ServidorSmtp.IniciarNuevoAsync();
        await using var app = new AppFactory(smtp.Ajustes);
        var id = await IdDeAsync(app, "MCI7306249Y1");
        string? hashAnterior;
        await using (var db = app.CrearDb()) hashAnterior = (await db.Accesos.FindAsync([id], Ct))!.PasswordHash;

        var resultado = await ConScopeAsync(app, s => s.EnviarContrasenaAsync(1, id, "compras@mci.ejemplo.mx", true, Admin, "http://portal.test/"));
        Assert.True(resultado.Ok, resultado.Error);

        var correo = await smtp.EsperarCorreoAsync();
        Assert.Equal("compras@mci.ejemplo.mx", Assert.Single(correo.To.Mailboxes).Address);
        Assert.Equal("Su acceso al portal de descargas de ESCUELA KEMPER URGATE SA DE CV", correo.Subject);
        Assert.Contains("MCI7306249Y1", correo.TextBody);
        Assert.Contains("http://portal.test/portal/demo/ingresar?rfc=MCI7306249Y1", correo.TextBody);
        Assert.Contains("href=\"http://portal.test/portal/demo/ingresar?rfc=MCI7306249Y1\"", correo.HtmlBody);
        var contrasena = Regex.Match(correo.TextBody!, @"Contraseña: (\S+)").Groups[1].Value;

        await using var despues = app.CrearDb();
        var acceso = await despues.Accesos.SingleAsync(a => a.Id == id, Ct);
        var hasher = app.Services.GetRequiredService<ContrasenaHasher>();
        Assert.Equal(VerificacionContrasena.Correcta, hasher.Verificar(acceso.PasswordHash, contrasena));
        Assert.NotEqual(hashAnterior, acceso.PasswordHash);
        Assert.DoesNotContain(contrasena, acceso.PasswordHash);
        Assert.NotNull(acceso.UltimoEnvioEn);
        // The sender records the delivery just after the server accepted it: wait for that condition.
        await AccesoDescargas.Tests.Features.Portal.Portal.EsperarAsync(async () =>
        {
            await using var db = app.CrearDb();
            return await db.Correos.AnyAsync(c => c.Id == acceso.UltimoEnvioCorreoId && c.Estado == EstadoCorreo.Enviado, Ct);
        }, "el correo queda como enviado");
        var fila = await despues.Correos.AsNoTracking().SingleAsync(c => c.Id == acceso.UltimoEnvioCorreoId, Ct);
        Assert.Null(fila.Contenido); // the password does not stay in the outbox once delivered
        Assert.True(await despues.Eventos.AnyAsync(e => e.Que == "acceso.contrasena_enviada" && e.Rfc == "MCI7306249Y1", Ct));
    }

    [Fact]
    public async Task Una_lista_de_correos_se_rechaza_y_no_cambia_la_contrasena()
    {
        await using var app = new AppFactory();
        var id = await IdDeAsync(app, AppFactory.ReceptorRfc); // has a password
        string? hash;
        await using (var db = app.CrearDb()) hash = (await db.Accesos.FindAsync([id], Ct))!.PasswordHash;

        foreach (var lista in new[] { "a@x.mx, b@y.mx", "a@x.mx;b@y.mx", "a@x.mx b@y.mx" })
        {
            var resultado = await ConScopeAsync(app, s => s.EnviarContrasenaAsync(1, id, lista, false, Admin, "http://portal.test/"));
            Assert.Equal("Sólo puede enviarse un correo a la vez.", resultado.Error);
        }
        var invalido = await ConScopeAsync(app, s => s.EnviarContrasenaAsync(1, id, "no-es-correo", false, Admin, "http://portal.test/"));
        Assert.Equal("El correo electrónico «no-es-correo» no es válido.", invalido.Error);

        await using var despues = app.CrearDb();
        Assert.Equal(hash, (await despues.Accesos.SingleAsync(a => a.Id == id, Ct)).PasswordHash);
        Assert.Equal(0, await despues.Correos.CountAsync(Ct));
    }

    [Fact]
    public async Task Crear_acceso_manual_valida_el_rfc_rechaza_duplicados_y_genericos()
    {
        await using var app = new AppFactory();

        var creado = await ConScopeAsync(app, s => s.CrearAsync(1, new(" xiqb891116qe4 ", "Secreta2026", null, false), Admin, "http://x/"));
        Assert.True(creado.Ok, creado.Error);
        var duplicado = await ConScopeAsync(app, s => s.CrearAsync(1, new("XIQB891116QE4", "OtraClave2026", null, false), Admin, "http://x/"));
        Assert.Equal("Ya existe un acceso para este RFC.", duplicado.Error);
        Assert.Equal(creado.Id, duplicado.ExistenteId);
        var generico = await ConScopeAsync(app, s => s.CrearAsync(1, new("XAXX010101000", "Secreta2026", null, false), Admin, "http://x/"));
        Assert.StartsWith("El RFC genérico XAXX010101000 no puede tener acceso", generico.Error);
        var advertencia = await ConScopeAsync(app, s => s.CrearAsync(1, new("COSC8001137N9", "Secreta2026", null, false), Admin, "http://x/"));
        Assert.Null(advertencia.Id);
        Assert.Contains("dígito verificador", advertencia.Advertencia);
        var aceptada = await ConScopeAsync(app, s => s.CrearAsync(1, new("COSC8001137N9", "Secreta2026", null, false, AceptarAdvertenciaRfc: true), Admin, "http://x/"));
        Assert.True(aceptada.Ok, aceptada.Error);
        var igualAlRfc = await ConScopeAsync(app, s => s.CrearAsync(1, new("SAT970701NN3", "sat970701nn3", null, false), Admin, "http://x/"));
        Assert.Equal("La contraseña no puede ser el RFC.", igualAlRfc.Error);

        await using var db = app.CrearDb();
        var acceso = await db.Accesos.SingleAsync(a => a.Rfc == "XIQB891116QE4", Ct);
        Assert.Equal(OrigenAcceso.Manual, acceso.Origen);
        Assert.Equal(VerificacionContrasena.Correcta, app.Services.GetRequiredService<ContrasenaHasher>().Verificar(acceso.PasswordHash, "Secreta2026"));
        Assert.True(await db.Eventos.AnyAsync(e => e.Que == "acceso.creado" && e.Rfc == "XIQB891116QE4" && e.Quien == AppFactory.AdminEmail, Ct));
        Assert.False(await db.Accesos.AnyAsync(a => a.Rfc == "SAT970701NN3" || a.Rfc == "XAXX010101000", Ct));
    }

    [Fact]
    public async Task Editar_contrasena_reemplaza_el_hash_y_quita_el_bloqueo()
    {
        await using var app = new AppFactory();
        var id = await IdDeAsync(app, AppFactory.ReceptorRfc);
        await using (var db = app.CrearDb())
            await db.Accesos.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.BloqueadoHasta, DateTime.UtcNow.AddMinutes(10)).SetProperty(a => a.IntentosFallidos, 5), Ct);

        var corta = await ConScopeAsync(app, s => s.CambiarContrasenaAsync(1, id, "corta", null, Admin, "http://x/"));
        Assert.Equal("La contraseña debe tener al menos 8 caracteres.", corta.Error);
        var ok = await ConScopeAsync(app, s => s.CambiarContrasenaAsync(1, id, "NuevaClave2026", null, Admin, "http://x/"));
        Assert.True(ok.Ok, ok.Error);

        await using var despues = app.CrearDb();
        var acceso = await despues.Accesos.SingleAsync(a => a.Id == id, Ct);
        var hasher = app.Services.GetRequiredService<ContrasenaHasher>();
        Assert.Equal(VerificacionContrasena.Correcta, hasher.Verificar(acceso.PasswordHash, "NuevaClave2026"));
        Assert.Equal(VerificacionContrasena.Fallida, hasher.Verificar(acceso.PasswordHash, AppFactory.ReceptorPassword));
        Assert.Null(acceso.BloqueadoHasta);
        Assert.Equal(0, acceso.IntentosFallidos);
    }

    [Fact]
    public async Task Un_emisor_nunca_lista_ni_edita_los_accesos_de_otro_aunque_use_sus_ids()
    {
        await using var app = new AppFactory();
        int otroEmisor;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var registro = await scope.ServiceProvider.GetRequiredService<RegistroService>()
                .RegistrarAsync("AAA010101AAA", "OTRA EMPRESA SA DE CV", "otra@empresa.mx", "OtraEmpresa2026", iniciarSesion: false);
            otroEmisor = registro.Usuario!.EmisorId;
        }
        var ajeno = await IdDeAsync(app, AppFactory.ReceptorRfc); // the demo emisor's, with a password
        string? hash;
        await using (var db = app.CrearDb()) hash = (await db.Accesos.FindAsync([ajeno], Ct))!.PasswordHash;

        var (filas, total) = await ConScopeAsync(app, s => s.PaginaAsync(otroEmisor, new(null, 0, 50)));
        Assert.Empty(filas);
        Assert.Equal(0, total);
        Assert.Null(await ConScopeAsync(app, s => s.ObtenerAsync(otroEmisor, ajeno)));
        Assert.Equal(AccesosService.MensajeNoEncontrado, (await ConScopeAsync(app, s => s.CambiarContrasenaAsync(otroEmisor, ajeno, "Intrusa2026x", null, Admin, "http://x/"))).Error);
        Assert.Equal(AccesosService.MensajeNoEncontrado, (await ConScopeAsync(app, s => s.EnviarContrasenaAsync(otroEmisor, ajeno, "yo@intruso.mx", true, Admin, "http://x/"))).Error);
        Assert.Equal(AccesosService.MensajeNoEncontrado, (await ConScopeAsync(app, s => s.EnviarInvitacionAsync(otroEmisor, ajeno, "yo@intruso.mx", true, Admin, "http://x/"))).Error);
        Assert.Equal(0, await ConScopeAsync(app, s => s.ContarPorInvitarAsync(otroEmisor, null)));
        Assert.False(await ConScopeAsync(app, s => s.CambiarHabilitadoAsync(otroEmisor, ajeno, false, Admin)));

        await using var despues = app.CrearDb();
        var acceso = await despues.Accesos.SingleAsync(a => a.Id == ajeno, Ct);
        Assert.Equal(hash, acceso.PasswordHash);
        Assert.True(acceso.Habilitado);
        Assert.Equal(0, await despues.Correos.CountAsync(Ct));
    }

    [Fact]
    public async Task La_busqueda_encuentra_por_prefijo_de_rfc_o_por_nombre_y_pagina_en_el_servidor()
    {
        await using var app = new AppFactory();

        var (porRfc, _) = await ConScopeAsync(app, s => s.PaginaAsync(1, new("cos", 0, 25)));
        Assert.Equal(["COSC8001137NA"], porRfc.Select(f => f.Rfc));
        var (porNombre, _) = await ConScopeAsync(app, s => s.PaginaAsync(1, new("Distribuidora", 0, 25)));
        Assert.Equal("DIM8701081LA", Assert.Single(porNombre).Rfc);
        var (pagina, total) = await ConScopeAsync(app, s => s.PaginaAsync(1, new(null, 1, 2)));
        Assert.Equal(5, total);
        Assert.Equal(["DIM8701081LA", "MCI7306249Y1"], pagina.Select(f => f.Rfc)); // second page of 2, sorted by RFC
    }
}
