using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace AccesoDescargas.Tests.Infrastructure;

/// <summary>
/// Databases on the private PostgreSQL cluster that test.sh starts on a free loopback port and
/// names in PRUEBAS_POSTGRES (a connection string to its maintenance database).
/// </summary>
public static class BasePostgres
{
    public static bool Disponible => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PRUEBAS_POSTGRES"));

    private static string Servidor => Environment.GetEnvironmentVariable("PRUEBAS_POSTGRES") is { Length: > 0 } c
        ? c
        : throw new InvalidOperationException("PRUEBAS_POSTGRES no está definida: ejecute las pruebas de PostgreSQL con ./test.sh, que inicia el servidor.");

    /// <summary>
    /// The database of <paramref name="clave"/> (a data folder) and its connection string: created empty
    /// the first time, found again by a second start of the app on the same folder.
    /// </summary>
    public static string Crear(string clave)
    {
        var nombre = "ad_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clave)))[..24];
        using (var conexion = new NpgsqlConnection(Servidor))
        {
            conexion.Open();
            using var existe = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @n", conexion);
            existe.Parameters.AddWithValue("n", nombre);
            if (existe.ExecuteScalar() is null)
            {
                using var crear = new NpgsqlCommand($"CREATE DATABASE \"{nombre}\"", conexion);
                crear.ExecuteNonQuery();
            }
        }
        return new NpgsqlConnectionStringBuilder(Servidor) { Database = nombre }.ConnectionString;
    }

    /// <summary>Drops the database, ending whatever connections the app left in its pool.</summary>
    public static async Task EliminarAsync(string cadena)
    {
        var nombre = new NpgsqlConnectionStringBuilder(cadena).Database!;
        await using (var c = new NpgsqlConnection(cadena)) NpgsqlConnection.ClearPool(c);
        await using var conexion = new NpgsqlConnection(Servidor);
        await conexion.OpenAsync();
        await using var borrar = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{nombre}\" WITH (FORCE)", conexion);
        await borrar.ExecuteNonQueryAsync();
    }
}
