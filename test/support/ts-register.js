// Loads the TypeScript sources in a child process the way jest does (through @swc/core), with the
// @fristvagt/* paths of tsconfig.json, so that fault tests run the real service without a build step.
// Usage: node -r ./test/support/ts-register.js apps/api/src/main.ts
const Module = require('node:module');
const path = require('node:path');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '../..');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const alias = /^@fristvagt\/([a-z-]+)(\/.*)?$/.exec(request);
  const target = alias ? path.join(root, 'libs', alias[1], 'src', alias[2] ?? 'index') : request;
  return resolveFilename.call(this, target, parent, ...rest);
};

require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformFileSync(filename, {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
