// Language server entry point (filled in by the language server issue).
export {};
