import type { Reporter } from './context.js';
import { textReporter } from './text.js';
import { jsonReporter } from './json.js';
import { sarifReporter } from './sarif.js';
import { githubReporter } from './github.js';
import { gitlabReporter } from './gitlab.js';
import { markdownReporter } from './markdown.js';
import { junitReporter } from './junit.js';
import { compactReporter } from './compact.js';

export const reporters: Record<string, Reporter> = {
  text: textReporter,
  json: jsonReporter,
  sarif: sarifReporter,
  github: githubReporter,
  gitlab: gitlabReporter,
  markdown: markdownReporter,
  junit: junitReporter,
  compact: compactReporter,
};

export type { Reporter, ReportContext, ReportInput } from './context.js';
export type { Finding, FindingDetail } from '../ir/types.js';
