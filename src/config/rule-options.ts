import type { Rule } from '../../rules/kit/rule.js';

export interface OptionsProblem {
  /** Key path inside the options object (`[]` for the object itself). */
  path: (string | number)[];
  message: string;
}

type Validate = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string; params?: Record<string, unknown> }[] | null };
const compiled = new WeakMap<Rule, Validate>();
let ajv: { compile(schema: object): Validate } | undefined;

/**
 * Checks a rule's options against the JSON Schema the rule declares (Ajv, loaded only
 * when some config gives options). A rule that declares no schema takes no options:
 * options given to it would be ignored, which is a mistake worth naming.
 */
export async function checkRuleOptions(rule: Rule, options: Record<string, unknown>): Promise<OptionsProblem | undefined> {
  if (!rule.optionsSchema) {
    return Object.keys(options).length ? { path: [], message: `rule ${rule.id} takes no options` } : undefined;
  }
  let validate = compiled.get(rule);
  if (!validate) {
    if (!ajv) {
      const { default: Ajv } = await import('ajv');
      ajv = new (Ajv as unknown as new (opts: object) => { compile(schema: object): Validate })({ allErrors: false, strict: false });
    }
    validate = ajv.compile(rule.optionsSchema);
    compiled.set(rule, validate);
  }
  if (validate(options)) return undefined;
  const error = validate.errors?.[0];
  const path = (error?.instancePath ?? '').split('/').filter(Boolean);
  const extra = error?.params?.additionalProperty;
  if (typeof extra === 'string') {
    const known = Object.keys(rule.optionsSchema.properties);
    return { path: [...path, extra], message: `unknown option of ${rule.id} (it takes: ${known.join(', ')})` };
  }
  return { path, message: `${error?.message ?? 'invalid'} (rule ${rule.id})` };
}
