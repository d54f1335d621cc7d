#!/usr/bin/env -S node --max-semi-space-size=64
// Entry point of the `charter` command: TypeScript sources run through tsx, no build step.
// A 64 MB semi-space makes young collections rarer: under load, fewer requests wait behind one (docs/operations.md).
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../apps/cli/src/main.ts');
await runCli(process.argv);
