// Names that cross a process or webview boundary and must match package.json: the notebook type,
// the renderer, the languages of cells and files, and the MIME types of cell outputs. Defined once.

/** The notebook type of `*.runbook.md` files (package.json `contributes.notebooks`). */
export const NOTEBOOK_TYPE = 'incident-runbook';
/** The renderer of step results (package.json `contributes.notebookRenderer`). */
export const RENDERER_ID = 'incident-runbook-renderer';
/** Language of a step cell. */
export const STEP_LANGUAGE = 'shellscript';
/** Language of a check cell (the YAML check block under a step). */
export const CHECK_LANGUAGE = 'runbook-check';
/** Language of a `*.runbook.md` file opened as text. */
export const RUNBOOK_TEXT_LANGUAGE = 'runbook-markdown';

/** A step's result (values, findings, decision) as the extension sends it; media/renderer draws it with textContent only. */
export const RESULT_MIME = 'application/vnd.incident-runbook.result+json';
/** A saved output of a step (a SavedOutput as JSON), in a live run and in a reopened record. */
export const OUTPUT_MIME = 'application/vnd.incident-runbook.output+json';
