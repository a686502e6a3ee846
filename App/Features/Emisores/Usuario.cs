using Microsoft.AspNetCore.Identity;

namespace AccesoDescargas.Features.Emisores;

/// <summary>An issuer staff member. Belongs to exactly one emisor and only ever sees its data.</summary>
public class Usuario : IdentityUser
{
    public int EmisorId { get; set; }
    public Emisor? Emisor { get; set; }
}
