// Notebook renderer entry point (filled in by the notebook issue).
export {};
