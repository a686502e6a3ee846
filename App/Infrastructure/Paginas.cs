namespace AccesoDescargas.Infrastructure;

/// <summary>
/// Grids page their ids first (the sort order's index answers them without reading the table), then
/// read the page's rows by primary key, which come back in any order.
/// </summary>
public static class Paginas
{
    /// <summary>Sorts <paramref name="filas"/> in place into the order of <paramref name="ids"/> and returns it.</summary>
    public static List<T> EnOrden<T, TId>(List<T> filas, IReadOnlyList<TId> ids, Func<T, TId> id) where TId : notnull
    {
        var posicion = new Dictionary<TId, int>(ids.Count);
        for (var i = 0; i < ids.Count; i++) posicion[ids[i]] = i;
        filas.Sort((a, b) => posicion[id(a)].CompareTo(posicion[id(b)]));
        return filas;
    }
}
