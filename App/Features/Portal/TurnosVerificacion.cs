using System.Diagnostics;

namespace AccesoDescargas.Features.Portal;

/// <summary>
/// The few PBKDF2 slots of the portal and who gets them first. Each request comes with a rank (the
/// recent failures of its client and of its RFC: 0 for a receptor who simply signs in); the lowest
/// rank is served first, and when the line is full a newcomer with a lower rank takes the place of
/// the worst one waiting. A flood of wrong passwords thus gets only the slots nobody else wants.
/// <para>Among equal ranks the line is first come, first served while it moves; once its oldest has
/// waited <see cref="EsperaParaInvertir"/>, the newest is served first (adaptive LIFO). A flood's first
/// posts carry rank 0 like any receptor's, and a line of them served in order would make every
/// receptor who arrives after them wait out the whole line; served newest first, a receptor waits
/// about one verification, and the stale posts are the ones that time out.</para>
/// </summary>
public sealed class TurnosVerificacion(int permisos, int espera, TimeSpan esperaMaxima, TimeSpan? invertirTras = null)
{
    public static readonly TimeSpan EsperaParaInvertir = TimeSpan.FromSeconds(1);
    private readonly TimeSpan invertirTras = invertirTras ?? EsperaParaInvertir;

    private readonly object cerrojo = new();
    private readonly List<Espera> esperando = [];
    private int libres = permisos >= 1 ? permisos : throw new ArgumentOutOfRangeException(nameof(permisos));

    /// <returns>A slot to dispose when the hash is done, or null when the line is full or the wait too long.</returns>
    public async ValueTask<IDisposable?> PedirAsync(int rango, CancellationToken ct = default)
    {
        Espera mia;
        lock (cerrojo)
        {
            if (libres > 0 && esperando.Count == 0)
            {
                libres--;
                return new Turno(this);
            }
            if (esperando.Count >= espera)
            {
                var peor = esperando.Count == 0 ? -1 : Peor();
                if (peor < 0 || esperando[peor].Rango <= rango) return null;
                esperando[peor].Resultado.TrySetResult(false);
                esperando.RemoveAt(peor);
            }
            mia = new Espera(rango, Stopwatch.GetTimestamp(), new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
            esperando.Add(mia);
        }

        using var limite = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limite.CancelAfter(esperaMaxima);
        await using (limite.Token.Register(() => Abandonar(mia)))
        {
            // A slot handed over while the wait was being given up still belongs to this request.
            if (await mia.Resultado.Task) return new Turno(this);
        }
        ct.ThrowIfCancellationRequested();
        return null;
    }

    private void Abandonar(Espera e)
    {
        lock (cerrojo)
            if (e.Resultado.TrySetResult(false)) esperando.Remove(e);
    }

    private void Liberar()
    {
        lock (cerrojo)
        {
            while (esperando.Count > 0)
            {
                var i = Mejor();
                var siguiente = esperando[i];
                esperando.RemoveAt(i);
                if (siguiente.Resultado.TrySetResult(true)) return;
            }
            libres++;
        }
    }

    /// <summary>The lowest rank; among its equals the earliest, or the newest once the earliest has waited too long.</summary>
    private int Mejor()
    {
        var m = 0;
        for (var i = 1; i < esperando.Count; i++)
            if (esperando[i].Rango < esperando[m].Rango) m = i; // the list is in arrival order: m is the earliest of its rank
        if (Stopwatch.GetElapsedTime(esperando[m].Llegada) < invertirTras) return m;
        for (var i = esperando.Count - 1; i > m; i--)
            if (esperando[i].Rango == esperando[m].Rango) return i;
        return m;
    }

    /// <summary>The highest rank; among its equals the earliest, the one least likely to be served in time.</summary>
    private int Peor()
    {
        var p = 0;
        for (var i = 1; i < esperando.Count; i++)
            if (esperando[i].Rango > esperando[p].Rango) p = i;
        return p;
    }

    /// <summary>
    /// From settings: Portal:VerificacionesSimultaneas (default as many as the cores: the hashes run at
    /// the lowest CPU priority, so pages and downloads, which need no hash, go first), Portal:VerificacionesEnEspera (64) and
    /// Portal:EsperaMaximaSegundos (10).
    /// </summary>
    public static TurnosVerificacion DesdeAjustes(IConfiguration config)
    {
        var permisos = config.GetValue("Portal:VerificacionesSimultaneas", 0) is > 0 and var n ? n : Environment.ProcessorCount;
        return new TurnosVerificacion(permisos, config.GetValue("Portal:VerificacionesEnEspera", 64),
            TimeSpan.FromSeconds(config.GetValue("Portal:EsperaMaximaSegundos", 10)));
    }

    /// <param name="Llegada">When it joined the line (<see cref="Stopwatch"/> ticks); the list itself keeps the arrival order.</param>
    private sealed record Espera(int Rango, long Llegada, TaskCompletionSource<bool> Resultado);

    private sealed class Turno(TurnosVerificacion turnos) : IDisposable
    {
        private int liberado;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref liberado, 1) == 0) turnos.Liberar();
        }
    }
}
