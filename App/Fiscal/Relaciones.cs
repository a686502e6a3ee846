using AccesoDescargas.Features.Comprobantes;

namespace AccesoDescargas.Fiscal;

/// <summary>
/// One <c>cfdi:CfdiRelacionado</c> of a comprobante: it says (with <see cref="TipoRelacion"/>) how it
/// relates to <see cref="Uuid"/>. Links are resolved when read, within one emisor and one receptor
/// RFC, so they work whichever of the two CFDIs was imported first and never reach another receptor.
/// </summary>
public class CfdiRelacion
{
    public long Id { get; set; }
    public int EmisorId { get; set; }
    public long ComprobanteId { get; set; }
    public Comprobante? Comprobante { get; set; }
    public required string ReceptorRfc { get; set; }
    /// <summary>01 nota de crédito, 04 sustitución, 07 anticipo…; empty when the CFDI did not say.</summary>
    public required string TipoRelacion { get; set; }
    /// <summary>The related CFDI's UUID, upper-case.</summary>
    public required string Uuid { get; set; }
}

/// <summary>One <c>DoctoRelacionado</c> of one <c>Pago</c> of a pago (tipo P), with its Pago's data: what it paid of which invoice.</summary>
public class PagoAplicado
{
    public long Id { get; set; }
    public int EmisorId { get; set; }
    /// <summary>The pago (tipo P) that carries it.</summary>
    public long ComprobanteId { get; set; }
    public Comprobante? Comprobante { get; set; }
    public required string ReceptorRfc { get; set; }
    /// <summary>The paid invoice's UUID, upper-case.</summary>
    public required string IdDocumento { get; set; }
    /// <summary>Position of its Pago node within the CFDI, from 0.</summary>
    public int Pago { get; set; }
    public DateTime? FechaPago { get; set; }
    public string? FormaDePago { get; set; }
    public string? MonedaPago { get; set; }
    public decimal Monto { get; set; }
    public string? MonedaDocumento { get; set; }
    public int? NumParcialidad { get; set; }
    public decimal? ImpSaldoAnt { get; set; }
    public decimal? ImpPagado { get; set; }
    public decimal? ImpSaldoInsoluto { get; set; }
}

/// <summary>One answer of SAT's ConsultaCFDIService that changed what was known of a comprobante.</summary>
public class ConsultaSat
{
    public long Id { get; set; }
    public long ComprobanteId { get; set; }
    public DateTime Cuando { get; set; }
    public required string CodigoEstatus { get; set; }
    public EstadoSat? Estado { get; set; }
    public string? EsCancelable { get; set; }
    public string? EstatusCancelacion { get; set; }
    public string? ValidacionEfos { get; set; }
}

public enum EstadoSat { Vigente = 1, Cancelado = 2, NoEncontrado = 3 }

/// <summary>What an invoice still owes; stored per comprobante, recomputed whenever a related pago or nota changes.</summary>
public enum EstadoPago { Pue = 1, Pendiente = 2, Parcial = 3, Pagada = 4, Inconsistente = 5 }
