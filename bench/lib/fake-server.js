/**
 * The EC2 and Compute fakes in a process of their own (forked by the
 * benchmark), so building their answers does not take CPU from the planner
 * being measured, as a real cloud's would not. Driven over IPC:
 *   { type: 'start', latencyMs, aws: [{ region, name, tags }], gcp: [{ name, labels }] } -> { type: 'ready', ec2Url, gcpUrl }
 *   { type: 'counts', reset } -> { type: 'counts', awsDescribeImages, awsOther, gcpImagesList, gcpOther }
 *   { type: 'close' }
 */
import { compiled } from './compiled.js';

let ec2;
let gcp;

process.on('message', async (message) => {
  if (message.type === 'start') {
    const [{ startEc2Fake }, { startGcpFake }] = await Promise.all([compiled('__tests__/fakes/aws/server.js'), compiled('__tests__/fakes/gcp/server.js')]);
    ec2 = await startEc2Fake({ account: message.account, latencyMs: message.latencyMs });
    gcp = await startGcpFake({ latencyMs: message.latencyMs });
    for (const image of message.aws) ec2.state.seedImage(image);
    for (const image of message.gcp) gcp.seedImage(image);
    process.send({ type: 'ready', ec2Url: ec2.url, gcpUrl: gcp.url });
  } else if (message.type === 'counts') {
    const awsDescribeImages = ec2.count('DescribeImages');
    const gcpImagesList = gcp.calls.count('images.list');
    process.send({
      type: 'counts', awsDescribeImages, awsOther: ec2.calls.length - awsDescribeImages,
      gcpImagesList, gcpOther: gcp.calls.log.length - gcpImagesList,
    });
    if (message.reset) {
      ec2.clearCalls();
      gcp.calls.reset();
    }
  } else if (message.type === 'close') {
    await Promise.all([ec2?.close(), gcp?.close()]);
    process.disconnect();
  }
});
