using AccesoDescargas.Fiscal;

namespace AccesoDescargas.Features.Emisores;

/// <summary>The tenant: the company that issues the CFDI and owns a portal de descargas.</summary>
public class Emisor
{
    public int Id { get; set; }
    public required string Rfc { get; set; }
    public required string RazonSocial { get; set; }
    public string? RegimenFiscal { get; set; }
    public string? CodigoPostal { get; set; }
    /// <summary>Used in portal URLs: /portal/{slug}.</summary>
    public required string Slug { get; set; }
    /// <summary>File-store key of the emisor's logo (PNG or JPEG), shown on the portal and printed CFDI.</summary>
    public string? LogoKey { get; set; }
    public DateTime CreadoEn { get; set; } = DateTime.UtcNow;
    /// <summary>
    /// When the emisor proved its RFC with its CSD; null while "sin verificar": it may set up clientes and
    /// import, but nothing is emailed to its receptors and its portal is not active.
    /// </summary>
    public DateTime? VerificadoEn { get; set; }
    /// <summary>The number of the CSD that proved it (SAT's 20 digits) and the certificate's validity.</summary>
    public string? CsdNoCertificado { get; set; }
    public DateTime? CsdVigenteDesde { get; set; }
    public DateTime? CsdVigenteHasta { get; set; }
}
