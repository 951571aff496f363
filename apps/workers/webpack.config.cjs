const { serviceWebpackConfig } = require('../../tools/webpack/service-webpack-config.cjs');

module.exports = serviceWebpackConfig(__dirname, 'workers', [
  { entryName: 'deliveries', entryPath: 'apps/workers/src/federation/deliveries.cli.ts' },
  {
    entryName: 'backup-verify',
    entryPath: 'apps/workers/src/backup-verification/backup-verify.cli.ts',
  },
]);
