using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Comprobantes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AccesoDescargas.Tests.Features.Fiscal;

/// <summary>
/// The project's own CFDI files for payments (CfdiFiles/): for receptor XIQB891116QE4 of the demo emisor,
/// two PPD invoices, a PUE one, a pago 2.0 (parcialidad 1 of F-501, all of F-502), a pago 1.0
/// (parcialidad 2 of F-501), a nota de crédito on F-501, and a pago of another receptor naming F-501.
/// </summary>
public static class CfdisFiscales
{
    public const string Receptor = "XIQB891116QE4";
    public const string Factura1 = "11111111-AAAA-4AAA-8AAA-000000000001";
    public const string Factura2 = "11111111-AAAA-4AAA-8AAA-000000000002";
    public const string FacturaPue = "11111111-AAAA-4AAA-8AAA-000000000003";
    public const string Pago20 = "22222222-BBBB-4BBB-8BBB-000000000001";
    public const string Pago10 = "22222222-BBBB-4BBB-8BBB-000000000002";
    public const string PagoOtroReceptor = "22222222-BBBB-4BBB-8BBB-000000000009";
    public const string Nota = "33333333-CCCC-4CCC-8CCC-000000000001";

    public static readonly string[] Todos =
        ["factura-ppd-1.xml", "factura-ppd-2.xml", "factura-pue.xml", "pago20-parcialidad1.xml", "pago10-parcialidad2.xml", "nota-credito.xml", "pago20-otro-receptor.xml"];

    public static string Ruta(string nombre) => Path.Combine(AppContext.BaseDirectory, "Features", "Fiscal", "CfdiFiles", nombre);

    public static ArchivoEntrante Archivo(string nombre)
    {
        var bytes = File.ReadAllBytes(Ruta(nombre));
        return new(nombre, bytes.Length, _ => Task.FromResult<Stream>(new MemoryStream(bytes, writable: false)));
    }

    /// <summary>Imports the files one upload each, in the order given, as the demo admin of emisor 1.</summary>
    public static async Task ImportarAsync(AppFactory app, IEnumerable<string> nombres, CancellationToken ct)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var importacion = scope.ServiceProvider.GetRequiredService<ImportacionService>();
        foreach (var nombre in nombres)
        {
            var r = Assert.Single(await importacion.ImportarLoteAsync(1, new Actor(AppFactory.AdminEmail, "127.0.0.1"), [Archivo(nombre)], ct: ct));
            Assert.True(r.Estado == EstadoImportacion.Importado, $"{nombre}: {r.Detalle}");
        }
    }

    public static async Task<Comprobante> ComprobanteAsync(AppFactory app, string uuid, CancellationToken ct)
    {
        await using var db = app.CrearDb();
        return await db.Comprobantes.AsNoTracking().SingleAsync(c => c.EmisorId == 1 && c.Uuid == uuid, ct);
    }
}
