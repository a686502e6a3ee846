using AccesoDescargas.Features.Comprobantes;
using AccesoDescargas.Fiscal;
using AccesoDescargas.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace AccesoDescargas.Tests.Infrastructure;

/// <summary>Whole entities written without the change tracker read back as EF Core wrote them, on each engine.</summary>
public class InsercionPorLotesTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static Comprobante Nuevo(int i, bool conTodo) => new()
    {
        EmisorId = 1, Uuid = Guid.NewGuid().ToString().ToUpperInvariant(), Version = "4.0", Tipo = "I", Moneda = "MXN",
        ReceptorRfc = $"LOT0{i}0101AA{i}", XmlKey = $"ab/{i:x64}.xml", XmlSha256 = new string('a', 64), XmlSize = 3_000 + i,
        Fecha = new DateTime(2025, 3, 1, 8, 30, 15), FechaTimbrado = new DateTime(2025, 3, 1, 8, 31, 0),
        SubTotal = 1234.56m + i, Total = 1432.0896m + i, ImportadoEn = new DateTime(2026, 12, 1, 19, 0, 0, DateTimeKind.Utc),
        Serie = conTodo ? "A" : null, Folio = conTodo ? $"16{i}ABC" : null, ReceptorNombre = conTodo ? "RECEPTOR Ñandú" : null,
        ImpuestosTrasladados = conTodo ? 197.5296m : null, UsoCfdi = conTodo ? "G03" : null, MetodoPago = conTodo ? "PPD" : null,
        EstadoPago = conTodo ? EstadoPago.Parcial : null, SaldoPendiente = conTodo ? 0.01m : null, EstadoSat = conTodo ? EstadoSat.Cancelado : null,
        Estado = conTodo ? EstadoComprobante.Cancelado : EstadoComprobante.Vigente, PdfGenerado = conTodo, RelacionesLeidas = conTodo,
        PdfReclamadoHasta = conTodo ? new DateTime(2026, 12, 2, 0, 0, 0, DateTimeKind.Utc) : null,
    };

    [Fact]
    public async Task Cada_columna_se_lee_como_la_escribio_la_entidad_y_cada_una_recibe_su_clave()
    {
        await using var app = new AppFactory();
        var nuevos = Enumerable.Range(0, 5).Select(i => Nuevo(i, conTodo: i % 2 == 0)).ToList();
        await using (var db = app.CrearDb())
        {
            await using var tx = await db.Database.BeginTransactionAsync(Ct);
            await InsercionPorLotes.InsertarEntidadesAsync(db, nuevos, c => c.Uuid, tx.GetDbTransaction(), Ct);
            var relaciones = nuevos.Select(c => new CfdiRelacion { EmisorId = 1, ComprobanteId = c.Id, ReceptorRfc = c.ReceptorRfc, TipoRelacion = "01", Uuid = c.Uuid }).ToList();
            await InsercionPorLotes.InsertarEntidadesAsync(db, relaciones, tx.GetDbTransaction(), Ct);
            await tx.CommitAsync(Ct);
        }

        await using var lectura = app.CrearDb();
        var uuids = nuevos.Select(c => c.Uuid).ToList();
        var leidos = await lectura.Comprobantes.AsNoTracking().Where(c => uuids.Contains(c.Uuid)).ToDictionaryAsync(c => c.Uuid, Ct);
        var propiedades = lectura.Model.FindEntityType(typeof(Comprobante))!.GetProperties().Where(p => p.PropertyInfo is not null).ToList();
        foreach (var escrito in nuevos)
        {
            var leido = leidos[escrito.Uuid];
            Assert.True(escrito.Id > 0);
            foreach (var p in propiedades)
                Assert.True(Equals(p.PropertyInfo!.GetValue(escrito), p.PropertyInfo.GetValue(leido)),
                    $"{p.Name}: escrito {p.PropertyInfo.GetValue(escrito)}, leído {p.PropertyInfo.GetValue(leido)}");
        }
        // The database computed the folio search's columns from what was written.
        Assert.Equal(1, await BusquedaFolio.Filtrar(lectura.Comprobantes.Where(c => uuids.Contains(c.Uuid)), "a-162").CountAsync(Ct));
        // Each relation row points to its own comprobante: the keys came back to the right entities.
        Assert.All(await lectura.Relaciones.AsNoTracking().Where(r => uuids.Contains(r.Uuid)).Include(r => r.Comprobante).ToListAsync(Ct),
            r => Assert.Equal(r.Uuid, r.Comprobante!.Uuid));
    }

    [Fact]
    public async Task Una_fila_repetida_falla_como_en_SaveChanges_y_no_deja_nada_de_su_transaccion()
    {
        await using var app = new AppFactory();
        var primero = Nuevo(1, conTodo: false);
        await using (var db = app.CrearDb())
            await InsercionPorLotes.InsertarEntidadesAsync(db, [primero], c => c.Uuid, null, Ct);
        var otro = Nuevo(2, conTodo: true);
        var repetido = Nuevo(3, conTodo: false);
        repetido.Uuid = primero.Uuid;

        await using (var db = app.CrearDb())
        {
            await using var tx = await db.Database.BeginTransactionAsync(Ct);
            var e = await Assert.ThrowsAsync<DbUpdateException>(() => InsercionPorLotes.InsertarEntidadesAsync(db, [otro, repetido], tx.GetDbTransaction(), Ct));
            Assert.True(ErroresBaseDatos.EsViolacionDeUnicidad(e), e.InnerException?.Message);
        }

        await using var lectura = app.CrearDb();
        Assert.False(await lectura.Comprobantes.AnyAsync(c => c.Uuid == otro.Uuid, Ct));
        Assert.Equal(1, await lectura.Comprobantes.CountAsync(c => c.Uuid == primero.Uuid, Ct));
    }
}
