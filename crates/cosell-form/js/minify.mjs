// Minifies the assembled opportunity.js: whitespace and syntax, never names (a classic script's
// globals stay as they are); the `/*!` header comment is kept. Usage: node minify.mjs INPUT OUTPUT
import { transformSync } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
    console.error('usage: node minify.mjs INPUT OUTPUT');
    process.exit(2);
}
writeFileSync(output, transformSync(readFileSync(input, 'utf8'), { minifyWhitespace: true, minifySyntax: true, legalComments: 'inline', target: 'es2020' }).code);
