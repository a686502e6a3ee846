using AccesoDescargas.Features.Portal;

namespace AccesoDescargas.Tests.Features.Portal;

/// <summary>
/// The order of the PBKDF2 line. During a flood, the attackers' first posts carry rank 0 like a
/// receptor's; served in arrival order, a receptor who arrives after them would wait out the line
/// and get "ocupado".
/// </summary>
public class TurnosVerificacionTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task Un_rango_menor_pasa_primero_y_entre_iguales_sirve_en_orden_mientras_la_fila_avanza()
    {
        var turnos = new TurnosVerificacion(1, 8, TimeSpan.FromMinutes(1), invertirTras: TimeSpan.FromHours(1));
        var ocupado = await turnos.PedirAsync(0, Ct);
        var primero = turnos.PedirAsync(0, Ct).AsTask();
        var segundo = turnos.PedirAsync(0, Ct).AsTask();
        var conFallos = turnos.PedirAsync(3, Ct).AsTask();
        var nuevo = turnos.PedirAsync(0, Ct).AsTask();

        Assert.Equal(new[] { primero, segundo, nuevo, conFallos }, await OrdenAsync(ocupado!, [primero, segundo, conFallos, nuevo]));
    }

    [Fact]
    public async Task Cuando_la_fila_no_avanza_el_mas_reciente_de_un_rango_pasa_primero()
    {
        var turnos = new TurnosVerificacion(1, 8, TimeSpan.FromMinutes(1), invertirTras: TimeSpan.Zero);
        var ocupado = await turnos.PedirAsync(0, Ct);
        var viejo = turnos.PedirAsync(0, Ct).AsTask();
        var conFallos = turnos.PedirAsync(2, Ct).AsTask();
        var receptor = turnos.PedirAsync(0, Ct).AsTask();

        Assert.Equal(new[] { receptor, viejo, conFallos }, await OrdenAsync(ocupado!, [viejo, conFallos, receptor]));
    }

    [Fact]
    public async Task Con_la_fila_llena_un_rango_menor_desplaza_al_peor_y_el_peor_no_entra()
    {
        var turnos = new TurnosVerificacion(1, 2, TimeSpan.FromMinutes(1));
        using var ocupado = await turnos.PedirAsync(0, Ct);
        var atacante = turnos.PedirAsync(5, Ct).AsTask();
        var otro = turnos.PedirAsync(1, Ct).AsTask();

        var receptor = turnos.PedirAsync(0, Ct).AsTask(); // the line holds two: the rank-5 one leaves it
        Assert.Null(await atacante);
        Assert.Null(await turnos.PedirAsync(7, Ct)); // worse than everyone waiting: refused at once
        Assert.False(receptor.IsCompleted);
        Assert.False(otro.IsCompleted);
    }

    /// <summary>Releases the held slot and each slot as it is handed over; returns the waits in the order they were served.</summary>
    private static async Task<List<Task<IDisposable?>>> OrdenAsync(IDisposable ocupado, List<Task<IDisposable?>> esperas)
    {
        var orden = new List<Task<IDisposable?>>();
        var pendientes = esperas.ToList();
        ocupado.Dispose();
        while (pendientes.Count > 0)
        {
            var servido = await Task.WhenAny(pendientes).WaitAsync(TimeSpan.FromSeconds(10), Ct);
            Assert.NotNull(await servido);
            orden.Add(servido);
            pendientes.Remove(servido);
            Assert.DoesNotContain(pendientes, p => p.IsCompleted); // one slot: nobody else got one meanwhile
            (await servido)!.Dispose();
        }
        return orden;
    }
}
