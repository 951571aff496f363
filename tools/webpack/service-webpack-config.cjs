// Shared webpack configuration of the three services: Nest needs the `tsc` compiler for
// decorator metadata; node_modules stay external and Nx writes a package.json + lockfile of
// exactly what the bundle requires (the production-dependencies stage of the image uses it).
const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('node:path');

/**
 * @param {string} projectDir the app's directory (`__dirname` of its webpack.config.cjs)
 * @param {string} name the app's name, also its folder under dist/apps
 * @param {{ entryName: string, entryPath: string }[]} [additionalEntryPoints]
 */
function serviceWebpackConfig(projectDir, name, additionalEntryPoints = []) {
  return {
    output: {
      path: join(projectDir, '../../dist/apps', name),
      clean: true,
    },
    plugins: [
      new NxAppWebpackPlugin({
        target: 'node',
        compiler: 'tsc',
        main: './src/main.ts',
        tsConfig: './tsconfig.app.json',
        additionalEntryPoints,
        outputHashing: 'none',
        generatePackageJson: true,
        optimization: false,
        sourceMap: true,
      }),
    ],
  };
}

module.exports = { serviceWebpackConfig };
