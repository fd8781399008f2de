/**
 * Layer rules of the relay (docs/architecture.md): dependencies point inward, the domain does no
 * I/O, Lambda code never reaches into the local runtime or the tests, and nothing is circular.
 * `npm run check:layers` runs it; `npm test` runs that first.
 */

/** Libraries that do I/O or tie code to Lambda: the domain stays plain TypeScript without them. */
const IO_AND_LAMBDA_PACKAGES = [
  '^node_modules/@aws-sdk/',
  '^node_modules/@smithy/',
  '^node_modules/axios/',
  '^node_modules/(@types/)?aws-lambda/',
  '^node_modules/@middy/',
  '^node_modules/@aws-lambda-powertools/',
];
/** Node's network modules, with or without the `node:` prefix. */
const NETWORK_BUILTINS = '^(node:)?(http|https|http2|net|tls|dgram)$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A cycle makes load order matter and hides which module owns a decision.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-does-no-io',
      comment:
        'lambdas/domain is pure TypeScript: AWS, HTTP, Lambda and middleware libraries live in adapters and handlers.',
      severity: 'error',
      from: { path: '^lambdas/domain/' },
      to: { path: [...IO_AND_LAMBDA_PACKAGES, NETWORK_BUILTINS] },
    },
    {
      name: 'domain-imports-only-domain',
      comment: 'Dependencies point inward: adapters, app, handlers and shared depend on the domain, never the reverse.',
      severity: 'error',
      from: { path: '^lambdas/domain/' },
      to: { path: '^lambdas/(adapters|app|handlers|shared)/' },
    },
    {
      name: 'lambdas-stay-deployable',
      comment: 'What is bundled into a Lambda must not depend on the local runtime or on test code.',
      severity: 'error',
      from: { path: '^lambdas/' },
      to: { path: '^(local|test)/' },
    },
    {
      name: 'adapters-below-app',
      comment:
        'An adapter implements a port; the composition (app) and the entries (handlers) choose adapters, not the reverse.',
      severity: 'error',
      from: { path: '^lambdas/adapters/' },
      to: { path: '^lambdas/(app|handlers)/' },
    },
    {
      name: 'admin-site-shares-only-types',
      comment:
        'The admin site talks to the relay over /api only; it may reuse the shared API types, nothing else of the back end.',
      severity: 'error',
      from: { path: '^web-admin/src/' },
      to: { path: '^(lambdas|local|lib|bin)/', pathNot: '^lambdas/shared/' },
    },
    {
      name: 'admin-site-shared-imports-are-types',
      comment:
        'A value import from lambdas/shared would bundle server code into the browser. The one exception is the route table: constant data that imports only types, so server and site cannot disagree on a path.',
      severity: 'error',
      from: { path: '^web-admin/src/' },
      to: {
        path: '^lambdas/shared/',
        pathNot: '^lambdas/shared/admin-api-routes[.]ts$',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'route-table-is-data',
      comment: 'The route table reaches the browser bundle: it may import types only.',
      severity: 'error',
      from: { path: '^lambdas/shared/admin-api-routes[.]ts$' },
      to: { dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-unresolvable',
      comment:
        'An import the resolver cannot follow is an import no rule above can check. Vite virtual modules (virtual:*) are made by the site build.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^virtual:' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // node_modules stays in the graph (the I/O rule looks at it) but is not followed.
    exclude: { path: '^(cdk\\.out|web-admin/dist|test-results|\\.local-data)/' },
    // Type-only imports count: a domain file importing a type from an adapter is still a wrong direction.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      // Packages expose their entries through `exports`. The `#domain/*`, `#adapters/*`, ... subpath
      // imports resolve through package.json `imports`, which the resolver reads by default.
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
