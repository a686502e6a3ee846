using MudBlazor;

namespace AccesoDescargas.Components.Layout;

public static class Tema
{
    public static readonly MudTheme Emisor = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#0f5f8c",
            Secondary = "#2e7d32",
            AppbarBackground = "#0f5f8c",
            Background = "#f5f7fa",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "Segoe UI", "Helvetica", "Arial", "sans-serif"] },
        },
    };
}
