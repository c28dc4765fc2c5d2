/**
 * `adopt:` names clouds of this topology: a misspelt name would adopt
 * nothing, silently.
 */
import { asList, asMap, asName, type RawMap, type Report } from './raw.js';
import { didYouMean } from './suggest.js';

export function checkAdopt(data: RawMap, report: Report): void {
  const clouds = (asList(data.clouds) ?? []).flatMap((c) => asName(asMap(c)?.name) ?? []);
  (asList(data.adopt) ?? []).forEach((item, k) => {
    const name = asName(item);
    if (name === undefined || clouds.includes(name)) return;
    report(
      ['adopt', k],
      `adopt names cloud "${name}", which is not a cloud of this topology`,
      didYouMean(name, clouds, 'cloud names', 'write the name of a cloud under clouds, or remove it'),
    );
  });
}
