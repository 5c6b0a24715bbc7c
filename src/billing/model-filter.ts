/**
 * The `model` filter of the generation log and the usage reports. Records keep the provider and the
 * provider's own model id apart (provider `openai`, model `gpt-4o-mini`), while the API names models
 * `openai/gpt-4o-mini` everywhere else: that name matched nothing, silently. Now `provider/model`
 * matches the provider's model, and a model whose own id contains `/` (groq's `qwen/qwen3-32b`)
 * still matches as it is. `param` adds a query parameter and returns its placeholder.
 */
export function modelFilterSql(column: (name: 'provider' | 'model') => string, model: string, param: (value: string) => string): string {
  const exact = `${column('model')} = ${param(model)}`;
  const slash = model.indexOf('/');
  if (slash <= 0 || slash === model.length - 1) return exact;
  const provider = param(model.slice(0, slash).toLowerCase());
  return `(${exact} OR (${column('provider')} = ${provider} AND ${column('model')} = ${param(model.slice(slash + 1))}))`;
}
