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
            // MudBlazor's default status colours are too light for text on white (#00c853 is 2.23:1);
            // these keep chips, alerts and error text at 4.5:1 or more on white and on the background (WCAG 1.4.3).
            Success = "#2e7d32",
            Error = "#b3261e",
            Warning = "#8a4b00",
            Info = "#01579b",
            TextSecondary = "#5f6368",
            ActionDefault = "#5f6368",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "Segoe UI", "Helvetica", "Arial", "sans-serif"] },
        },
    };
}
