// Import boundaries of docs/architecture.md, enforced in CI (`npm run lint:boundaries`).
const pkg = (name) => `^packages/${name}/`;
module.exports = {
  forbidden: [
    { name: 'contracts-only-schema', severity: 'error', from: { path: pkg('(contracts|engine-spec)') }, to: { path: '^(packages|apps)/', pathNot: pkg('(contracts|engine-spec)') } },
    { name: 'core-only-engine-spec', severity: 'error', from: { path: pkg('core') }, to: { path: '^(packages|apps)/', pathNot: pkg('(core|engine-spec)') } },
    { name: 'core-no-io', severity: 'error', from: { path: pkg('core') }, to: { dependencyTypes: ['npm', 'npm-dev'] } },
    { name: 'core-no-http-sql', severity: 'error', from: { path: pkg('core') }, to: { path: '^(http|https|net|fs|fs/promises|child_process|dgram)$', dependencyTypes: ['core'] } },
    { name: 'engines-only-spec', severity: 'error', from: { path: pkg('engine-(llamacpp|openai-compatible)') }, to: { path: '^(packages|apps)/', pathNot: pkg('(engine-spec|engine-llamacpp|engine-openai-compatible)') } },
    { name: 'engines-not-each-other', severity: 'error', from: { path: pkg('engine-llamacpp') }, to: { path: pkg('engine-openai-compatible') } },
    { name: 'engines-not-each-other-2', severity: 'error', from: { path: pkg('engine-openai-compatible') }, to: { path: pkg('engine-llamacpp') } },
    { name: 'storage-only-core', severity: 'error', from: { path: pkg('storage') }, to: { path: '^(packages|apps)/', pathNot: pkg('(storage|core|engine-spec)') } },
    { name: 'sdk-only-contracts', severity: 'error', from: { path: pkg('sdk') }, to: { path: '^(packages|apps)/', pathNot: pkg('(sdk|contracts)') } },
    { name: 'nothing-imports-testing', severity: 'error', from: { path: '^(packages|apps)/', pathNot: ['^packages/testing/', '\\.test\\.ts$', '^apps/[^/]+/test/'] }, to: { path: pkg('testing') } },
    { name: 'nothing-imports-apps', severity: 'error', from: { path: '^packages/', pathNot: '^packages/testing/' }, to: { path: '^apps/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(node_modules|__fixtures__)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: true,
  },
};
