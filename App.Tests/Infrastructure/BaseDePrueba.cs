using AccesoDescargas.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AccesoDescargas.Tests.Infrastructure;

/// <summary>Test-only changes to a test's database, written for each engine.</summary>
public static class BaseDePrueba
{
    /// <summary>Every insert into <paramref name="tabla"/> fails from now on, like a full disk would.</summary>
    public static async Task FallarAlInsertarAsync(AppDbContext db, string tabla, string mensaje)
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        // Table name and message come from the test itself, never from input.
#pragma warning disable EF1002
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync(
                $"CREATE FUNCTION falla_{tabla}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{mensaje}'; END $$;", ct);
            await db.Database.ExecuteSqlRawAsync($"CREATE TRIGGER falla BEFORE INSERT ON \"{tabla}\" FOR EACH ROW EXECUTE FUNCTION falla_{tabla}();", ct);
        }
        else
            await db.Database.ExecuteSqlRawAsync($"CREATE TRIGGER falla BEFORE INSERT ON {tabla} BEGIN SELECT RAISE(ABORT, '{mensaje}'); END;", ct);
#pragma warning restore EF1002
    }
}
