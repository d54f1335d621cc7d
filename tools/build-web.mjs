#!/usr/bin/env node
// Build the web app (apps/web → apps/web/dist) when its sources are newer than the last build, so `npm start`
// and `npm test` always serve the current app without rebuilding every time. `--force` always builds.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'apps/web');
const builtIndex = path.join(web, 'dist/index.html');
const sources = [path.join(web, 'src'), path.join(web, 'index.html'), path.join(web, 'vite.config.ts'), path.join(root, 'packages/sdk/src'), path.join(root, 'packages/contracts/src')];

function newestChange(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(entry).map((name) => newestChange(path.join(entry, name))));
}

const isForced = process.argv.includes('--force');
const builtAt = existsSync(builtIndex) ? statSync(builtIndex).mtimeMs : 0;
if (!isForced && builtAt > 0 && Math.max(...sources.map(newestChange)) <= builtAt) {
  process.stdout.write('web app is up to date\n');
} else {
  process.stdout.write('building the web app…\n');
  const { build } = await import(path.join(root, 'node_modules/vite/dist/node/index.js'));
  await build({ root: web, configFile: path.join(web, 'vite.config.ts'), logLevel: 'warn' });
  process.stdout.write('web app built into apps/web/dist\n');
}
