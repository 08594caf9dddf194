// The console's API types (src/api.gen.ts) are generated from the server's
// OpenAPI document (src/http/openapi.json) by `npm run gen:api`. This fails
// when the committed file is not what the generator makes of the document
// now: a changed document without regenerated types, or a hand edit.
// Run by ctest (CMakeLists.txt, label lint); needs web/node_modules (npm ci).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(web, 'node_modules', 'openapi-typescript'))) {
  console.error('web/node_modules lacks openapi-typescript: run npm ci in web/');
  process.exit(1);
}
// The generator's own check: it generates in memory and compares with the
// output file the npm script names, writing nothing.
const r = spawnSync('npm', ['run', '--silent', 'gen:api', '--', '--check'], { cwd: web, encoding: 'utf8' });
if (r.error) {
  console.error(`could not run npm: ${r.error.message}`);
  process.exit(1);
}
if (r.status !== 0) {
  process.stderr.write(r.stdout + r.stderr);
  console.error('web/src/api.gen.ts is stale or src/http/openapi.json is not valid: run npm run gen:api in web/');
  process.exit(1);
}
console.log('web/src/api.gen.ts matches src/http/openapi.json');
