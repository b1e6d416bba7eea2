/**
 * A project's provider choice, kept as one tag on the project at the home Keystone (docs/exchange.md):
 * `ocx-providers:home+bu-keystone`. Keystone refuses "," and "/" in tags, hence "+". Pure.
 */
export const CHOICE_TAG_PREFIX = 'ocx-providers:';
const SEPARATOR = '+';

/**
 * The providers the tags choose, in config order, home always among them (the project lives there); undefined
 * when no tag chooses (every provider). Names the config does not know are ignored. Several choice tags (set by
 * hand) intersect: a provider is used only when every one of them names it.
 */
export function chosenProviders(tags: unknown, known: readonly string[], home: string): string[] | undefined {
  if (!Array.isArray(tags)) return undefined;
  const sets = tags
    .filter((t): t is string => typeof t === 'string' && t.startsWith(CHOICE_TAG_PREFIX))
    .map((t) => new Set(splitNames(t.slice(CHOICE_TAG_PREFIX.length))));
  if (sets.length === 0) return undefined;
  return known.filter((name) => name === home || sets.every((s) => s.has(name)));
}

function splitNames(value: string): string[] {
  return value
    .split(/[+,\s]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The tag that records `chosen`. */
export function choiceTag(chosen: readonly string[]): string {
  return CHOICE_TAG_PREFIX + chosen.join(SEPARATOR);
}

/**
 * The project's tags with its choice replaced: other tags kept in order, every earlier choice tag dropped, the new
 * one appended; `undefined` (every provider) leaves no choice tag.
 */
export function withChoice(tags: unknown, chosen: readonly string[] | undefined): string[] {
  const others = (Array.isArray(tags) ? tags : []).filter(
    (t): t is string => typeof t === 'string' && !t.startsWith(CHOICE_TAG_PREFIX),
  );
  return chosen === undefined ? others : [...others, choiceTag(chosen)];
}
