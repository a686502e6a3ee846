using AccesoDescargas.Features.Emisores;
using AccesoDescargas.Fiscal;

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
    /// <summary>Impuestos' TotalImpuestosTrasladados / TotalImpuestosRetenidos; null when the CFDI has none (or predates issue 10).</summary>
    public decimal? ImpuestosTrasladados { get; set; }
    public decimal? ImpuestosRetenidos { get; set; }
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

    /// <summary>PUE or PPD (3.3 and 4.0); 3.2's metodoDePago as written.</summary>
    public string? MetodoPago { get; set; }
    public string? FormaPago { get; set; }
    /// <summary>False until the relations (<see cref="CfdiRelacion"/>, <see cref="PagoAplicado"/>) are read from the XML: the start-up backfill's queue.</summary>
    public bool RelacionesLeidas { get; set; }
    public List<CfdiRelacion> Relaciones { get; set; } = [];
    public List<PagoAplicado> PagosAplicados { get; set; } = [];

    /// <summary>For an invoice (tipo I); null where it does not apply. Kept by <see cref="SaldosFiscales"/>.</summary>
    public EstadoPago? EstadoPago { get; set; }
    /// <summary>What is still owed; null when not applicable or when the CFDIs' amounts do not agree.</summary>
    public decimal? SaldoPendiente { get; set; }
    /// <summary>What the pagos (or a PUE) paid of it.</summary>
    public decimal? Pagado { get; set; }
    /// <summary>What its notas de crédito took off.</summary>
    public decimal? Acreditado { get; set; }

    /// <summary>SAT's last answer; null before the first. <see cref="Estado"/> stays the staff's own mark.</summary>
    public EstadoSat? EstadoSat { get; set; }
    public DateTime? EstadoSatVerificadoEn { get; set; }
    public string? SatEsCancelable { get; set; }
    public string? SatEstatusCancelacion { get; set; }
    public string? SatValidacionEfos { get; set; }
    /// <summary>When a check was last asked for (button or refresher): the once-a-minute limit is claimed on it atomically.</summary>
    public DateTime? SatSolicitadoEn { get; set; }

    /// <summary>Cancelled by the staff's mark or at SAT: then it does not count as a pago or nota.</summary>
    public bool EsCancelado => Estado == EstadoComprobante.Cancelado || EstadoSat == Fiscal.EstadoSat.Cancelado;
}
