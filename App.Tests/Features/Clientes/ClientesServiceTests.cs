using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Clientes;
using AccesoDescargas.Features.Emisores;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using AccesoDescargas.Fiscal;
using AccesoDescargas.Contrasenas;

namespace AccesoDescargas.Tests.Features.Clientes;

public class ClientesServiceTests
{
    private const int EmisorDemo = 1;
    private static readonly Actor Admin = new(AppFactory.AdminEmail, null);
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static ClienteInput Nuevo(string rfc, string nombre = "CLIENTE DE PRUEBA", string? email = null) =>
        new() { Rfc = rfc, Nombre = nombre, Email = email, RegimenFiscal = "612", CodigoPostal = "06600" };

    [Fact]
    public async Task Registrar_un_cliente_crea_su_acceso_automatico_y_los_eventos()
    {
        await using var app = new AppFactory();
        var clientes = app.Services.CreateScope().ServiceProvider.GetRequiredService<ClientesService>();

        var resultado = await clientes.CrearAsync(EmisorDemo, Nuevo(" xiqb891116qe4 ", "BERENICE XIMO QUEZADA", "berenice@ejemplo.mx"), new Actor(AppFactory.AdminEmail, "10.0.0.7"), Ct);

        Assert.True(resultado.Exito, string.Join(" ", resultado.Errores.Values));
        await using var db = app.CrearDb();
        var cliente = await db.Clientes.SingleAsync(c => c.Id == resultado.Id, Ct);
        Assert.Equal(("XIQB891116QE4", "BERENICE XIMO QUEZADA", "berenice@ejemplo.mx", "612", "06600"),
            (cliente.Rfc, cliente.Nombre, cliente.Email, cliente.RegimenFiscal, cliente.CodigoPostal));
        var acceso = await db.Accesos.SingleAsync(a => a.EmisorId == EmisorDemo && a.Rfc == "XIQB891116QE4", Ct);
        Assert.Equal(OrigenAcceso.Automatico, acceso.Origen);
        Assert.Equal("berenice@ejemplo.mx", acceso.Email);
        Assert.Null(acceso.PasswordHash); // "sin contraseña" until an invitation or a password is sent
        var eventos = await db.Eventos.Where(e => e.Rfc == "XIQB891116QE4").Select(e => new { e.Que, e.Quien, e.Ip }).ToListAsync(Ct);
        Assert.Equal(["acceso.creado", "cliente.creado"], eventos.Select(e => e.Que).Order());
        Assert.All(eventos, e => Assert.Equal((AppFactory.AdminEmail, "10.0.0.7"), (e.Quien, e.Ip)));
    }

    [Fact]
    public async Task El_cliente_y_su_acceso_se_guardan_juntos_o_ninguno()
    {
        await using var app = new AppFactory();
        var clientes = app.Services.CreateScope().ServiceProvider.GetRequiredService<ClientesService>();
        await using (var db = app.CrearDb())
            await BaseDePrueba.FallarAlInsertarAsync(db, "Eventos", "disco lleno");

        await Assert.ThrowsAsync<DbUpdateException>(() => clientes.CrearAsync(EmisorDemo, Nuevo("XIQB891116QE4"), Admin, Ct));

        await using var despues = app.CrearDb();
        Assert.False(await despues.Clientes.AnyAsync(c => c.Rfc == "XIQB891116QE4", Ct));
        Assert.False(await despues.Accesos.AnyAsync(a => a.Rfc == "XIQB891116QE4", Ct));
    }

    [Fact]
    public async Task Un_acceso_que_ya_existia_para_el_rfc_se_conserva_sin_cambios()
    {
        await using var app = new AppFactory();
        var clientes = app.Services.CreateScope().ServiceProvider.GetRequiredService<ClientesService>();
        AccesoDescarga antes;
        await using (var db = app.CrearDb())
        {
            // The demo's manual access for a receptor who is not a cliente yet.
            db.Accesos.Add(new AccesoDescarga { EmisorId = EmisorDemo, Rfc = "XIQB891116QE4", Origen = OrigenAcceso.Manual, Email = "previo@ejemplo.mx",
                PasswordHash = app.Services.GetRequiredService<ContrasenaHasher>().Hash("Contrasena2026") });
            await db.SaveChangesAsync(Ct);
            antes = await db.Accesos.AsNoTracking().SingleAsync(a => a.Rfc == "XIQB891116QE4", Ct);
        }

        var resultado = await clientes.CrearAsync(EmisorDemo, Nuevo("XIQB891116QE4", email: "nuevo@ejemplo.mx"), Admin, Ct);

        Assert.True(resultado.Exito);
        await using var despues = app.CrearDb();
        var acceso = await despues.Accesos.SingleAsync(a => a.EmisorId == EmisorDemo && a.Rfc == "XIQB891116QE4", Ct);
        Assert.Equal((antes.Id, antes.PasswordHash, OrigenAcceso.Manual, "previo@ejemplo.mx", antes.SelloSeguridad),
            (acceso.Id, acceso.PasswordHash, acceso.Origen, acceso.Email, acceso.SelloSeguridad));
        Assert.False(await despues.Eventos.AnyAsync(e => e.Rfc == "XIQB891116QE4" && e.Que == "acceso.creado", Ct));
    }

    [Theory]
    [InlineData("XAXX010101000")]
    [InlineData("xexx010101000")]
    public async Task Un_rfc_generico_se_rechaza_con_el_motivo(string rfc)
    {
        await using var app = new AppFactory();
        var clientes = app.Services.CreateScope().ServiceProvider.GetRequiredService<ClientesService>();

        var resultado = await clientes.CrearAsync(EmisorDemo, Nuevo(rfc, "PUBLICO EN GENERAL"), Admin, Ct);

        Assert.False(resultado.Exito);
        Assert.Contains("genérico", resultado.Errores[nameof(ClienteInput.Rfc)]);
        await using var db = app.CrearDb();
        Assert.False(await db.Clientes.AnyAsync(c => c.Rfc == rfc.ToUpperInvariant(), Ct));
        Assert.False(await db.Accesos.AnyAsync(a => a.Rfc == rfc.ToUpperInvariant(), Ct));
    }

    [Fact]
    public async Task Un_rfc_con_digito_verificador_distinto_pide_confirmacion()
    {
        await using var app = new AppFactory();
        var clientes = app.Services.CreateScope().ServiceProvider.GetRequiredService<ClientesService>();
        var entrada = Nuevo("XIQB891116QE5");

        var sinConfirmar = await clientes.CrearAsync(EmisorDemo, entrada, Admin, Ct);
        entrada.RfcConfirmado = true;
        var confirmado = await clientes.CrearAsync(EmisorDemo, entrada, Admin, Ct);

        Assert.Equal(ClientesService.MensajeConfirmarRfc, sinConfirmar.Errores[nameof(ClienteInput.RfcConfirmado)]);
        Assert.True(confirmado.Exito);
    }

    [Fact]
    public async Task Un_rfc_que_ya_es_cliente_se_rechaza()
    {
        await using var app = new AppFactory();
        var clientes = app.Services.CreateScope().ServiceProvider.GetRequiredService<ClientesService>();

        var resultado = await clientes.CrearAsync(EmisorDemo, Nuevo("cosc8001137na", "OTRO NOMBRE"), Admin, Ct);

        Assert.Equal(ClientesService.MensajeDuplicado, resultado.Errores[nameof(ClienteInput.Rfc)]);
        await using var db = app.CrearDb();
        Assert.Equal("CARLOS CORTÉS SOTO", (await db.Clientes.SingleAsync(c => c.Rfc == "COSC8001137NA", Ct)).Nombre);
    }

    [Fact]
    public async Task Dos_altas_simultaneas_del_mismo_rfc_dejan_un_cliente_y_la_otra_recibe_el_mensaje_de_duplicado()
    {
        await using var app = new AppFactory();
        var a = app.Services.CreateScope().ServiceProvider.GetRequiredService<ClientesService>();
        var b = app.Services.CreateScope().ServiceProvider.GetRequiredService<ClientesService>();

        var resultados = await Task.WhenAll(
            Task.Run(() => a.CrearAsync(EmisorDemo, Nuevo("XIQB891116QE4", "PRIMERA"), Admin, Ct), Ct),
            Task.Run(() => b.CrearAsync(EmisorDemo, Nuevo("XIQB891116QE4", "SEGUNDA"), Admin, Ct), Ct));

        Assert.Single(resultados, r => r.Exito);
        Assert.Single(resultados, r => r.Errores.GetValueOrDefault(nameof(ClienteInput.Rfc)) == ClientesService.MensajeDuplicado);
        await using var db = app.CrearDb();
        Assert.Equal(1, await db.Clientes.CountAsync(c => c.Rfc == "XIQB891116QE4", Ct));
        Assert.Equal(1, await db.Accesos.CountAsync(c => c.Rfc == "XIQB891116QE4", Ct));
    }

    [Fact]
    public async Task Editar_cambia_los_datos_pero_nunca_el_rfc()
    {
        await using var app = new AppFactory();
        var clientes = app.Services.CreateScope().ServiceProvider.GetRequiredService<ClientesService>();
        var id = await IdDeAsync(app, "COSC8001137NA");
        var entrada = (await clientes.ObtenerAsync(EmisorDemo, id, Ct))!;
        entrada.Rfc = "XIQB891116QE4";
        entrada.Nombre = "CARLOS CORTÉS SOTO Y ASOCIADOS";
        entrada.RegimenFiscal = "626";
        entrada.Email = "";

        var resultado = await clientes.EditarAsync(EmisorDemo, id, entrada, Admin, Ct);

        Assert.True(resultado.Exito, string.Join(" ", resultado.Errores.Values));
        await using var db = app.CrearDb();
        var cliente = await db.Clientes.SingleAsync(c => c.Id == id, Ct);
        Assert.Equal(("COSC8001137NA", "CARLOS CORTÉS SOTO Y ASOCIADOS", "626", null), (cliente.Rfc, cliente.Nombre, cliente.RegimenFiscal, cliente.Email));
        Assert.True(await db.Eventos.AnyAsync(e => e.Que == "cliente.editado" && e.Rfc == "COSC8001137NA", Ct));
    }

    [Fact]
    public async Task Un_regimen_de_persona_moral_no_se_acepta_para_una_persona_fisica()
    {
        await using var app = new AppFactory();
        var clientes = app.Services.CreateScope().ServiceProvider.GetRequiredService<ClientesService>();
        var entrada = Nuevo("XIQB891116QE4");
        entrada.RegimenFiscal = "601";
        entrada.CodigoPostal = "6600";

        var resultado = await clientes.CrearAsync(EmisorDemo, entrada, Admin, Ct);

        Assert.Contains("sólo para personas morales", resultado.Errores[nameof(ClienteInput.RegimenFiscal)]);
        Assert.Equal("El código postal debe tener 5 dígitos.", resultado.Errores[nameof(ClienteInput.CodigoPostal)]);
    }

    [Fact]
    public async Task La_pagina_busca_por_inicio_de_rfc_o_de_nombre_y_dice_si_tienen_acceso()
    {
        await using var app = new AppFactory();
        var clientes = app.Services.CreateScope().ServiceProvider.GetRequiredService<ClientesService>();
        await using (var db = app.CrearDb())
        {
            db.Clientes.Add(new Cliente { EmisorId = EmisorDemo, Rfc = "XIQB891116QE4", Nombre = "Berenice Ximo" });
            await db.SaveChangesAsync(Ct);
        }

        var todos = await clientes.PaginaAsync(EmisorDemo, null, OrdenClientes.Nombre, false, 0, 4, Ct);
        var segunda = await clientes.PaginaAsync(EmisorDemo, null, OrdenClientes.Nombre, false, 1, 4, Ct);
        var porRfc = await clientes.PaginaAsync(EmisorDemo, "cosc", OrdenClientes.Rfc, false, 0, 25, Ct);
        var porNombre = await clientes.PaginaAsync(EmisorDemo, "ana mar", OrdenClientes.Nombre, false, 0, 25, Ct);
        var talCual = await clientes.PaginaAsync(EmisorDemo, "Berenice", OrdenClientes.Nombre, false, 0, 25, Ct);
        var nada = await clientes.PaginaAsync(EmisorDemo, "ZZZ", OrdenClientes.Nombre, false, 0, 25, Ct);

        Assert.Equal((6, 4, 2), (todos.Total, todos.Filas.Count, segunda.Filas.Count));
        // Nombre is NOCASE in the database: "Berenice" sorts among the upper-case names, not after them.
        Assert.Equal(["ANA MARÍA CASTRO MÁRQUEZ", "Berenice Ximo", "CARLOS CORTÉS SOTO", "DISTRIBUIDORA INDUSTRIAL DE MONTERREY SA DE CV"], todos.Filas.Select(f => f.Nombre));
        Assert.Equal(["COSC8001137NA"], porRfc.Filas.Select(f => f.Rfc));
        Assert.True(porRfc.Filas[0].TieneAcceso);
        Assert.Equal(["CAMA911215CJ0"], porNombre.Filas.Select(f => f.Rfc));
        Assert.Equal(["XIQB891116QE4"], talCual.Filas.Select(f => f.Rfc));
        Assert.False(talCual.Filas[0].TieneAcceso);
        Assert.Equal(0, nada.Total);
    }

    [Fact]
    public async Task Un_emisor_nunca_ve_ni_edita_los_clientes_de_otro_aunque_use_sus_ids()
    {
        await using var app = new AppFactory();
        int emisorB;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var registro = await scope.ServiceProvider.GetRequiredService<RegistroService>()
                .RegistrarAsync("POT9207213D6", "Mi Abarrotera Global SA de CV", "admin@abarrotera.mx", "Abarrotes2026!", iniciarSesion: false);
            Assert.Empty(registro.Errores);
            emisorB = registro.Usuario!.EmisorId;
        }
        var clientes = app.Services.CreateScope().ServiceProvider.GetRequiredService<ClientesService>();
        var deB = await clientes.CrearAsync(emisorB, Nuevo("XIQB891116QE4", "CLIENTE DE B"), new Actor("admin@abarrotera.mx", null), Ct);
        var mismoRfcEnB = await clientes.CrearAsync(emisorB, Nuevo("COSC8001137NA", "CARLOS EN B"), new Actor("admin@abarrotera.mx", null), Ct);
        Assert.True(deB.Exito && mismoRfcEnB.Exito);

        var paginaA = await clientes.PaginaAsync(EmisorDemo, null, OrdenClientes.Nombre, false, 0, 100, Ct);
        var busquedaA = await clientes.PaginaAsync(EmisorDemo, "XIQB", OrdenClientes.Nombre, false, 0, 100, Ct);
        var obtener = await clientes.ObtenerAsync(EmisorDemo, deB.Id!.Value, Ct);
        var editar = await clientes.EditarAsync(EmisorDemo, deB.Id.Value, Nuevo("XIQB891116QE4", "ROBADO"), Admin, Ct);

        Assert.Equal(5, paginaA.Total);
        Assert.DoesNotContain(paginaA.Filas, f => f.Id == deB.Id || f.Id == mismoRfcEnB.Id);
        Assert.Equal(0, busquedaA.Total);
        Assert.Null(obtener);
        Assert.Equal(ClientesService.MensajeNoEncontrado, editar.Errores[""]);
        await using var db = app.CrearDb();
        Assert.Equal("CLIENTE DE B", (await db.Clientes.SingleAsync(c => c.Id == deB.Id, Ct)).Nombre);
        // The same RFC is a separate cliente with a separate access in each emisor.
        Assert.Equal(2, await db.Accesos.CountAsync(a => a.Rfc == "COSC8001137NA", Ct));
    }

    [Theory]
    [Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // SQLite's planner; PostgreSQL's figures come from AccesosBenchmark
    [InlineData(null, OrdenClientes.Nombre, "USING COVERING INDEX IX_Clientes_EmisorId_Nombre", false)]
    [InlineData(null, OrdenClientes.Rfc, "INDEX IX_Clientes_EmisorId_Rfc (EmisorId=?)", false)]
    [InlineData("cos", OrdenClientes.Nombre, "USING INTEGER PRIMARY KEY (rowid=?)", true)]
    public async Task La_pagina_y_la_busqueda_se_leen_de_los_indices_de_clientes(string? busqueda, OrdenClientes orden, string esperado, bool ambosIndices)
    {
        await using var app = new AppFactory(seed: false);
        await using var db = app.CrearDb();
        var consulta = ClientesService.Ordenar(ClientesService.Filtrar(db, EmisorDemo, busqueda), orden, false).Skip(50).Take(25).Select(c => c.Id);

        var plan = await PlanAsync(db, consulta.ToQueryString());

        Assert.True(plan.Any(p => p.Contains(esperado)), string.Join(" / ", plan));
        Assert.DoesNotContain(plan, p => p.StartsWith("SCAN"));
        if (ambosIndices)
        {
            Assert.Contains(plan, p => p.Contains("IX_Clientes_EmisorId_Rfc (EmisorId=? AND Rfc>? AND Rfc<?)"));
            Assert.Contains(plan, p => p.Contains("IX_Clientes_EmisorId_Nombre (EmisorId=? AND Nombre>? AND Nombre<?)"));
        }
        else
        {
            Assert.DoesNotContain(plan, p => p.Contains("TEMP B-TREE"));
        }
    }

    private static async Task<List<string>> PlanAsync(AppDbContext db, string sql)
    {
        var conexion = db.Database.GetDbConnection();
        await conexion.OpenAsync(Ct);
        using var comando = conexion.CreateCommand();
        // ToQueryString declares the parameters with .param; EXPLAIN needs them bound instead.
        comando.CommandText = "EXPLAIN QUERY PLAN " + string.Join('\n', sql.Split('\n').Where(l => !l.StartsWith(".param")));
        foreach (var linea in sql.Split('\n').Where(l => l.StartsWith(".param set ")))
        {
            var partes = linea.Split(' ', 4);
            object valor = partes[3].StartsWith('\'') ? partes[3].Trim('\'') : long.Parse(partes[3]);
            comando.Parameters.Add(new Microsoft.Data.Sqlite.SqliteParameter(partes[2], valor));
        }
        var plan = new List<string>();
        await using (var lector = await comando.ExecuteReaderAsync(Ct))
            while (await lector.ReadAsync(Ct)) plan.Add(lector.GetString(3));
        return plan;
    }

    private static async Task<int> IdDeAsync(AppFactory app, string rfc)
    {
        await using var db = app.CrearDb();
        return await db.Clientes.Where(c => c.EmisorId == EmisorDemo && c.Rfc == rfc).Select(c => c.Id).SingleAsync(Ct);
    }
}
