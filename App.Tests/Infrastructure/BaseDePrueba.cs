using System.Text;
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

    /// <summary>
    /// From now on the database refuses every row of <paramref name="tabla"/> whose <paramref name="columna"/> is
    /// <paramref name="valor"/> (whichever way it is inserted), until <see cref="QuitarFallaAsync"/>.
    /// </summary>
    public static async Task FallarAlInsertarAsync(AppDbContext db, string tabla, string mensaje, string columna, string valor)
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        // Names and values come from the test itself, never from input.
#pragma warning disable EF1002
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync(
                $"CREATE FUNCTION falla_{tabla}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.\"{columna}\" = '{valor}' THEN RAISE EXCEPTION '{mensaje}'; END IF; RETURN NEW; END $$;", ct);
            await db.Database.ExecuteSqlRawAsync($"CREATE TRIGGER falla BEFORE INSERT ON \"{tabla}\" FOR EACH ROW EXECUTE FUNCTION falla_{tabla}();", ct);
        }
        else
            await db.Database.ExecuteSqlRawAsync(
                $"CREATE TRIGGER falla BEFORE INSERT ON {tabla} WHEN NEW.\"{columna}\" = '{valor}' BEGIN SELECT RAISE(ABORT, '{mensaje}'); END;", ct);
#pragma warning restore EF1002
    }

    /// <summary>Undoes <see cref="FallarAlInsertarAsync(AppDbContext, string, string, string, string)"/>.</summary>
    public static async Task QuitarFallaAsync(AppDbContext db, string tabla)
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
#pragma warning disable EF1002
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync($"DROP TRIGGER falla ON \"{tabla}\";", ct);
            await db.Database.ExecuteSqlRawAsync($"DROP FUNCTION falla_{tabla}();", ct);
        }
        else
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER falla;", ct);
#pragma warning restore EF1002
    }

    /// <summary>The app's database disappears under it (a lost volume, a dropped database); the app keeps running.</summary>
    public static async Task PerderAsync(AppFactory app)
    {
        if (app.Proveedor == ProveedorBaseDatos.PostgreSql)
        {
            await using var db = app.CrearDb();
            await BasePostgres.EliminarAsync(db.Database.GetConnectionString()!);
            return;
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var archivo = Path.Combine(app.DataDir, "accesodescargas.db");
        File.Move(archivo, archivo + ".perdida");
        Directory.CreateDirectory(archivo); // SQLite cannot open a folder as its database
    }

    /// <summary>
    /// What the database holds, as the bytes someone who copied it would read: SQLite's files (after a
    /// checkpoint, so the WAL's pages are in the main file too); on PostgreSQL every value of every
    /// table of the model, text as UTF-8 and binary as it is.
    /// </summary>
    public static async Task<IReadOnlyList<byte[]>> ContenidoAsync(AppFactory app)
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        await using var db = app.CrearDb();
        if (!db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(FULL);", ct);
            var archivos = new List<byte[]>();
            foreach (var archivo in Directory.GetFiles(app.DataDir, "accesodescargas.db*"))
                archivos.Add(await File.ReadAllBytesAsync(archivo, ct));
            return archivos;
        }
        var valores = new List<byte[]>();
        await db.Database.OpenConnectionAsync(ct);
        foreach (var tabla in db.Model.GetEntityTypes().Select(t => t.GetTableName()).OfType<string>().Distinct())
        {
            await using var cmd = db.Database.GetDbConnection().CreateCommand();
            cmd.CommandText = $"SELECT * FROM \"{tabla}\"";
            await using var filas = await cmd.ExecuteReaderAsync(ct);
            while (await filas.ReadAsync(ct))
                for (var i = 0; i < filas.FieldCount; i++)
                    if (!await filas.IsDBNullAsync(i, ct))
                        valores.Add(filas.GetValue(i) is byte[] b ? b : Encoding.UTF8.GetBytes(Convert.ToString(filas.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!));
        }
        return valores;
    }
}
