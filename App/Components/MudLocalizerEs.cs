using Microsoft.Extensions.Localization;
using MudBlazor;

namespace AccesoDescargas.Components;

/// <summary>MudBlazor's built-in texts (pager, grid menus, dialog close…) in Spanish.</summary>
public sealed class MudLocalizerEs : MudLocalizer
{
    private static readonly Dictionary<string, string> Textos = new()
    {
        ["MudDataGrid_Apply"] = "Aplicar",
        ["MudDataGrid_Clear"] = "Limpiar",
        ["MudDataGrid_AddFilter"] = "Agregar filtro",
        ["MudDataGrid_Cancel"] = "Cancelar",
        ["MudDataGrid_Loading"] = "Cargando…",
        ["MudDataGrid_Save"] = "Guardar",
        ["MudDataGrid_HideAll"] = "Ocultar todas",
        ["MudDataGrid_ShowAll"] = "Mostrar todas",
        ["MudDataGrid_Columns"] = "Columnas",
        ["MudDataGrid_RefreshData"] = "Actualizar",
        ["MudDataGrid_True"] = "sí",
        ["MudDataGrid_False"] = "no",
        ["MudDataGrid_Unsort"] = "Quitar orden",
        ["MudDataGrid_Filter"] = "Filtrar",
        ["MudDataGrid_Hide"] = "Ocultar",
        ["MudDataGrid_FilterValue"] = "Valor del filtro",
        ["MudDataGrid_Contains"] = "contiene",
        ["MudDataGrid_NotContains"] = "no contiene",
        ["MudDataGrid_Equals"] = "es igual a",
        ["MudDataGrid_NotEquals"] = "no es igual a",
        ["MudDataGrid_StartsWith"] = "empieza con",
        ["MudDataGrid_EndsWith"] = "termina con",
        ["MudDataGrid_IsEmpty"] = "está vacío",
        ["MudDataGrid_IsNotEmpty"] = "no está vacío",
        ["MudDataGrid_Column"] = "Columna",
        ["MudDataGrid_Operator"] = "Operador",
        ["MudDataGrid_Value"] = "Valor",
        ["MudDataGrid_Sort"] = "Ordenar",
        ["MudDataGrid_ClearFilter"] = "Quitar filtro",
        ["MudDataGrid_OpenFilters"] = "Abrir filtros",
        ["MudDataGrid_RemoveFilter"] = "Quitar filtro",
        ["MudDataGrid_ShowColumnOptions"] = "Opciones de columna",
        ["MudDataGrid_SelectRow"] = "Seleccionar fila",
        ["MudDataGrid_SelectAllRows"] = "Seleccionar todas las filas",
        ["MudDataGridPager_RowsPerPage"] = "Filas por página:",
        ["MudDataGridPager_AllItems"] = "Todas",
        ["MudDataGridPager_InfoFormat"] = "{0}-{1} de {2}",
        ["MudDataGridPager_FirstPage"] = "Primera página",
        ["MudDataGridPager_PreviousPage"] = "Página anterior",
        ["MudDataGridPager_NextPage"] = "Página siguiente",
        ["MudDataGridPager_LastPage"] = "Última página",
        ["MudTablePager_FirstPage"] = "Primera página",
        ["MudTablePager_PreviousPage"] = "Página anterior",
        ["MudTablePager_NextPage"] = "Página siguiente",
        ["MudTablePager_LastPage"] = "Última página",
        ["MudPagination_CurrentPage"] = "Página actual {0}",
        ["MudPagination_FirstPage"] = "Primera página",
        ["MudPagination_LastPage"] = "Última página",
        ["MudPagination_NextPage"] = "Página siguiente",
        ["MudPagination_PageIndex"] = "Página {0}",
        ["MudPagination_PreviousPage"] = "Página anterior",
        ["MudNavGroup_ToggleExpand"] = "Mostrar u ocultar {0}",
        ["MudAlert_Close"] = "Cerrar aviso",
        ["MudChip_Close"] = "Quitar",
        ["MudDialog_Close"] = "Cerrar",
        ["MudFormComponent_Required"] = "Este campo es obligatorio.",
        ["MudInput_Clear"] = "Borrar",
        ["MudInput_Decrement"] = "Disminuir",
        ["MudInput_Increment"] = "Aumentar",
        ["MudSnackbar_Close"] = "Cerrar aviso",
        ["MudBaseDatePicker_PrevYear"] = "Año anterior {0}",
        ["MudBaseDatePicker_NextYear"] = "Año siguiente {0}",
        ["MudBaseDatePicker_PrevMonth"] = "Mes anterior {0}",
        ["MudBaseDatePicker_NextMonth"] = "Mes siguiente {0}",
        ["MudBaseDatePicker_Open"] = "Abrir calendario",
        ["MudDateRangePicker_Start"] = "Desde",
        ["MudDateRangePicker_End"] = "Hasta",
        ["MudTimePicker_Open"] = "Abrir reloj",
        ["MudSelect_SelectAll"] = "Seleccionar todo",
        ["Converter_InvalidNumber"] = "No es un número válido",
        ["Converter_InvalidDateTime"] = "No es una fecha válida",
    };

    public override LocalizedString this[string key] =>
        Textos.TryGetValue(key, out var texto)
            ? new LocalizedString(key, texto)
            : new LocalizedString(key, key, resourceNotFound: true);
}
