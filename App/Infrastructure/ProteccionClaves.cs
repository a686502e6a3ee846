using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace AccesoDescargas.Infrastructure;

/// <summary>
/// The Data Protection key ring at rest. With <c>DataProtection:Certificado</c> (a .pfx with its private
/// key, password in <c>DataProtection:CertificadoContrasena</c>) every key is encrypted with that
/// certificate wherever the ring is persisted, so a copy of the keys (or of a backup) alone cannot
/// decrypt cookies or the outbox. Independent of where the keys are stored.
/// </summary>
public static class ProteccionClaves
{
    public static IDataProtectionBuilder ProtegerConCertificado(this IDataProtectionBuilder dp, IConfiguration configuration)
    {
        var ruta = configuration["DataProtection:Certificado"];
        if (string.IsNullOrWhiteSpace(ruta)) return dp;
        X509Certificate2 certificado;
        try
        {
            certificado = X509CertificateLoader.LoadPkcs12FromFile(ruta, configuration["DataProtection:CertificadoContrasena"]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ConfiguracionException(
                $"No se pudo abrir el certificado de DataProtection:Certificado «{ruta}» ({e.Message}). " +
                "Debe ser un archivo .pfx con su llave privada; su contraseña va en DataProtection:CertificadoContrasena.", e);
        }
        if (!certificado.HasPrivateKey)
            throw new ConfiguracionException($"El certificado de DataProtection:Certificado «{ruta}» no incluye su llave privada (use un .pfx).");
        // The certificate is not in a machine store on Linux: decryption is told about it directly.
        return dp.ProtectKeysWithCertificate(certificado).UnprotectKeysWithAnyCertificate(certificado);
    }
}
