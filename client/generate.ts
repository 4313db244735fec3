import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generatedFiles, type OpenApiDocument } from './codegen.js';

/**
 * `npm run client:generate [-- <API url>]`: writes client/generated/ from the OpenAPI document the
 * API at the url serves, or, without one, the document this checkout's API serves (built in process
 * by the same function `GET /v1/openapi.json` answers with).
 */
async function servedDocument(url: string | undefined): Promise<OpenApiDocument> {
  if (url) {
    const response = await fetch(new URL('/v1/openapi.json', url));
    if (!response.ok) throw new Error(`GET /v1/openapi.json answered ${response.status}`);
    return (await response.json()) as OpenApiDocument;
  }
  const { servedOpenApiDocument } = await import('#functions/platform/api.js');
  return servedOpenApiDocument() as unknown as OpenApiDocument;
}

const files = await generatedFiles(await servedDocument(process.argv[2]));
for (const [name, text] of Object.entries(files)) {
  await writeFile(join(import.meta.dirname, 'generated', name), text);
  console.log(`wrote client/generated/${name}`);
}
