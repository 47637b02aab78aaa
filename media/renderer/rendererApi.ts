// The slice of VS Code's notebook renderer API we use (vscode-notebook-renderer), declared here
// because the renderer is browser code that must not depend on the `vscode` module.

export interface OutputItem {
  readonly id: string;
  readonly mime: string;
  text(): string;
  json(): unknown;
}

export interface RendererContext {
  readonly workspace?: { readonly isTrusted: boolean };
  /** Present only when the renderer's `requiresMessaging` lets the extension listen. */
  postMessage?(message: unknown): void;
  readonly settings?: { readonly lineLimit?: number };
}

export interface RendererApi {
  renderOutputItem(item: OutputItem, element: HTMLElement, signal?: AbortSignal): void;
  disposeOutputItem?(id?: string): void;
}
