// npm run bench:markdown -- FILE.json: the README's results tables from a bench JSON (bench/report.ts, markdownResults).
import { readFileSync } from 'node:fs';
import { type BenchReport, markdownResults } from '../bench/report';

const file = process.argv.slice(2).find((a) => a !== '--');
if (!file) {
  console.error('Usage: npm run bench:markdown -- bench-results/<date>-<adapter>.json');
  process.exit(2);
}
console.log(markdownResults(JSON.parse(readFileSync(file, 'utf8')) as BenchReport));
