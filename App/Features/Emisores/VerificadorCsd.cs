using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace AccesoDescargas.Features.Emisores;

public sealed class EmisoresOptions
{
    /// <summary>Folder with SAT's CA certificates (.cer/.crt/.pem, DER or PEM): a CSD must chain to one of them.</summary>
    public string? CertificadosAc { get; set; }
}

/// <summary>What a verified CSD leaves behind: its number and validity. The key and its password are never kept.</summary>
public sealed record CsdVerificado(string Rfc, string NoCertificado, DateTime VigenteDesde, DateTime VigenteHasta);

public sealed record ResultadoCsd(CsdVerificado? Csd, string? Error)
{
    public static ResultadoCsd Rechazo(string error) => new(null, error);
}

/// <summary>
/// Proves that an emisor owns its RFC with its certificado de sello digital (CSD): the certificate's
/// subject carries the RFC, the uploaded private key (PKCS#8 encrypted DER, as SAT ships it) opens with
/// the password and matches the certificate, the chain ends in one of SAT's CA certificates, the
/// certificate is a CSD and not an e.firma (FIEL), and it is valid today.
/// CSD or FIEL: SAT issues both from the same CAs with the same subject; a CSD names a branch
/// (sucursal) in its OU and its key usage is digitalSignature + nonRepudiation only, while a FIEL has
/// no OU and also allows dataEncipherment and keyAgreement (the rule phpcfdi/credentials documents).
/// </summary>
public sealed class VerificadorCsd(Microsoft.Extensions.Options.IOptions<EmisoresOptions> options, TimeProvider reloj)
{
    public const long TamanoMaximo = 64 * 1024;
    private const string OidRfc = "2.5.4.45"; // x500UniqueIdentifier
    private const string OidOu = "2.5.4.11";

    public const string MensajeCerNoValido = "El archivo .cer no es un certificado válido.";
    public const string MensajeSinRfc = "El certificado no indica un RFC (x500UniqueIdentifier).";
    public const string MensajeEsFiel = "El certificado es de e.firma (FIEL), no un certificado de sello digital (CSD). Suba el CSD con el que sella sus facturas.";
    public const string MensajeNoEsCsd = "El certificado no es un certificado de sello digital (CSD) del SAT.";
    public const string MensajeLlaveNoValida = "La contraseña no abre la llave privada, o el archivo .key no es una llave privada del SAT.";
    public const string MensajeLlaveNoCorresponde = "La llave privada no corresponde al certificado.";
    public const string MensajeNoEmitidoPorSat = "El certificado no fue emitido por el SAT.";
    public const string MensajeSinCertificadosAc = "No se pueden verificar certificados: el administrador aún no instala los certificados de las autoridades certificadoras del SAT (Emisores:CertificadosAc).";

    public static string MensajeOtroRfc(string delCertificado, string delEmisor) =>
        $"El certificado es del RFC {delCertificado}, no del RFC de este emisor ({delEmisor}).";

    public ResultadoCsd Verificar(byte[] cer, byte[] key, string password, string rfcEmisor)
    {
        try
        {
            X509Certificate2 certificado;
            try { certificado = X509CertificateLoader.LoadCertificate(cer); }
            catch (CryptographicException) { return ResultadoCsd.Rechazo(MensajeCerNoValido); }
            using (certificado)
            {
                var rfc = Rfc(certificado);
                if (rfc is null) return ResultadoCsd.Rechazo(MensajeSinRfc);
                if (!string.Equals(rfc, rfcEmisor.Trim().ToUpperInvariant(), StringComparison.Ordinal))
                    return ResultadoCsd.Rechazo(MensajeOtroRfc(rfc, rfcEmisor));
                if (Tipo(certificado) is { } noEsCsd) return ResultadoCsd.Rechazo(noEsCsd);
                if (!LlaveCorresponde(certificado, key, password, out var errorLlave)) return ResultadoCsd.Rechazo(errorLlave!);

                var ahora = reloj.GetUtcNow().UtcDateTime;
                var (desde, hasta) = (certificado.NotBefore.ToUniversalTime(), certificado.NotAfter.ToUniversalTime());
                if (ahora < desde) return ResultadoCsd.Rechazo($"El certificado aún no es válido: lo es a partir del {Fecha(desde)}.");
                if (ahora > hasta) return ResultadoCsd.Rechazo($"El certificado venció el {Fecha(hasta)}. Tramite un CSD nuevo en el SAT.");
                if (Cadena(certificado, ahora) is { } errorCadena) return ResultadoCsd.Rechazo(errorCadena);

                return new ResultadoCsd(new CsdVerificado(rfc, NoCertificado(certificado), desde, hasta), null);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>The first RFC of the subject's x500UniqueIdentifier ("EKU9003173C9 / XIQB891116QE4": the emisor, then its legal representative).</summary>
    public static string? Rfc(X509Certificate2 certificado)
    {
        var valor = Atributo(certificado.SubjectName, OidRfc);
        if (string.IsNullOrWhiteSpace(valor)) return null;
        var primero = valor.Split(" / ")[0].Trim().ToUpperInvariant();
        return primero.Length == 0 ? null : primero;
    }

    /// <summary>SAT's certificate number: the serial number's bytes are ASCII digits ("30001000000400002434").</summary>
    public static string NoCertificado(X509Certificate2 certificado)
    {
        var bytes = Convert.FromHexString(certificado.SerialNumber);
        return bytes.Length > 0 && bytes.All(b => b is >= (byte)'0' and <= (byte)'9') ? Encoding.ASCII.GetString(bytes) : certificado.SerialNumber;
    }

    private static string? Tipo(X509Certificate2 certificado)
    {
        var uso = certificado.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault()?.KeyUsages ?? X509KeyUsageFlags.None;
        var ou = Atributo(certificado.SubjectName, OidOu);
        var deFiel = X509KeyUsageFlags.DataEncipherment | X509KeyUsageFlags.KeyAgreement | X509KeyUsageFlags.KeyEncipherment;
        if ((uso & deFiel) != 0 || string.IsNullOrWhiteSpace(ou)) return MensajeEsFiel;
        var deCsd = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation;
        return (uso & deCsd) == deCsd && (uso & ~deCsd) == 0 ? null : MensajeNoEsCsd;
    }

    private static bool LlaveCorresponde(X509Certificate2 certificado, byte[] key, string password, out string? error)
    {
        error = null;
        using var publica = certificado.GetRSAPublicKey();
        if (publica is null) { error = MensajeNoEsCsd; return false; }
        using var privada = RSA.Create();
        try
        {
            privada.ImportEncryptedPkcs8PrivateKey(password, key, out var leidos);
            if (leidos != key.Length) throw new CryptographicException();
        }
        catch (CryptographicException)
        {
            error = MensajeLlaveNoValida;
            return false;
        }
        // Possession is the proof: the private key must sign what the certificate's public key verifies.
        var reto = RandomNumberGenerator.GetBytes(32);
        var firma = privada.SignData(reto, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (publica.VerifyData(reto, firma, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)) return true;
        error = MensajeLlaveNoCorresponde;
        return false;
    }

    private string? Cadena(X509Certificate2 certificado, DateTime ahora)
    {
        var autoridades = CertificadosAc();
        try
        {
            if (autoridades.Count == 0) return MensajeSinCertificadosAc;
            using var cadena = new X509Chain();
            cadena.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            cadena.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // SAT's OCSP is for government agencies only
            cadena.ChainPolicy.VerificationTime = ahora;
            // The certificate's own dates were checked against the clock above; SAT's older CAs may have expired since.
            cadena.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
            foreach (var ac in autoridades)
                (ac.SubjectName.RawData.AsSpan().SequenceEqual(ac.IssuerName.RawData) ? cadena.ChainPolicy.CustomTrustStore : cadena.ChainPolicy.ExtraStore).Add(ac);
            return cadena.Build(certificado) ? null : MensajeNoEmitidoPorSat;
        }
        finally
        {
            foreach (var ac in autoridades) ac.Dispose();
        }
    }

    private List<X509Certificate2> CertificadosAc()
    {
        var carpeta = options.Value.CertificadosAc;
        var lista = new List<X509Certificate2>();
        if (string.IsNullOrWhiteSpace(carpeta) || !Directory.Exists(carpeta)) return lista;
        foreach (var archivo in Directory.EnumerateFiles(carpeta))
        {
            if (Path.GetExtension(archivo).ToLowerInvariant() is not (".cer" or ".crt" or ".pem" or ".der")) continue;
            try { lista.Add(X509CertificateLoader.LoadCertificateFromFile(archivo)); }
            catch (CryptographicException) { }
        }
        return lista;
    }

    private static string? Atributo(X500DistinguishedName nombre, string oid)
    {
        foreach (var rdn in nombre.EnumerateRelativeDistinguishedNames())
            if (!rdn.HasMultipleElements && rdn.GetSingleElementType().Value == oid)
                return rdn.GetSingleElementValue();
        return null;
    }

    private static string Fecha(DateTime utc) => utc.ToString("dd/MM/yyyy", CultureInfo.GetCultureInfo("es-MX"));
}
