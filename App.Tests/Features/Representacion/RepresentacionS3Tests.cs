using System.Security.Cryptography;
using AccesoDescargas.Features.Representacion;
using AccesoDescargas.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace AccesoDescargas.Tests.Features.Representacion;

/// <summary>The representación impresa with the files in S3: the XML and the logo read from the bucket, the PDF stored there.</summary>
public class RepresentacionS3Tests
{
    static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    static async Task<byte[]> LeerAsync(IFileStore archivos, string key)
    {
        await using var s = (await archivos.AbrirAsync(key, ct: Ct))!;
        using var ms = new MemoryStream();
        await s.CopyToAsync(ms, Ct);
        return ms.ToArray();
    }

    [Fact]
    public async Task El_generador_en_segundo_plano_guarda_en_el_bucket_el_pdf_de_cada_comprobante()
    {
        await using var app = new AppFactory(almacen: ProveedorAlmacen.S3);
        var archivos = app.Services.GetRequiredService<IFileStore>();

        var limite = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            await using (var db = app.CrearDb())
                if (!await db.Comprobantes.AnyAsync(c => c.PdfKey == null, Ct)) break;
            Assert.True(DateTime.UtcNow < limite, "Se agotó el tiempo esperando que todos los comprobantes tengan PDF.");
            await Task.Delay(50, Ct);
        }

        await using var contexto = app.CrearDb();
        foreach (var c in await contexto.Comprobantes.AsNoTracking().OrderBy(c => c.Id).Take(3).ToListAsync(Ct))
        {
            var bytes = await LeerAsync(archivos, c.PdfKey!);
            Assert.Equal(c.PdfSize, bytes.Length);
            Assert.Equal(c.PdfSha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
            using var documento = PdfDocument.Open(bytes);
            Assert.Contains(c.Uuid, string.Concat(documento.GetPages().Select(p => p.Text)));
        }
    }

    [Fact]
    public async Task Un_pdf_pedido_lleva_el_logo_guardado_en_el_bucket()
    {
        await using var app = new AppFactory(new() { ["Representacion:EnSegundoPlano"] = "false" }, almacen: ProveedorAlmacen.S3);
        var archivos = app.Services.GetRequiredService<IFileStore>();
        var logo = await archivos.GuardarAsync(new MemoryStream(Convert.FromBase64String(
            "iVBORw0KGgoAAAANSUhEUgAAAAQAAAACCAIAAADwyuo0AAAAEElEQVR4nGM4oaEBRwzIHAB22gjB9Lr9UAAAAABJRU5ErkJggg==")), "png", Ct);
        await using var db = app.CrearDb();
        await db.Emisores.ExecuteUpdateAsync(s => s.SetProperty(e => e.LogoKey, logo.Key), Ct);
        var c = await db.Comprobantes.AsNoTracking().OrderBy(x => x.Id).FirstAsync(Ct);

        var pdf = await app.Services.GetRequiredService<RepresentacionService>().ObtenerOGenerarPdfAsync(c.EmisorId, c.Id, Ct);

        Assert.NotNull(pdf);
        using var documento = PdfDocument.Open(await LeerAsync(archivos, pdf.Key));
        var pagina = Assert.Single(documento.GetPages());
        Assert.Contains(c.Uuid, pagina.Text);
        Assert.Equal(2, pagina.GetImages().Count()); // the emisor's logo and the QR code
    }
}
