// Loaded with `node -r` before any project file: decorator metadata must exist before the
// first decorated class is evaluated, and TypeScript is compiled on the fly by SWC.
require('reflect-metadata');
require('@swc-node/register');
