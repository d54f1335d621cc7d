#!/usr/bin/env node
// Entry point of the `charter` command: TypeScript sources run through tsx, no build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../apps/cli/src/main.ts');
await runCli(process.argv);
