// Stylesheets are bundled by esbuild (scripts/build-web.mjs) into the page's main-<hash>.css.
declare module '*.css';
