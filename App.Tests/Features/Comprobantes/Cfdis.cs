using System.IO.Compression;
using System.Text;
using AccesoDescargas.Features.Comprobantes;
using AccesoDescargas.Infrastructure.Demo;

namespace AccesoDescargas.Tests.Features.Comprobantes;

/// <summary>Stamped-looking CFDI 4.0 of the demo emisor (EKU9003173C9) and small files built around them, for import tests.</summary>
public static class Cfdis
{
    public const string EmisorRfc = "EKU9003173C9";
    public const string Pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

    public static string Xml(Guid uuid, string receptorRfc = "XIQB891116QE4", string receptorNombre = "BERENICE XIMO QUEZADA",
        string emisorRfc = EmisorRfc, string? serie = "FA", string? folio = "1024", string tipo = "I", DateTime? fecha = null) =>
        CfdiDeEjemplo.Xml(emisorRfc, "ESCUELA KEMPER URGATE SA DE CV", receptorRfc, receptorNombre, uuid,
            fecha ?? new DateTime(2025, 3, 14, 10, 30, 0), [new(1, "86121700", "Colegiatura marzo", 2500m)], tipo, serie, folio);

    public static byte[] Bytes(string texto) => Encoding.UTF8.GetBytes(texto);

    public static ArchivoEntrante Archivo(string nombre, string contenido) => Archivo(nombre, Bytes(contenido));

    public static ArchivoEntrante Archivo(string nombre, byte[] contenido) =>
        new(nombre, contenido.Length, _ => Task.FromResult<Stream>(new MemoryStream(contenido, writable: false)));

    public static byte[] Zip(params (string Nombre, byte[] Contenido)[] entradas)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (nombre, contenido) in entradas)
            {
                using var s = zip.CreateEntry(nombre, CompressionLevel.SmallestSize).Open();
                s.Write(contenido);
            }
        }
        return ms.ToArray();
    }
}
