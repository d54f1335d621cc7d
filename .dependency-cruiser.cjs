// Import boundaries of ../shared/ARCHITECTURE.md, enforced in CI (`npm run lint:boundaries`).
// Test files may additionally import @charter/testing (real databases, fake upstream, contract suites).
// Workspace imports resolve to packages/NAME/ or, unresolved, stay as @charter/NAME: match both.
const pkg = (name) => `^(packages/${name}/|@charter/${name}$)`;
const notTest = '\\.test\\.ts$';
module.exports = {
  forbidden: [
    { name: 'contracts-only-schema', severity: 'error', from: { path: pkg('(contracts|engine-spec)') }, to: { path: '^(packages/|apps/|@charter/)', pathNot: pkg('(contracts|engine-spec)') } },
    { name: 'core-only-engine-spec', severity: 'error', from: { path: pkg('core'), pathNot: notTest }, to: { path: '^(packages/|apps/|@charter/)', pathNot: pkg('(core|engine-spec)') } },
    {
      name: 'core-imports-only-engine-spec-and-pure-builtins',
      severity: 'error',
      from: { path: pkg('core'), pathNot: notTest },
      to: { pathNot: [pkg('(core|engine-spec)'), '^(node:)?(crypto|util|events|timers|perf_hooks)$'] },
    },
    { name: 'engines-only-spec', severity: 'error', from: { path: pkg('engine-(llamacpp|openai-compatible)'), pathNot: notTest }, to: { path: '^(packages/|apps/|@charter/)', pathNot: pkg('(engine-spec|engine-llamacpp|engine-openai-compatible)') } },
    { name: 'engines-not-each-other', severity: 'error', from: { path: pkg('engine-llamacpp') }, to: { path: pkg('engine-openai-compatible') } },
    { name: 'engines-not-each-other-2', severity: 'error', from: { path: pkg('engine-openai-compatible') }, to: { path: pkg('engine-llamacpp') } },
    { name: 'storage-only-core', severity: 'error', from: { path: pkg('storage'), pathNot: notTest }, to: { path: '^(packages/|apps/|@charter/)', pathNot: pkg('(storage|core|engine-spec)') } },
    { name: 'limits-redis-only-core', severity: 'error', from: { path: pkg('limits-redis'), pathNot: notTest }, to: { path: '^(packages/|apps/|@charter/)', pathNot: pkg('(limits-redis|core|engine-spec)') } },
    { name: 'credentials-only-core', severity: 'error', from: { path: pkg('credentials'), pathNot: notTest }, to: { path: '^(packages/|apps/|@charter/)', pathNot: pkg('(credentials|core|engine-spec)') } },
    { name: 'mailer-smtp-only-core', severity: 'error', from: { path: pkg('mailer-smtp'), pathNot: notTest }, to: { path: '^(packages/|apps/|@charter/)', pathNot: pkg('(mailer-smtp|core|engine-spec)') } },
    { name: 'geoip-maxmind-only-core', severity: 'error', from: { path: pkg('geoip-maxmind'), pathNot: notTest }, to: { path: '^(packages/|apps/|@charter/)', pathNot: pkg('(geoip-maxmind|core|engine-spec)') } },
    { name: 'restricted-parties-csv-only-core', severity: 'error', from: { path: pkg('restricted-parties-csv'), pathNot: notTest }, to: { path: '^(packages/|apps/|@charter/)', pathNot: pkg('(restricted-parties-csv|core|engine-spec)') } },
    { name: 'moderation-training-only-core', severity: 'error', from: { path: pkg('moderation-training'), pathNot: notTest }, to: { path: '^(packages/|apps/|@charter/)', pathNot: pkg('(moderation-training|core|engine-spec)') } },
    { name: 'sdk-only-contracts', severity: 'error', from: { path: pkg('sdk') }, to: { path: '^(packages/|apps/|@charter/)', pathNot: pkg('(sdk|contracts)') } },
    { name: 'web-and-cli-not-core', severity: 'error', from: { path: '^apps/(web|cli)/' }, to: { path: '^packages/(core|storage|engine-)' } },
    { name: 'nothing-imports-testing', severity: 'error', from: { path: '^(packages|apps)/', pathNot: ['^packages/testing/', notTest, '^apps/[^/]+/test/'] }, to: { path: pkg('testing') } },
    { name: 'packages-not-apps', severity: 'error', from: { path: '^packages/', pathNot: '^packages/testing/' }, to: { path: '^apps/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '__fixtures__' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: true,
  },
};
