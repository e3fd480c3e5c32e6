import fs from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { SUBGRAPH_BUILDERS } from './subgraphs';

export const SCHEMA_DIR = __dirname;
export const SUPERGRAPH_FILE = path.join(SCHEMA_DIR, 'supergraph.graphql');

/** Each subgraph's SDL and the composed supergraph, as files in schema/ would hold them. */
export async function composeSupergraph(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const services = [];
  for (const [name, build] of Object.entries(SUBGRAPH_BUILDERS)) {
    const { sdl } = await build();
    files.set(`${name}.graphql`, sdl);
    // The URL is a placeholder: the gateway supplies each subgraph's real address at start.
    services.push({ name, typeDefs: parse(sdl), url: `http://${name}.subgraph.local/graphql` });
  }
  const result = composeServices(services);
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((error) => `- ${error.message}`).join('\n')}`);
  }
  files.set('supergraph.graphql', result.supergraphSdl);
  return files;
}

export function writeSchemaFiles(files: Map<string, string>): void {
  for (const [file, content] of files) fs.writeFileSync(path.join(SCHEMA_DIR, file), content);
}
