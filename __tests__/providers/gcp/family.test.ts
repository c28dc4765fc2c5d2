import { gcpImageFamily } from '../../../src/providers/gcp/family.js';

describe('gcpImageFamily', () => {
  it('names the line (recipe, os) within the image-name rules, whatever the names', () => {
    expect(gcpImageFamily('base', 'debian12')).toBe('ib-base-debian12');
    for (const recipe of ['Web_Server.v2', 'a'.repeat(90), '--edge--']) {
      const family = gcpImageFamily(recipe, 'Debian_12');
      expect({ family, ok: /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(family) }).toEqual({ family, ok: true });
    }
  });
});
