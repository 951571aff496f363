const { serviceWebpackConfig } = require('../../tools/webpack/service-webpack-config.cjs');

module.exports = serviceWebpackConfig(__dirname, 'api', [
  { entryName: 'migrate', entryPath: 'apps/api/src/migrate.ts' },
  { entryName: 'seed', entryPath: 'apps/api/src/seed.ts' },
  { entryName: 'domain-blocks', entryPath: 'apps/api/src/domain-blocks.ts' },
]);
