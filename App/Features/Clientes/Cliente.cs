using AccesoDescargas.Features.Emisores;
using AccesoDescargas.Fiscal;

namespace AccesoDescargas.Features.Clientes;

public class Cliente
{
    public int Id { get; set; }
    public int EmisorId { get; set; }
    public Emisor? Emisor { get; set; }
    public required string Rfc { get; set; }
    public required string Nombre { get; set; }
    public string? Email { get; set; }
    public string? RegimenFiscal { get; set; }
    public string? CodigoPostal { get; set; }
    public DateTime CreadoEn { get; set; } = DateTime.UtcNow;
}
