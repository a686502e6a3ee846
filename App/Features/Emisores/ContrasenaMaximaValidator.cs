using Microsoft.AspNetCore.Identity;
using AccesoDescargas.Contrasenas;

namespace AccesoDescargas.Features.Emisores;

/// <summary>Staff passwords follow the same maximum as receptors' (checked before Identity hashes them).</summary>
public sealed class ContrasenaMaximaValidator : IPasswordValidator<Usuario>
{
    public Task<IdentityResult> ValidateAsync(UserManager<Usuario> manager, Usuario user, string? password) =>
        Task.FromResult(ContrasenaPolitica.EsDemasiadoLarga(password)
            ? IdentityResult.Failed(new IdentityError { Code = "PasswordTooLong", Description = ContrasenaPolitica.MensajeDemasiadoLarga })
            : IdentityResult.Success);
}
