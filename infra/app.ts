import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PrsmStack, parseStage } from './stack.js';

/** `cdk synth -c stage=<stage>` (cdk.json defaults it to `dev`): one stack, `Prsm-<stage>`. */
const app = new App();
const stage = parseStage(app.node.tryGetContext('stage') ?? 'dev');

// `-c PRSM_MODEL_TEACHER=...` and the other model settings (infra/manifest.ts `modelEnvironment`).
const models = Object.fromEntries(
  Object.entries(app.node.getAllContext()).filter(
    (entry): entry is [string, string] => entry[0].startsWith('PRSM_MODEL_') && typeof entry[1] === 'string',
  ),
);

new PrsmStack(app, `Prsm-${stage}`, {
  stage,
  models,
  description: `PRSM serverless FTNS research platform (${stage})`,
});
// Every finding is either fixed or suppressed in code next to the resource, with its reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

app.synth();
