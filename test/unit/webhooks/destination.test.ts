import { describe, expect, it } from 'vitest';
import { checkDestination, classify, type Resolve } from '#shared/webhooks/destination.js';

const resolvingTo =
  (...addresses: string[]): Resolve =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: { status?: number; code?: string }) => `${error.status} ${error.code}`,
  );

describe('Webhook destinations', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['169.254.169.254', 'private'],
    ['100.64.0.1', 'private'],
    ['0.0.0.0', 'private'],
    ['fd00::1', 'private'],
    ['fe80::1', 'private'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
  ])('classifies %s as %s', (address, kind) => {
    expect(classify(address)).toBe(kind);
  });

  it('refuses a name that resolves to a private address, or to any private one among public ones', async () => {
    const aws = { stage: 'prod' };
    expect(
      await refusal(checkDestination('https://hooks.example', { ...aws, resolve: resolvingTo('10.0.0.7') })),
    ).toBe('422 webhook_url_refused');
    expect(
      await refusal(
        checkDestination('https://hooks.example', {
          ...aws,
          resolve: resolvingTo('93.184.215.14', '192.168.1.1'),
        }),
      ),
    ).toBe('422 webhook_url_refused');
  });

  it('takes only https on AWS, and neither loopback there', async () => {
    const resolve = resolvingTo('93.184.215.14');
    expect(await refusal(checkDestination('http://hooks.example', { stage: 'prod', resolve }))).toBe(
      '422 webhook_url_refused',
    );
    expect(await refusal(checkDestination('https://127.0.0.1/hooks', { stage: 'prod', resolve }))).toBe(
      '422 webhook_url_refused',
    );
    expect(
      await refusal(
        checkDestination('https://localhost/hooks', { stage: 'prod', resolve: resolvingTo('127.0.0.1') }),
      ),
    ).toBe('422 webhook_url_refused');
  });

  it('takes plain http in the local stage only to loopback', async () => {
    expect(
      await refusal(
        checkDestination('http://hooks.example', { stage: 'local', resolve: resolvingTo('93.184.215.14') }),
      ),
    ).toBe('422 webhook_url_refused');
    const local = await checkDestination('http://localhost:8080/hooks', {
      stage: 'local',
      resolve: resolvingTo('127.0.0.1'),
    });
    expect(local).toMatchObject({ address: '127.0.0.1', family: 4 });
  });

  it('pins the address it checked, and refuses a name that does not resolve or credentials in the URL', async () => {
    const checked = await checkDestination('https://hooks.example/path', {
      stage: 'prod',
      resolve: resolvingTo('2606:4700:4700::1111', '93.184.215.14'),
    });
    expect(checked).toMatchObject({ address: '2606:4700:4700::1111', family: 6 });
    expect(checked.url.hostname).toBe('hooks.example');
    const failing: Resolve = async () => {
      throw new Error('ENOTFOUND');
    };
    expect(
      await refusal(checkDestination('https://nowhere.example', { stage: 'prod', resolve: failing })),
    ).toBe('422 webhook_url_refused');
    expect(
      await refusal(
        checkDestination('https://user:pw@hooks.example', {
          stage: 'prod',
          resolve: resolvingTo('93.184.215.14'),
        }),
      ),
    ).toBe('422 webhook_url_refused');
  });
});
