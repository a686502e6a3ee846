namespace AccesoDescargas.Fiscal;

/// <summary>
/// A CFDI 3.2, 3.3 or 4.0 as <see cref="CfdiReader"/> reads it in one pass: what the import
/// validates and stores, the relations to other CFDIs, and what the printed representation shows.
/// Values are as written (trimmed), except where a member says it is normalised.
/// </summary>
public sealed record CfdiDocumento
{
    /// <summary>The timbre's UUID upper-cased; empty while the CFDI is not stamped.</summary>
    public string Uuid => Timbre?.Uuid.ToUpperInvariant() ?? "";
    /// <summary><see cref="Fecha"/> as a local date and time to the second (fraction and zone dropped).</summary>
    public DateTime FechaEmision { get; init; }
    /// <summary>The timbre's FechaTimbrado read like <see cref="FechaEmision"/>.</summary>
    public DateTime FechaTimbradoEmision { get; init; }
    /// <summary>3.2 made Moneda optional; an absent one meant pesos.</summary>
    public string MonedaEfectiva => Moneda ?? "MXN";
    /// <summary>For a pago (tipo P), the invoices its Pago nodes pay, upper-cased and without repeats, in order.</summary>
    public IReadOnlyList<string> UuidsRelacionados => TipoDeComprobante != "P"
        ? []
        : Pagos.SelectMany(p => p.Documentos).Select(d => d.IdDocumento.ToUpperInvariant()).Where(u => u.Length > 0).Distinct().ToList();

    public required string Version { get; init; }
    public string? Serie { get; init; }
    public string? Folio { get; init; }
    /// <summary>As written: local time without zone, <c>yyyy-MM-ddTHH:mm:ss</c>.</summary>
    public required string Fecha { get; init; }
    public string? LugarExpedicion { get; init; }
    /// <summary>I, E, T, N or P; 3.2's ingreso/egreso/traslado are mapped to I/E/T.</summary>
    public required string TipoDeComprobante { get; init; }
    public string? FormaPago { get; init; }
    public string? MetodoPago { get; init; }
    public string? CondicionesDePago { get; init; }
    public string? Moneda { get; init; }
    public decimal? TipoCambio { get; init; }
    public decimal SubTotal { get; init; }
    public decimal? Descuento { get; init; }
    public decimal Total { get; init; }
    public string? Exportacion { get; init; }
    public string? NoCertificado { get; init; }
    public string? Sello { get; init; }
    public CfdiEmisor Emisor { get; init; } = new();
    public CfdiReceptor Receptor { get; init; } = new();
    public IReadOnlyList<CfdiRelacionado> Relacionados { get; init; } = [];
    public IReadOnlyList<CfdiConcepto> Conceptos { get; init; } = [];
    public CfdiImpuestos? Impuestos { get; init; }
    /// <summary>Pagos 1.0 or 2.0; empty unless the CFDI carries that complemento.</summary>
    public IReadOnlyList<CfdiPago> Pagos { get; init; } = [];
    /// <summary>Pagos 2.0 <c>Totales/@MontoTotalPagos</c>.</summary>
    public decimal? MontoTotalPagos { get; init; }
    /// <summary>Null while the CFDI is not stamped ("no timbrado").</summary>
    public CfdiTimbre? Timbre { get; init; }
}

public sealed record CfdiEmisor
{
    public string Rfc { get; init; } = "";
    public string? Nombre { get; init; }
    /// <summary>Catalog key in 3.3/4.0; free text in 3.2 (several regímenes joined).</summary>
    public string? RegimenFiscal { get; init; }
}

public sealed record CfdiReceptor
{
    public string Rfc { get; init; } = "";
    public string? Nombre { get; init; }
    public string? UsoCfdi { get; init; }
    public string? DomicilioFiscal { get; init; }
    public string? RegimenFiscal { get; init; }
}

public sealed record CfdiRelacionado(string? TipoRelacion, string Uuid);

public sealed record CfdiConcepto
{
    public string? ClaveProdServ { get; init; }
    public decimal Cantidad { get; init; }
    public string? ClaveUnidad { get; init; }
    public string? Unidad { get; init; }
    public string Descripcion { get; init; } = "";
    public decimal ValorUnitario { get; init; }
    public decimal Importe { get; init; }
    public decimal? Descuento { get; init; }
}

public sealed record CfdiImpuestos
{
    public decimal? TotalTrasladados { get; init; }
    public decimal? TotalRetenidos { get; init; }
    public IReadOnlyList<CfdiImpuesto> Traslados { get; init; } = [];
    public IReadOnlyList<CfdiImpuesto> Retenciones { get; init; } = [];
}

/// <param name="Impuesto">001/002/003 in 3.3/4.0; ISR/IVA/IEPS in 3.2.</param>
/// <param name="TasaOCuota">A fraction for Tasa (0.16), an amount for Cuota; 3.2 percentages are converted to fractions.</param>
/// <param name="Importe">Absent for Exento.</param>
public sealed record CfdiImpuesto(string Impuesto, string? TipoFactor, decimal? TasaOCuota, decimal? Base, decimal? Importe);

public sealed record CfdiPago
{
    public string? FechaPago { get; init; }
    public string? FormaDePago { get; init; }
    public string? Moneda { get; init; }
    public decimal? TipoCambio { get; init; }
    public decimal Monto { get; init; }
    public string? NumOperacion { get; init; }
    public IReadOnlyList<CfdiDoctoRelacionado> Documentos { get; init; } = [];
}

public sealed record CfdiDoctoRelacionado
{
    public string IdDocumento { get; init; } = "";
    public string? Serie { get; init; }
    public string? Folio { get; init; }
    public string? Moneda { get; init; }
    public string? NumParcialidad { get; init; }
    public decimal? ImpSaldoAnt { get; init; }
    public decimal? ImpPagado { get; init; }
    public decimal? ImpSaldoInsoluto { get; init; }
}

/// <summary>TimbreFiscalDigital 1.0 or 1.1, values as written (the cadena original must reproduce them exactly).</summary>
public sealed record CfdiTimbre
{
    public required string Version { get; init; }
    public required string Uuid { get; init; }
    public required string FechaTimbrado { get; init; }
    /// <summary>Absent in TFD 1.0.</summary>
    public string? RfcProvCertif { get; init; }
    public string? Leyenda { get; init; }
    public string SelloCfd { get; init; } = "";
    public string NoCertificadoSat { get; init; } = "";
    public string SelloSat { get; init; } = "";
}
