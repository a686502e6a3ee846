using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace AccesoDescargas.Infrastructure;

/// <summary>
/// A compiled query (<see cref="EF.CompileAsyncQuery"/>) per model. EF Core binds a compiled query to
/// the model it first ran against, and each engine has its own (SQLite's <see cref="AppDbContext"/>,
/// <see cref="PostgreSql.PostgresAppDbContext"/>): one process that opens both (moving an installation
/// with migrar-datos, the test suite) would otherwise get "executed with a different model" from every
/// static compiled query that the other engine ran first.
/// </summary>
public sealed class ConsultaCompilada<TConsulta>(Func<TConsulta> compilar) where TConsulta : class
{
    private readonly ConditionalWeakTable<IModel, TConsulta> porModelo = new();

    /// <summary>The query compiled for <paramref name="db"/>'s model (compiled the first time that model asks).</summary>
    public TConsulta Para(DbContext db) => porModelo.GetValue(db.Model, _ => compilar());
}
