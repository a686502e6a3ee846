namespace AccesoDescargas.Components;

/// <summary>
/// The field errors of a dialog's form (issue 10). Each message shows once, next to its field (MudBlazor's
/// <c>Error</c>/<c>ErrorText</c>), after the user has left that field or tried to submit; it updates as the user types
/// and goes away once the value is fixed. On submit every field's message shows at once. Keys are field names;
/// <see cref="General"/> is for what only the server knows and belongs to no field.
/// </summary>
/// <param name="validar">The form's check: field name → Spanish message, empty when the form is valid.</param>
public sealed class ErroresFormulario(Func<IReadOnlyDictionary<string, string>> validar)
{
    private IReadOnlyDictionary<string, string> errores = new Dictionary<string, string>();
    private readonly Dictionary<string, string> delServidor = [];
    private readonly HashSet<string> tocados = [];
    private bool intentado;

    /// <summary>The form's own message from the server (e.g. "El acceso ya no existe."), shown above the fields.</summary>
    public string? General { get; private set; }

    /// <summary>A value changed: check again, so a message on screen follows what the user types.</summary>
    public void Cambio()
    {
        delServidor.Clear();
        General = null;
        errores = validar();
    }

    /// <summary>The user left the field: from now on its message shows.</summary>
    public void Tocar(string campo)
    {
        tocados.Add(campo);
        Cambio();
    }

    public bool Muestra(string campo) =>
        delServidor.ContainsKey(campo) || (errores.ContainsKey(campo) && (intentado || tocados.Contains(campo)));

    public string? Mensaje(string campo) =>
        delServidor.TryGetValue(campo, out var m) ? m : Muestra(campo) ? errores[campo] : null;

    /// <summary>Whether anything is on screen to fix (a field's message or the general one).</summary>
    public bool HayVisibles => General is not null || delServidor.Count > 0 || (intentado && errores.Count > 0);

    /// <summary>A submit: shows every field's message; true when there is none.</summary>
    public bool Validar()
    {
        intentado = true;
        Cambio();
        return errores.Count == 0;
    }

    /// <summary>What the server refused, by field (or <c>""</c> for the form).</summary>
    public void Rechazar(IReadOnlyDictionary<string, string> mensajes)
    {
        foreach (var (campo, mensaje) in mensajes)
        {
            if (campo.Length == 0) General = mensaje;
            else delServidor[campo] = mensaje;
        }
    }

    public void Rechazar(string campo, string mensaje) => Rechazar(new Dictionary<string, string> { [campo] = mensaje });
}
