// After a refused submit, the focus goes to the first field with an error (issue 10), in the order the user reads them.
export function enfocarPrimerInvalido(formulario) {
    const campo = formulario?.querySelector('[aria-invalid="true"], [data-invalido] input');
    if (campo && document.activeElement !== campo) campo.focus();
}
