import type { Reporter } from './context.js';
import { textReporter } from './text.js';
import { jsonReporter } from './json.js';
import { sarifReporter } from './sarif.js';

export const reporters: Record<string, Reporter> = {
  text: textReporter,
  json: jsonReporter,
  sarif: sarifReporter,
};

export type { Reporter, ReportContext } from './context.js';
