using System.Security.Cryptography;

namespace AccesoDescargas.Contrasenas;

public static class ContrasenaPolitica
{
    public const int LongitudMinima = 8;
    public const int LongitudMinimaGenerada = 12;
    /// <summary>
    /// Longer input is refused before any hashing: nobody types more, and every form that takes a
    /// password (sign-in included) must not let a megabyte of text reach PBKDF2.
    /// </summary>
    public const int LongitudMaxima = 128;
    public const string MensajeDemasiadoLarga = "La contraseña no puede tener más de 128 caracteres.";

    public static bool EsDemasiadoLarga(string? contrasena) => contrasena is { Length: > LongitudMaxima };

    // Generated passwords are read from e-mails and paper and typed by hand: no 0/O/o, 1/l/I/i.
    private const string Mayusculas = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Minusculas = "abcdefghjkmnpqrstuvwxyz";
    private const string Digitos = "23456789";
    private const string Alfabeto = Mayusculas + Minusculas + Digitos;

    /// <returns>A Spanish message for the user, or null when the password is acceptable.</returns>
    public static string? Validar(string? contrasena, string? confirmacion, string? rfc)
    {
        if (contrasena is null || contrasena.Length < LongitudMinima)
            return $"La contraseña debe tener al menos {LongitudMinima} caracteres.";
        if (EsDemasiadoLarga(contrasena)) return MensajeDemasiadoLarga;
        if (!string.IsNullOrWhiteSpace(rfc)
            && string.Equals(contrasena.Trim(), rfc.Trim(), StringComparison.OrdinalIgnoreCase))
            return "La contraseña no puede ser el RFC.";
        if (!string.Equals(contrasena, confirmacion, StringComparison.Ordinal))
            return "La confirmación no coincide con la contraseña.";
        return null;
    }

    public static string Generar(int longitud = LongitudMinimaGenerada)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(longitud, LongitudMinimaGenerada);

        var c = new char[longitud];
        c[0] = Elegir(Mayusculas);
        c[1] = Elegir(Minusculas);
        c[2] = Elegir(Digitos);
        for (var i = 3; i < longitud; i++) c[i] = Elegir(Alfabeto);

        // The guaranteed classes must not always sit in the first three positions.
        for (var i = longitud - 1; i > 0; i--)
        {
            var j = RandomNumberGenerator.GetInt32(i + 1);
            (c[i], c[j]) = (c[j], c[i]);
        }
        return new string(c);
    }

    private static char Elegir(string alfabeto) => alfabeto[RandomNumberGenerator.GetInt32(alfabeto.Length)];
}
