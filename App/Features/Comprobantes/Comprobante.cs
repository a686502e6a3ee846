using AccesoDescargas.Features.Emisores;

namespace AccesoDescargas.Features.Comprobantes;

public enum EstadoComprobante { Vigente = 0, Cancelado = 1 }

public class Comprobante
{
    public long Id { get; set; }
    public int EmisorId { get; set; }
    public Emisor? Emisor { get; set; }
    /// <summary>Upper-case; unique per emisor (not globally: test files reuse UUIDs across emisores).</summary>
    public required string Uuid { get; set; }
    public required string Version { get; set; }
    public string? Serie { get; set; }
    public string? Folio { get; set; }
    /// <summary>The CFDI's own local date and time, without zone.</summary>
    public DateTime Fecha { get; set; }
    public DateTime FechaTimbrado { get; set; }
    /// <summary>I, E, T, N or P.</summary>
    public required string Tipo { get; set; }
    public decimal SubTotal { get; set; }
    public decimal Total { get; set; }
    public required string Moneda { get; set; }
    public required string ReceptorRfc { get; set; }
    public string? ReceptorNombre { get; set; }
    public string? UsoCfdi { get; set; }
    public EstadoComprobante Estado { get; set; }
    /// <summary>UUIDs of the documents a pago (tipo P) pays, comma-separated.</summary>
    public string? UuidsRelacionados { get; set; }
    public required string XmlKey { get; set; }
    public long XmlSize { get; set; }
    public required string XmlSha256 { get; set; }
    public string? PdfKey { get; set; }
    public long? PdfSize { get; set; }
    public string? PdfSha256 { get; set; }
    /// <summary>True when the PDF is our generated representación impresa, not one the emisor uploaded.</summary>
    public bool PdfGenerado { get; set; }
    /// <summary>
    /// While set in the future, the PDF generator of one instance is rendering this comprobante, or its
    /// last attempt failed and it waits for a retry: no other instance takes it until then.
    /// </summary>
    public DateTime? PdfReclamadoHasta { get; set; }
    public DateTime ImportadoEn { get; set; } = DateTime.UtcNow;
}
