/**
 * EC2 query-protocol XML, as the real service writes it: a `<XxxResponse>`
 * root in the 2016-11-15 namespace with a requestId, lists as `<xxxSet>` of
 * `<item>`s, and errors as `<Response><Errors><Error>...`.
 */
import type { FakeImage, FakeInstance, FakeLaunchTemplate, FakeVersion } from './state.js';

export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

export function esc(value: string): string {
  if (!/[&<>"']/.test(value)) return value;
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** `<name>value</name>`, or nothing when the value is absent. */
export function el(name: string, value: string | number | boolean | undefined | null): string {
  if (value === undefined || value === null) return '';
  return `<${name}>${esc(String(value))}</${name}>`;
}

/** `<name>inner</name>` with already-rendered XML inside. */
export function wrap(name: string, inner: string): string {
  return `<${name}>${inner}</${name}>`;
}

/** `<name><item>...</item>...</name>` from already-rendered items. */
export function set(name: string, items: string[]): string {
  return wrap(name, items.map((i) => wrap('item', i)).join(''));
}

export function response(action: string, requestId: string, body: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_NAMESPACE}">` +
    `${el('requestId', requestId)}${body}</${action}Response>`
  );
}

export function errorResponse(code: string, message: string, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>${el('Code', code)}${el('Message', message)}` +
    `</Error></Errors>${el('RequestID', requestId)}</Response>`
  );
}

export function tagSet(tags: Record<string, string>): string {
  return set(
    'tagSet',
    Object.entries(tags).map(([k, v]) => el('key', k) + el('value', v)),
  );
}

export function imageXml(image: FakeImage, account: string): string {
  const available = image.state === 'available' || image.state === 'disabled';
  const mappings = image.snapshotIds.map(
    (snapshotId, i) =>
      el('deviceName', i === 0 ? '/dev/xvda' : `/dev/xvd${String.fromCharCode(98 + i)}`) +
      wrap(
        'ebs',
        el('snapshotId', available ? snapshotId : undefined) +
          el('volumeSize', image.volumeSizeGb) +
          el('deleteOnTermination', true) +
          el('volumeType', 'gp3') +
          el('encrypted', image.encrypted) +
          el('kmsKeyId', image.kmsKeyId),
      ),
  );
  return (
    el('imageId', image.id) +
    el('imageLocation', `${image.ownerId}/${image.name}`) +
    el('imageState', image.state) +
    el('imageOwnerId', image.ownerId) +
    el('creationDate', image.creationDate) +
    el('isPublic', image.launchPermission.public) +
    el('architecture', 'x86_64') +
    el('imageType', 'machine') +
    el('name', image.name) +
    el('description', image.description) +
    el('rootDeviceType', 'ebs') +
    el('rootDeviceName', image.rootDeviceName ?? '/dev/xvda') +
    set('blockDeviceMapping', mappings) +
    el('virtualizationType', 'hvm') +
    el('hypervisor', 'xen') +
    el('enaSupport', true) +
    el('bootMode', 'uefi-preferred') +
    el('deprecationTime', image.deprecationTime) +
    el('sourceImageId', image.sourceImageId) +
    el('sourceImageRegion', image.sourceRegion) +
    (image.stateReason ? wrap('stateReason', el('code', image.stateReason.code) + el('message', image.stateReason.message)) : '') +
    (Object.keys(image.tags).length > 0 ? tagSet(image.tags) : '') +
    (image.ownerId === account ? '' : el('imageOwnerAlias', image.ownerAlias))
  );
}

const STATE_CODES: Record<string, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export function reservationXml(instance: FakeInstance, account: string): string {
  const inner =
    el('instanceId', instance.id) +
    el('imageId', instance.imageId) +
    wrap('instanceState', el('code', STATE_CODES[instance.state] ?? 0) + el('name', instance.state)) +
    el('instanceType', 't3.micro') +
    el('launchTime', instance.launchTime) +
    (Object.keys(instance.tags).length > 0 ? tagSet(instance.tags) : '');
  return el('reservationId', `r-${instance.id.slice(2)}`) + el('ownerId', account) + set('groupSet', []) + set('instancesSet', [inner]);
}

export function launchTemplateXml(template: FakeLaunchTemplate): string {
  return (
    el('launchTemplateId', template.id) +
    el('launchTemplateName', template.name) +
    el('createTime', template.createTime) +
    el('defaultVersionNumber', template.defaultVersion) +
    el('latestVersionNumber', template.versions.length)
  );
}

export function versionXml(template: FakeLaunchTemplate, version: FakeVersion): string {
  return (
    el('launchTemplateId', template.id) +
    el('launchTemplateName', template.name) +
    el('versionNumber', version.number) +
    el('createTime', version.createTime) +
    el('defaultVersion', version.number === template.defaultVersion) +
    wrap('launchTemplateData', el('imageId', version.imageId) + el('instanceType', 't3.micro'))
  );
}
