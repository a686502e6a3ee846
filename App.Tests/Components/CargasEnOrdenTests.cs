using AccesoDescargas.Components;

namespace AccesoDescargas.Tests.Components;

/// <summary>A filter tapped while a grid's first load still reads must not be overwritten by that load's rows.</summary>
public class CargasEnOrdenTests
{
    [Fact]
    public async Task La_carga_pedida_despues_termina_despues_aunque_la_anterior_tarde_mas()
    {
        var cargas = new CargasEnOrden();
        var lenta = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var terminadas = new List<string>();
        var primera = cargas.EnOrdenAsync(async () => { var r = await lenta.Task; lock (terminadas) terminadas.Add(r); return r; });
        var segunda = cargas.EnOrdenAsync(() => { lock (terminadas) terminadas.Add("este mes"); return Task.FromResult("este mes"); });

        Assert.False(segunda.IsCompleted);
        lenta.SetResult("todas");

        Assert.Equal("todas", await primera);
        Assert.Equal("este mes", await segunda);
        Assert.Equal(["todas", "este mes"], terminadas);
    }

    [Fact]
    public async Task Una_carga_que_falla_no_detiene_la_siguiente()
    {
        var cargas = new CargasEnOrden();
        var falla = cargas.EnOrdenAsync<int>(() => throw new TimeoutException("la base no respondió"));
        var siguiente = cargas.EnOrdenAsync(() => Task.FromResult(2));

        await Assert.ThrowsAsync<TimeoutException>(() => falla);
        Assert.Equal(2, await siguiente);
    }
}
