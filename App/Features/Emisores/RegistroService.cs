using System.Globalization;
using System.Text;
using AccesoDescargas.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using AccesoDescargas.Fiscal;

namespace AccesoDescargas.Features.Emisores;

public sealed record ResultadoRegistro(IReadOnlyList<string> Errores, Usuario? Usuario = null);

/// <summary>Creates an emisor with its first staff user, in one transaction.</summary>
public sealed class RegistroService(AppDbContext db, UserManager<Usuario> users, SignInManager<Usuario> signIn)
{
    public async Task<ResultadoRegistro> RegistrarAsync(string rfc, string razonSocial, string email, string password, bool iniciarSesion = true)
    {
        var validacion = Rfc.Validar(rfc, permitirGenerico: true);
        if (!validacion.EsValido)
            return new([validacion.Error!]);
        if (Rfc.EsGenerico(validacion.Rfc))
            return new([MensajeRfcGenerico(validacion.Rfc)]);

        if (await db.Emisores.AnyAsync(e => e.Rfc == validacion.Rfc))
            return new([MensajeRfcRegistrado(validacion.Rfc)]);

        await using var tx = await db.Database.BeginTransactionAsync();
        var emisor = new Emisor
        {
            Rfc = validacion.Rfc,
            RazonSocial = razonSocial.Trim(),
            Slug = await SlugDisponibleAsync(razonSocial),
        };
        db.Emisores.Add(emisor);
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            if (!await OtroConElRfcAsync(validacion.Rfc)) throw;
            return new([MensajeRfcRegistrado(validacion.Rfc)]); // registered at the same moment by someone else
        }

        var usuario = new Usuario { UserName = email.Trim(), Email = email.Trim(), EmisorId = emisor.Id, EmailConfirmed = true };
        var creado = await users.CreateAsync(usuario, password);
        if (!creado.Succeeded)
            return new(creado.Errors.Select(e => e.Description).ToList());

        await tx.CommitAsync();
        if (iniciarSesion)
            await signIn.SignInAsync(usuario, isPersistent: false);
        return new([], usuario);
    }

    /// <summary>The registration speaks of the emisor: the receptors' message ("no puede tener acceso") would not apply.</summary>
    public static string MensajeRfcGenerico(string rfc) =>
        $"{rfc} es el RFC genérico que se factura al público en general o a extranjeros; no identifica a una empresa. Registre el RFC de su empresa.";

    public static string MensajeRfcRegistrado(string rfc) =>
        $"Ya hay un emisor registrado con el RFC {rfc}. Si es el suyo, pida acceso a quien lo administra.";

    private async Task<bool> OtroConElRfcAsync(string rfc)
    {
        db.ChangeTracker.Clear();
        return await db.Emisores.AnyAsync(e => e.Rfc == rfc);
    }

    private async Task<string> SlugDisponibleAsync(string razonSocial)
    {
        var baseSlug = Slug(razonSocial);
        var slug = baseSlug;
        for (var n = 2; await db.Emisores.AnyAsync(e => e.Slug == slug); n++)
            slug = $"{baseSlug}-{n}";
        return slug;
    }

    /// <summary>"Comercializadora Añil, S.A. de C.V." → "comercializadora-anil-s-a-de-c-v".</summary>
    public static string Slug(string texto)
    {
        var sb = new StringBuilder();
        foreach (var c in texto.Normalize(NormalizationForm.FormD).ToLowerInvariant())
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9') sb.Append(c);
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        }
        var slug = sb.ToString().Trim('-');
        if (slug.Length > 40) slug = slug[..40].Trim('-');
        return slug.Length == 0 ? "emisor" : slug;
    }
}
