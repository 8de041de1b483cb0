import { wholeReport, type Reporter, type StreamingReporter } from './context.js';
import { downMark } from './finding.js';

/** Control characters other than tab: a message must not move the cursor or recolour a terminal. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/**
 * One line per finding, `file:line:col: severity: message [rule]`, the shape editors,
 * `grep` and compiler-style problem matchers understand. Nothing is printed for a
 * clean run. Line breaks inside a message fold to a space so each finding stays on
 * one line, and other control characters become U+FFFD.
 */
export const compactStream: StreamingReporter = {
  findings: (findings) =>
    findings
      .map((f) => {
        const severity = f.severity === 'error' ? 'error' : 'warning';
        const message = f.message.replace(/[^\S\t]*(?:\r\n|\r|\n)[^\S\t]*/g, ' ').replace(CONTROL, '\uFFFD');
        // Before the rule id, so matchers that read `[rule]` at the end of the line still find it.
        return `${f.file}:${f.range.start.line}:${f.range.start.column}: ${severity}: ${message}${downMark(f)} [${f.ruleId}]\n`;
      })
      .join(''),
  end: () => '',
};

export const compactReporter: Reporter = wholeReport(compactStream);
