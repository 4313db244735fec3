import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type ArtifactRef, sha256Hex } from './workflow.js';

/**
 * Phase artifacts in S3 at `workflows/{id}/{phase}.json`. The first write of a key wins
 * (`If-None-Match: *`): a second, concurrent run of the same phase keeps the first artifact and
 * records its hash, so the hash in the workflow always describes the object in the bucket.
 */
export interface ArtifactStore {
  s3: S3Client;
  bucket: string;
}

export const artifactKey = (workflowId: string, phaseId: string): string =>
  `workflows/${workflowId}/${phaseId}.json`;

/** Links to artifacts live this long: enough to download, too short to pass around. */
export const LINK_TTL_SECONDS = 300;

/**
 * Artifacts never change once written (first write wins, nothing overwrites or deletes them), so
 * a container keeps the last few it wrote or read: a phase that follows its predecessor on the
 * same container reads its inputs from memory. Audits always read the bucket itself.
 */
const RECENT_LIMIT = 32;
const recent = new Map<string, Buffer>();

function remember(key: string, body: Buffer): void {
  recent.delete(key);
  recent.set(key, body);
  if (recent.size > RECENT_LIMIT) recent.delete(recent.keys().next().value!);
}

const isPreconditionFailed = (error: unknown): boolean =>
  (error as { name?: string }).name === 'PreconditionFailed' ||
  (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412;

export async function putArtifact(
  store: ArtifactStore,
  workflowId: string,
  phaseId: string,
  body: string,
): Promise<ArtifactRef> {
  const key = artifactKey(workflowId, phaseId);
  const bytes = Buffer.from(body, 'utf8');
  const sha256 = sha256Hex(bytes);
  try {
    await store.s3.send(
      new PutObjectCommand({
        Bucket: store.bucket,
        Key: key,
        Body: bytes,
        ContentType: 'application/json',
        IfNoneMatch: '*',
        Metadata: { sha256 },
      }),
    );
    remember(key, bytes);
    return { key, sha256, bytes: bytes.length };
  } catch (error) {
    if (!isPreconditionFailed(error)) throw error;
    const existing = await readArtifact(store, key);
    return { key, sha256: sha256Hex(existing), bytes: existing.length };
  }
}

/** The artifact's bytes from the bucket (and remembered), or from memory when `recentOk`. */
export async function readArtifact(store: ArtifactStore, key: string, recentOk = false): Promise<Buffer> {
  const known = recentOk ? recent.get(key) : undefined;
  if (known) return known;
  const { Body } = await store.s3.send(new GetObjectCommand({ Bucket: store.bucket, Key: key }));
  if (!Body) throw new Error(`artifact ${key} has no body`);
  const body = Buffer.from(await Body.transformToByteArray());
  remember(key, body);
  return body;
}

/** A short-lived GET link; signing is local, no request is sent. */
export async function artifactLink(
  store: ArtifactStore,
  key: string,
  now: Date,
): Promise<{ url: string; expiresAt: string }> {
  const url = await getSignedUrl(store.s3, new GetObjectCommand({ Bucket: store.bucket, Key: key }), {
    expiresIn: LINK_TTL_SECONDS,
  });
  return { url, expiresAt: new Date(now.getTime() + LINK_TTL_SECONDS * 1000).toISOString() };
}
