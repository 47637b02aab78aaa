// The registry of built-in parsers: the one place that knows every parser by its name in a check block.
import type { ParserInfo, ValueInfo } from '../spec';
import type { Parser } from './types';
import { ssTanParser } from './ss';
import { ssSummaryParser } from './ssSummary';
import { netstatParser } from './netstat';
import { stateCountsParser } from './stateCounts';
import { netstatSParser } from './netstatS';
import { ulimitParser } from './ulimit';
import { procLimitsParser } from './procLimits';
import { sysctlParser } from './sysctl';
import { numbersParser } from './numbers';
import { kernelLogParser } from './kernelLog';
import { lsofParser } from './lsof';
import { fdCountParser } from './fdCount';
import { tcpdumpParser } from './tcpdump';
import { linesParser } from './lines';
import { kvParser } from './kv';
import { tableParser } from './table';
import { jsonParser } from './json';
import { regexParser } from './regex';
import { sockstatParser, sockstat6Parser } from './sockstat';

export type { Parser, ParseResult, LineAccumulator, ParserOptions } from './types';
export { createSsAccumulator } from './ss';

const parsers: Parser[] = [
  ssSummaryParser,
  ssTanParser,
  netstatParser,
  stateCountsParser,
  netstatSParser,
  sockstatParser,
  sockstat6Parser,
  ulimitParser,
  procLimitsParser,
  sysctlParser,
  numbersParser,
  kernelLogParser,
  lsofParser,
  fdCountParser,
  tcpdumpParser,
  linesParser,
  kvParser,
  tableParser,
  jsonParser,
  regexParser,
];
const byName = new Map(parsers.map((p) => [p.info.name, p]));

export function listParsers(): ParserInfo[] {
  return parsers.map((p) => p.info);
}

export function getParser(name: string): Parser | undefined {
  return byName.get(name);
}

/** The values a parser offers (for completion and hover); empty for an unknown name. */
export function valuesOf(parserName: string): ValueInfo[] {
  return byName.get(parserName)?.info.values ?? [];
}
