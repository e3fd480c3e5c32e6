import { composeSupergraph, writeSchemaFiles } from './composition';

composeSupergraph()
  .then((files) => {
    writeSchemaFiles(files);
    console.log(`Wrote ${[...files.keys()].join(', ')} to schema/`);
  })
  .catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
