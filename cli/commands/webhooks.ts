import { type Command, InvalidArgumentError } from 'commander';
import { Webhook } from 'standardwebhooks';
import { type components, type operations, unwrap } from '#client/index.js';
import { newSecret } from '#shared/webhooks/signature.js';
import { positiveInteger, withContext } from '../context.js';
import { type Forwarded, listen } from '../listen.js';
import { type ListOptions, listPage, printPage, withListOptions } from '../lists.js';
import { fields } from '../table.js';
import { keyHeader } from './account.js';
import { typeOptionHelp } from './events.js';

type Endpoint = components['schemas']['WebhookEndpoint'];
type Subscription =
  operations['createWebhookEndpoint']['requestBody']['content']['application/json']['events'][number];

const renderEndpoint = (endpoint: Endpoint) =>
  fields([
    ['id', endpoint.id],
    ['url', endpoint.url],
    ['events', endpoint.events.join(', ')],
    ['status', endpoint.disabledReason ? `${endpoint.status} (${endpoint.disabledReason})` : endpoint.status],
    ['description', endpoint.description],
    ['created', endpoint.createdAt],
  ]);

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `--secret`: a Standard Webhooks secret, as `create` prints them (standardwebhooks decodes it). */
function secretArgument(text: string): string {
  const valid = (() => {
    try {
      return text.startsWith('whsec_') && Boolean(new Webhook(text));
    } catch {
      return false;
    }
  })();
  if (!valid) throw new InvalidArgumentError('a Standard Webhooks secret: whsec_ and base64');
  return text;
}

function urlArgument(text: string): string {
  if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol)) {
    throw new InvalidArgumentError('an http(s) URL, e.g. http://127.0.0.1:8080/hooks');
  }
  return text;
}

export function registerWebhooks(program: Command): void {
  const webhooks = program
    .command('webhooks')
    .description('webhook endpoints that receive your events, signed (Standard Webhooks)');

  withListOptions(webhooks.command('ls').description('your webhook endpoints')).action(
    withContext(async (context, options: ListOptions) => {
      const page = await listPage(options, (query) =>
        context.client.GET('/v1/webhooks/endpoints', { params: { query } }),
      );
      printPage(context, page, [
        ['id', (e) => e.id],
        ['status', (e) => e.status],
        ['url', (e) => e.url],
        ['events', (e) => e.events.join(',')],
        ['description', (e) => e.description],
      ]);
    }),
  );

  webhooks
    .command('create')
    .description('a new endpoint; its signing secret (whsec_...) is printed this once')
    .argument(
      '<url>',
      'where deliveries go (https; the local stage also takes http to loopback)',
      urlArgument,
    )
    .option('--event <type>', 'an event type to deliver (repeatable; default: every type, "*")', collect)
    .option('--description <text>', 'what the endpoint is for')
    .option('--idempotency-key <key>', 'your own key (a retry with it shows the same secret again)')
    .action(
      withContext(
        async (
          context,
          url: string,
          options: { event?: string[]; description?: string; idempotencyKey?: string },
        ) => {
          const endpoint = await unwrap(
            context.client.POST('/v1/webhooks/endpoints', {
              params: { header: keyHeader(options.idempotencyKey) },
              body: {
                url,
                events: (options.event ?? ['*']) as Subscription[],
                ...(options.description ? { description: options.description } : {}),
              },
            }),
          );
          context.print(
            endpoint,
            (e) =>
              `${renderEndpoint(e)}\nsecret       ${e.secret}\n\nThe secret is shown only now: store it.`,
          );
        },
      ),
    );

  webhooks
    .command('delete')
    .description('delete an endpoint: it gets nothing more')
    .argument('<endpointId>')
    .action(
      withContext(async (context, endpointId: string) => {
        await unwrap(
          context.client.DELETE('/v1/webhooks/endpoints/{endpointId}', { params: { path: { endpointId } } }),
        );
        context.print({ id: endpointId, deleted: true }, () => `deleted ${endpointId}`);
      }),
    );

  webhooks
    .command('listen')
    .description(
      'forward your events, signed, to a local URL as they happen (polls the events API; Ctrl-C stops)',
    )
    .requiredOption(
      '--forward-to <url>',
      'where to POST each event, e.g. http://127.0.0.1:8080/hooks',
      urlArgument,
    )
    .option(
      '--secret <whsec>',
      'sign with this secret (default: a new one, printed at start)',
      secretArgument,
    )
    .option('--type <type>', typeOptionHelp)
    .option('--interval <ms>', 'how often to poll, milliseconds', positiveInteger, 2000)
    .action(
      withContext(
        async (context, options: { forwardTo: string; secret?: string; type?: string; interval: number }) => {
          const secret = options.secret ?? newSecret();
          // With --json, standard output is JSON lines: the first holds the secret, then one per event.
          const line = (data: object, human: string) =>
            process.stdout.write(`${context.json ? JSON.stringify(data) : human}\n`);
          const stop = new AbortController();
          const onSignal = () => stop.abort();
          process.once('SIGINT', onSignal);
          process.once('SIGTERM', onSignal);
          try {
            await listen({
              client: context.client,
              forwardTo: options.forwardTo,
              secret,
              type: options.type,
              intervalMs: options.interval,
              signal: stop.signal,
              onReady: (from) => {
                const ready = `Forwarding your events from ${from} to ${options.forwardTo} (Ctrl-C stops).`;
                line({ ready: true, forwardTo: options.forwardTo, secret, from }, ready);
                context.note(`Signing secret: ${secret}`);
              },
              onForward: (forwarded: Forwarded) =>
                line(
                  forwarded,
                  `${forwarded.event.timestamp}  ${forwarded.event.type}  ${forwarded.event.id}  -> ${
                    forwarded.status ?? `failed: ${forwarded.error}`
                  }`,
                ),
            });
          } finally {
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
          }
          context.note('Stopped.');
        },
      ),
    );
}
