using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AccesoDescargas.Features.Emisores;
using Microsoft.Extensions.Options;

namespace AccesoDescargas.Tests.Features.Emisores;

/// <summary>
/// Certificates shaped like SAT's, made by the tests: a CA of their own (trusted through
/// Emisores:CertificadosAc) and CSDs or FIELs it issues. SAT's real test CSD is read from ../shared/csd.
/// </summary>
internal sealed class Csds : IDisposable
{
    public const string Contrasena = "12345678a";
    public const string NoCertificado = "30001000000500003456";

    private readonly RSA llaveAc = RSA.Create(2048);
    private readonly X509Certificate2 ac;

    public string CarpetaAc { get; } = Directory.CreateTempSubdirectory("accesodescargas-ac-").FullName;

    public Csds()
    {
        var solicitud = new CertificateRequest("CN=AC de pruebas, O=SERVICIO DE ADMINISTRACION TRIBUTARIA, C=MX", llaveAc, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        solicitud.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        solicitud.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        solicitud.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(solicitud.PublicKey, false));
        ac = solicitud.CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-5), DateTimeOffset.UtcNow.AddYears(10));
        File.WriteAllBytes(Path.Combine(CarpetaAc, "AC_pruebas.cer"), ac.RawData);
    }

    public Dictionary<string, string?> Ajustes => new() { ["Emisores:CertificadosAc"] = CarpetaAc };

    public VerificadorCsd Verificador(DateTimeOffset? ahora = null, string? carpeta = "") =>
        new(Options.Create(new EmisoresOptions { CertificadosAc = carpeta == "" ? CarpetaAc : carpeta }), new Reloj(ahora ?? DateTimeOffset.UtcNow));

    /// <summary>A CSD (OU = branch, digitalSignature + nonRepudiation) or, with <paramref name="fiel"/>, an e.firma; issued by the tests' CA unless <paramref name="autofirmado"/>.</summary>
    public (byte[] Cer, byte[] Key) Emitir(string rfc, bool fiel = false, bool autofirmado = false, DateTimeOffset? desde = null, DateTimeOffset? hasta = null)
    {
        using var llave = RSA.Create(2048);
        var nombre = new X500DistinguishedNameBuilder();
        nombre.AddCommonName("EMPRESA DE PRUEBA SA DE CV");
        nombre.AddOrganizationName("EMPRESA DE PRUEBA SA DE CV");
        nombre.Add("2.5.4.45", $"{rfc} / XIQB891116QE4", UniversalTagNumber.PrintableString);
        nombre.Add("2.5.4.5", " / XIQB891116MGRMZR05", UniversalTagNumber.PrintableString);
        if (!fiel) nombre.AddOrganizationalUnitName("Matriz");
        var solicitud = new CertificateRequest(nombre.Build(), llave, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        solicitud.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var usos = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation;
        if (fiel) usos |= X509KeyUsageFlags.DataEncipherment | X509KeyUsageFlags.KeyAgreement;
        solicitud.CertificateExtensions.Add(new X509KeyUsageExtension(usos, true));
        var (inicio, fin) = (desde ?? DateTimeOffset.UtcNow.AddDays(-30), hasta ?? DateTimeOffset.UtcNow.AddYears(4));
        using var certificado = autofirmado
            ? solicitud.CreateSelfSigned(inicio, fin)
            : solicitud.Create(ac, inicio, fin, Encoding.ASCII.GetBytes(NoCertificado));
        var key = llave.ExportEncryptedPkcs8PrivateKey(Contrasena, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 2048));
        return (certificado.RawData, key);
    }

    /// <summary>SAT's public test CSD of EKU9003173C9, beside the repository (../shared/csd from its root, or an ancestor's shared/csd).</summary>
    public static (byte[] Cer, byte[] Key) DelSat()
    {
        var carpeta = CarpetaCsdSat();
        return (File.ReadAllBytes(Path.Combine(carpeta, "EKU9003173C9.cer")), File.ReadAllBytes(Path.Combine(carpeta, "EKU9003173C9.key")));
    }

    private static string CarpetaCsdSat()
    {
        var raiz = new DirectoryInfo(AppContext.BaseDirectory);
        while (raiz is not null && !File.Exists(Path.Combine(raiz.FullName, "AccesoDescargas.sln"))) raiz = raiz.Parent;
        for (var dir = raiz?.Parent; dir is not null; dir = dir.Parent)
        {
            var csd = Path.Combine(dir.FullName, "shared", "csd");
            if (File.Exists(Path.Combine(csd, "EKU9003173C9.cer"))) return csd;
        }
        throw new InvalidOperationException(
            $"No se encontró el CSD de prueba del SAT (shared/csd/EKU9003173C9.cer) junto al repositorio {raiz?.FullName}: debe estar en ../shared/csd.");
    }

    public void Dispose()
    {
        ac.Dispose();
        llaveAc.Dispose();
        try { Directory.Delete(CarpetaAc, recursive: true); } catch (IOException) { }
    }

    private sealed class Reloj(DateTimeOffset ahora) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => ahora;
    }
}
