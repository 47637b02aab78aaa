// The `ss -tan` part of bench/parse-spill.ts (the product's path from a spill file, against mawk and
// gawk named explicitly, in the same run). This file used to feed lines from memory and compare with
// whichever `awk` was installed, which flattered us; it stays so the command in docs still works.
// Run: npx tsx bench/parse-ss.ts [--lines=...] [--reps=...]
process.argv.push('--formats=ss-tan', '--oneline-mb=0');
void import('./parse-spill');
