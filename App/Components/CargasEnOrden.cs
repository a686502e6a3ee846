namespace AccesoDescargas.Components;

/// <summary>
/// Runs a grid's server loads one after another, in the order the grid asked for them. MudDataGrid shows
/// whichever load finishes last: a filter tapped while the page's first load was still reading used to
/// come back first and be overwritten by the unfiltered rows and count ("10 comprobantes" under "Este mes").
/// In order, the newest load always finishes last, and so does what it sets beside the grid (counts, sums).
/// A component's loads all run on its renderer's dispatcher, so this needs no lock.
/// </summary>
public sealed class CargasEnOrden
{
    private Task anterior = Task.CompletedTask;

    public async Task<T> EnOrdenAsync<T>(Func<Task<T>> carga)
    {
        var previa = anterior;
        var esta = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        anterior = esta.Task;
        try
        {
            try { await previa; }
            catch { /* the earlier load's own caller sees its failure */ }
            return await carga();
        }
        finally
        {
            esta.SetResult();
        }
    }
}
