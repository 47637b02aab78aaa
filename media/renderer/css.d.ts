// esbuild loads .css files as text (loader '.css': 'text' in scripts/build.mjs).
declare module '*.css' {
  const text: string;
  export default text;
}
