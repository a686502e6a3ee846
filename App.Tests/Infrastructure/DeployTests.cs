using System.Diagnostics;

namespace AccesoDescargas.Tests.Infrastructure;

/// <summary>The shipped deploy/nginx.conf is a configuration nginx accepts (test.sh installs Debian's nginx).</summary>
public sealed class DeployTests : IDisposable
{
    private readonly string carpeta = Directory.CreateTempSubdirectory("accesodescargas-nginx-").FullName;

    private static string Raiz()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "AccesoDescargas.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("No se encontró la raíz del repositorio.");
    }

    private static async Task<(int Codigo, string Salida)> EjecutarAsync(string programa, params string[] argumentos)
    {
        var inicio = new ProcessStartInfo(programa) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in argumentos) inicio.ArgumentList.Add(a);
        using var p = Process.Start(inicio)!;
        var salida = p.StandardOutput.ReadToEndAsync(Xunit.TestContext.Current.CancellationToken);
        var error = p.StandardError.ReadToEndAsync(Xunit.TestContext.Current.CancellationToken);
        await p.WaitForExitAsync(Xunit.TestContext.Current.CancellationToken);
        return (p.ExitCode, await salida + await error);
    }

    [Fact]
    public async Task La_configuracion_de_nginx_pasa_nginx_t_con_sus_rutas_en_una_carpeta_temporal()
    {
        var nginx = Environment.GetEnvironmentVariable("PRUEBAS_NGINX") is { Length: > 0 } n ? n : "/usr/sbin/nginx";
        Assert.True(File.Exists(nginx), $"No está {nginx}: ./test.sh instala nginx de Debian.");
        var (codigoCert, salidaCert) = await EjecutarAsync("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-keyout", Path.Combine(carpeta, "privkey.pem"), "-out", Path.Combine(carpeta, "fullchain.pem"));
        Assert.True(codigoCert == 0, salidaCert);

        // Only the machine-specific paths change; every directive under test is the shipped one.
        var conf = (await File.ReadAllTextAsync(Path.Combine(Raiz(), "deploy", "nginx.conf"), Xunit.TestContext.Current.CancellationToken))
            .Replace("/etc/ssl/accesodescargas/", carpeta + "/")
            .Replace("/var/log/nginx/", carpeta + "/")
            .Replace("/run/nginx.pid", Path.Combine(carpeta, "nginx.pid"));
        Assert.Contains("ip_hash;", conf);
        Assert.Contains("limit_req zone=ingresos", conf);
        var ruta = Path.Combine(carpeta, "nginx.conf");
        await File.WriteAllTextAsync(ruta, conf, Xunit.TestContext.Current.CancellationToken);

        var (codigo, salida) = await EjecutarAsync(nginx, "-t", "-p", carpeta, "-c", ruta);

        Assert.True(codigo == 0, salida);
        Assert.Contains("syntax is ok", salida);
        Assert.Contains("test is successful", salida);
    }

    public void Dispose()
    {
        try { Directory.Delete(carpeta, recursive: true); } catch (IOException) { }
    }
}
