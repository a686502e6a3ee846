using System.Diagnostics;
using System.Text.RegularExpressions;

namespace AccesoDescargas.Tests.Infrastructure;

/// <summary>
/// The shipped deploy/nginx.conf running on loopback in front of the given instances: only the
/// machine-specific lines change (paths, listen addresses, the upstream's servers, a self-signed
/// certificate); every directive under test (ip_hash, WebSocket upgrade, limit_req, headers) is the shipped one.
/// </summary>
public sealed partial class ServidorNginx : IAsyncDisposable
{
    private readonly string carpeta;
    private readonly string nginx;
    private readonly string configuracion;

    public int Puerto { get; }
    public string Url => $"https://127.0.0.1:{Puerto}";

    private ServidorNginx(string carpeta, string nginx, string configuracion, int puerto)
    {
        this.carpeta = carpeta;
        this.nginx = nginx;
        this.configuracion = configuracion;
        Puerto = puerto;
    }

    public static async Task<ServidorNginx> IniciarAsync(int puerto, IEnumerable<int> instancias, CancellationToken ct)
    {
        var nginx = Environment.GetEnvironmentVariable("PRUEBAS_NGINX") is { Length: > 0 } n ? n : "/usr/sbin/nginx";
        if (!File.Exists(nginx)) throw new InvalidOperationException($"No está {nginx}: ./test.sh instala nginx de Debian.");
        var carpeta = Directory.CreateTempSubdirectory("accesodescargas-nginx-").FullName;
        var (codigo, salida) = await EjecutarAsync("openssl", ct, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-keyout", Path.Combine(carpeta, "privkey.pem"), "-out", Path.Combine(carpeta, "fullchain.pem"));
        if (codigo != 0) throw new InvalidOperationException(salida);

        var puertoHttp = InstanciaApp.PuertoLibre();
        // max_fails=0: a dead instance is tried and skipped on every request, so the test never waits out a fail_timeout.
        var servidores = string.Concat(instancias.Select(p => $"        server 127.0.0.1:{p} max_fails=0;\n"));
        var conf = (await File.ReadAllTextAsync(Path.Combine(InstanciaApp.RaizDelRepositorio(), "deploy", "nginx.conf"), ct))
            .Replace("/etc/ssl/accesodescargas/", carpeta + "/")
            .Replace("/var/log/nginx/", carpeta + "/")
            .Replace("/run/nginx.pid", Path.Combine(carpeta, "nginx.pid"));
        conf = ServidorUpstream().Replace(conf, "");
        conf = conf.Replace("ip_hash;\n", "ip_hash;\n" + servidores);
        conf = Regex.Replace(conf, @"^\s*listen \[::\]:\d+.*;\n", "", RegexOptions.Multiline);
        conf = Regex.Replace(conf, @"listen 443 ", $"listen 127.0.0.1:{puerto} ");
        conf = Regex.Replace(conf, @"listen 80;", $"listen 127.0.0.1:{puertoHttp};");
        conf = Regex.Replace(conf, @"^user .*;\n", "", RegexOptions.Multiline); // workers run as whoever runs the tests
        // Temporary files of a non-root nginx go under the test's folder too.
        conf = conf.Replace("http {\n", $"http {{\n    client_body_temp_path {carpeta}/body;\n    proxy_temp_path {carpeta}/proxy;\n" +
                                         $"    fastcgi_temp_path {carpeta}/fastcgi;\n    uwsgi_temp_path {carpeta}/uwsgi;\n    scgi_temp_path {carpeta}/scgi;\n");
        var ruta = Path.Combine(carpeta, "nginx.conf");
        await File.WriteAllTextAsync(ruta, conf, ct);

        (codigo, salida) = await EjecutarAsync(nginx, ct, "-p", carpeta, "-c", ruta);
        if (codigo != 0) throw new InvalidOperationException($"nginx no arrancó: {salida}");
        return new ServidorNginx(carpeta, nginx, ruta, puerto);
    }

    public async ValueTask DisposeAsync()
    {
        await EjecutarAsync(nginx, CancellationToken.None, "-p", carpeta, "-c", configuracion, "-s", "stop");
        try { Directory.Delete(carpeta, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static async Task<(int Codigo, string Salida)> EjecutarAsync(string programa, CancellationToken ct, params string[] argumentos)
    {
        var inicio = new ProcessStartInfo(programa) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in argumentos) inicio.ArgumentList.Add(a);
        using var p = Process.Start(inicio)!;
        var salida = p.StandardOutput.ReadToEndAsync(ct);
        var error = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        return (p.ExitCode, await salida + await error);
    }

    [GeneratedRegex(@"^\s*server \d+\.\d+\.\d+\.\d+:\d+[^;]*;\n", RegexOptions.Multiline)]
    private static partial Regex ServidorUpstream();
}
