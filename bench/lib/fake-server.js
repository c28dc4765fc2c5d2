/**
 * The EC2 and Compute fakes, and a Debian mirror (the Release files local
 * sources resolve to), in a process of their own (forked by the
 * benchmark), so building their answers does not take CPU from the planner
 * being measured, as a real cloud's would not. Driven over IPC:
 *   { type: 'start', latencyMs, aws: [{ region, name, tags, creationDate? }], gcp: [{ name, labels }],
 *     awsUpstream?: [{ region, ownerId, name, creationDate }], gcpUpstream?: [{ project, family, name, creationTimestamp }] }
 *     -> { type: 'ready', ec2Url, gcpUrl, mirrorUrl, awsUpstream: [id, ...] }
 *   { type: 'seed', aws: [{ regions, name, tags, creationDate? }] } -> { type: 'seeded' } (one AMI per region)
 *   (the upstream images are what the topology's sources resolve to: a plan resolves every source it uses)
 *   { type: 'counts', reset } -> { type: 'counts', awsDescribeImages, awsOther, gcpImagesList, gcpOther, cpuMs }
 *   (cpuMs: this process's CPU time since the last reset, the cost of answering, which a real cloud does not take from us)
 *   { type: 'close' }
 */
import { compiled } from './compiled.js';

let ec2;
let gcp;
let mirror;
/** CPU time of this process (answering requests) since the last reset. */
let cpuSince = process.cpuUsage();

process.on('message', async (message) => {
  if (message.type === 'start') {
    const [{ startEc2Fake }, { startGcpFake }, { startDebianMirror }] = await Promise.all([
      compiled('__tests__/fakes/aws/server.js'), compiled('__tests__/fakes/gcp/server.js'), compiled('__tests__/fakes/debian/mirror.js'),
    ]);
    ec2 = await startEc2Fake({ account: message.account, latencyMs: message.latencyMs });
    gcp = await startGcpFake({ latencyMs: message.latencyMs });
    for (const image of message.aws) ec2.state.seedImage(image);
    for (const image of message.gcp) gcp.seedImage(image);
    const awsUpstream = (message.awsUpstream ?? []).map((image) => ec2.state.publishUpstream(image).id);
    for (const image of message.gcpUpstream ?? []) gcp.state.publishUpstream(image);
    mirror = await startDebianMirror();
    mirror.publish('bookworm', { version: '12.7', date: 'Sat, 31 Aug 2024 10:13:22 UTC' });
    process.send({ type: 'ready', ec2Url: ec2.url, gcpUrl: gcp.url, mirrorUrl: mirror.url, awsUpstream });
  } else if (message.type === 'seed') {
    for (const { regions, ...image } of message.aws) for (const region of regions) ec2.state.seedImage({ ...image, region });
    cpuSince = process.cpuUsage();
    process.send({ type: 'seeded' });
  } else if (message.type === 'counts') {
    const awsDescribeImages = ec2.count('DescribeImages');
    const gcpImagesList = gcp.calls.count('images.list');
    const cpu = process.cpuUsage(cpuSince);
    process.send({
      type: 'counts', awsDescribeImages, awsOther: ec2.calls.length - awsDescribeImages,
      gcpImagesList, gcpOther: gcp.calls.log.length - gcpImagesList, cpuMs: (cpu.user + cpu.system) / 1000,
    });
    if (message.reset) {
      ec2.clearCalls();
      gcp.calls.reset();
      cpuSince = process.cpuUsage();
    }
  } else if (message.type === 'close') {
    await Promise.all([ec2?.close(), gcp?.close(), mirror?.close()]);
    process.disconnect();
  }
});
